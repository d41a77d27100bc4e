import { describe, expect, it } from 'vitest';
import {
  authenticateClient,
  encodeClientSecretBasic,
  formUrlDecode,
  formUrlEncode,
  parseClientSecretBasic,
  type RegisteredClient,
} from '../../../lib/index.js';
import { NOW, rejection, serverContext } from '../../support/server.js';

const secret = 'p@ss word+%:&=é';
const client: RegisteredClient = { client_id: 'client:one', client_secret: secret, token_endpoint_auth_method: 'client_secret_basic' };
const findClient = (id: string) => (id === client.client_id ? client : undefined);
const basic = (value: string) => ({ headers: { authorization: value }, body: { grant_type: 'client_credentials' } });
const raw = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('RFC 6749 Appendix B form-urlencoding', () => {
  it('encodes space as + and reserved characters as %XX', () => {
    expect(formUrlEncode('a b+c%d:e&f=é*-._~')).toBe('a+b%2Bc%25d%3Ae%26f%3D%C3%A9*-._%7E');
  });
  it('decodes + as a space before percent-decoding', () => {
    expect(formUrlDecode('a+b%2Bc%25')).toBe('a b+c%');
  });
  it('rejects a stray % because it is not a %XX escape', () => {
    expect(() => formUrlDecode('100%')).toThrow(expect.objectContaining({ code: 'ERR_FORM_ENCODING' }));
  });
  it('rejects percent-escapes that are not UTF-8', () => {
    expect(() => formUrlDecode('%FF')).toThrow(expect.objectContaining({ code: 'ERR_FORM_ENCODING' }));
  });
});

describe('parseClientSecretBasic', () => {
  it('splits at the first colon and decodes both parts per Appendix B', () => {
    expect(parseClientSecretBasic(encodeClientSecretBasic('client:one', secret))).toEqual({ clientId: 'client:one', clientSecret: secret });
  });
  it('accepts the scheme name in any case', () => {
    expect(parseClientSecretBasic(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toEqual({ clientId: 'a', clientSecret: 'b' });
  });
  it.each([
    ['Basic', 'ERR_BASIC_MALFORMED'],
    ['Basic a b', 'ERR_BASIC_MALFORMED'],
    ['Basic !!!!', 'ERR_BASIC_BASE64'],
    ['Basic YWJj', 'ERR_BASIC_NO_COLON'],
    ['Basic YTpi=', 'ERR_BASIC_BASE64'],
    ['Basic YTpi', 'ok'],
    [`Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`, 'ERR_BASIC_CHARSET'],
    [raw('a:100%'), 'ERR_BASIC_FORM_ENCODING'],
    // RFC 7617 §2: the user-id and password MUST NOT contain control characters, raw or form-decoded (*VSCHAR).
    [raw('a\u0000:b'), 'ERR_BASIC_CONTROL_CHARACTER'],
    [raw('a:b\n'), 'ERR_BASIC_CONTROL_CHARACTER'],
    [raw('a%00:b'), 'ERR_BASIC_CONTROL_CHARACTER'],
    [raw('a:b%7F'), 'ERR_BASIC_CONTROL_CHARACTER'],
  ])('judges %s as %s', (header, code) => {
    if (code === 'ok') expect(parseClientSecretBasic(header)).toEqual({ clientId: 'a', clientSecret: 'b' });
    else expect(() => parseClientSecretBasic(header)).toThrow(expect.objectContaining({ code }));
  });
});

describe('client_secret_basic', () => {
  it('accepts the encoded client_id and secret', async () => {
    const result = await authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), { findClient, server: serverContext() });
    expect(result.method).toBe('client_secret_basic');
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(result.checks.map((c) => c.name)).toContain('client_secret');
  });

  it('rejects a secret that was not form-encoded before Base64 because + decodes to a space', async () => {
    const error = await rejection(authenticateClient(basic(raw(`client%3Aone:${'p@ss word+x'}`)), {
      findClient: () => ({ ...client, client_secret: 'p@ss word+x' }),
      server: serverContext(),
    }));
    expect(error.code).toBe('ERR_CLIENT_SECRET_MISMATCH');
  });

  it('rejects a wrong secret with 401, invalid_client and a Basic challenge', async () => {
    const error = await rejection(authenticateClient(basic(encodeClientSecretBasic(client.client_id, 'nope')), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISMATCH', error: 'invalid_client', status: 401 });
    expect(error.wwwAuthenticate).toMatch(/^Basic /);
    expect(error.checks.at(-1)).toMatchObject({ name: 'client_secret', passed: false });
  });

  it('rejects an unknown client with invalid_client', async () => {
    const error = await rejection(authenticateClient(basic(encodeClientSecretBasic('ghost', 'x')), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_UNKNOWN', error: 'invalid_client', status: 401 });
  });

  it('rejects a malformed header with invalid_request, not a crash', async () => {
    const error = await rejection(authenticateClient(basic('Basic ###'), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_BASIC_BASE64', error: 'invalid_request', status: 400 });
    expect(error.wwwAuthenticate).toMatch(/^Basic /);
  });

  it('rejects an expired secret because client_secret_expires_at has passed', async () => {
    const error = await rejection(authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), {
      findClient: () => ({ ...client, client_secret_expires_at: NOW - 1 }),
      server: serverContext(),
    }));
    expect(error.code).toBe('ERR_CLIENT_SECRET_EXPIRED');
  });

  it('accepts a secret that expires later', async () => {
    const result = await authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), {
      findClient: () => ({ ...client, client_secret_expires_at: NOW + 60 }),
      server: serverContext(),
    });
    expect(result.method).toBe('client_secret_basic');
  });

  it('is the method of a client that registered none (the default, OIDC Registration §2)', async () => {
    const { token_endpoint_auth_method: _, ...unspecified } = client;
    const result = await authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), { findClient: () => unspecified, server: serverContext() });
    expect(result.method).toBe('client_secret_basic');
  });

  it('accepts Basic from a client registered for client_secret_post in interop mode (RFC 6749 §2.3.1), naming the registered method', async () => {
    const result = await authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_post' }),
      server: serverContext(),
    });
    expect(result.method).toBe('client_secret_basic');
    const check = result.checks.find((c) => c.name === 'registered method');
    expect(check).toMatchObject({ passed: true, spec: 'RFC 6749 §2.3.1' });
    expect(check?.detail).toContain('registered client_secret_post');
  });

  it('rejects Basic from a client registered for client_secret_post in strict mode because the method must match', async () => {
    const error = await rejection(authenticateClient(basic(encodeClientSecretBasic(client.client_id, secret)), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_post' }),
      server: serverContext({ audiencePolicy: 'strict' }),
    }));
    expect(error).toMatchObject({ code: 'ERR_METHOD_NOT_REGISTERED', error: 'invalid_client', status: 401 });
  });

  it('rejects a wrong secret sent by Basic for a client_secret_post client in interop mode, with a Basic challenge', async () => {
    const error = await rejection(authenticateClient(basic(encodeClientSecretBasic(client.client_id, 'wrong')), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_post' }),
      server: serverContext(),
    }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISMATCH', status: 401 });
    expect(error.wwwAuthenticate).toMatch(/^Basic /);
  });
});
