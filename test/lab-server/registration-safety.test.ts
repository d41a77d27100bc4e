// A shared server (a workshop) must not fetch a jwks_uri on its own machine or network, and limits
// token requests per client and registrations per initial access token (429 + Retry-After).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { nonPublicRange } from '../../lab-server/registration-safety.js';
import { JWT_BEARER, assertionClaims, ecKey, postForm, postJson, signJwt, startTestServer, traceOf } from './support.js';

const TOKEN = 'room-42';
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

describe('nonPublicRange', () => {
  it('names loopback, link-local, private, carrier-NAT and IPv4-mapped addresses, and passes public ones', () => {
    expect(nonPublicRange('127.0.0.1')?.name).toBe('loopback');
    expect(nonPublicRange('::1')?.name).toBe('loopback');
    expect(nonPublicRange('169.254.169.254')?.name).toBe('link-local');
    expect(nonPublicRange('fe80::1')?.name).toBe('link-local');
    expect(nonPublicRange('10.1.2.3')?.name).toBe('private');
    expect(nonPublicRange('172.20.0.1')?.name).toBe('private');
    expect(nonPublicRange('192.168.1.1')?.name).toBe('private');
    expect(nonPublicRange('fd00::1')?.name).toBe('private');
    expect(nonPublicRange('100.64.0.1')?.name).toMatch(/carrier/);
    expect(nonPublicRange('::ffff:127.0.0.1')?.name).toBe('loopback');
    expect(nonPublicRange('0.0.0.0')?.name).toBe('unspecified');
    expect(nonPublicRange('93.184.215.14')).toBeUndefined();
    expect(nonPublicRange('2606:4700::1111')).toBeUndefined();
  });
});

describe('jwks_uri on a shared server', () => {
  let shared: RunningLabServer;
  let alone: RunningLabServer;
  let jwksServer: http.Server;
  let jwksUrl = '';
  const key = ecKey('k1');

  beforeAll(async () => {
    jwksServer = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/jwks' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    shared = await startTestServer({ tlsPort: false, registrationToken: TOKEN, allowJwksHosts: [`127.0.0.1:${(jwksServer.address() as AddressInfo).port}`] });
    alone = await startTestServer({ tlsPort: false });
  });
  afterAll(async () => {
    await shared?.stop();
    await alone?.stop();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const registerWith = (server: RunningLabServer, jwksUri: string) => postJson(`${server.httpUrl}/register`, {
    token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks_uri: jwksUri,
  }, server === shared ? auth : {});

  for (const [uri, code, words] of [
    ['http://93.184.215.14/jwks', 'ERR_JWKS_URI_NOT_HTTPS', 'must use https'],
    ['https://127.0.0.1/jwks', 'ERR_JWKS_URI_PRIVATE_ADDRESS', 'loopback'],
    ['https://localhost/jwks', 'ERR_JWKS_URI_PRIVATE_ADDRESS', 'loopback'],
    ['https://169.254.169.254/latest/meta-data', 'ERR_JWKS_URI_PRIVATE_ADDRESS', 'link-local'],
    ['https://10.0.0.7/jwks', 'ERR_JWKS_URI_PRIVATE_ADDRESS', 'private'],
    ['https://[::ffff:127.0.0.1]/jwks', 'ERR_JWKS_URI_PRIVATE_ADDRESS', 'loopback'],
    ['https://no-such-host.invalid/jwks', 'ERR_JWKS_URI_UNRESOLVED', 'does not resolve'],
  ] as const) {
    it(`rejects ${uri} because ${code}`, async () => {
      const answer = await registerWith(shared, uri);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_client_metadata');
      expect(answer.body.error_description).toContain(words);
      expect(traceOf(shared, answer).outcome.code).toBe(code);
    });
  }

  it('accepts an https jwks_uri on a public address', async () => {
    expect((await registerWith(shared, 'https://93.184.215.14/jwks')).status).toBe(201);
  });

  it('accepts a host the instructor allowed, over http, and authenticates with its keys', async () => {
    const answer = await registerWith(shared, `${jwksUrl}/jwks`);
    expect(answer.status).toBe(201);
    const clientId = answer.body.client_id as string;
    const assertion = await signJwt(assertionClaims(clientId, `${shared.httpUrl}/token`), 'ES256', key.privateKey, { kid: 'k1' });
    const token = await postForm(`${shared.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(token.status).toBe(200);
  });

  it('rejects keys behind a redirect because the fetch never follows one', async () => {
    const answer = await registerWith(shared, `${jwksUrl}/redirect`);
    expect(answer.status).toBe(201);
    const clientId = answer.body.client_id as string;
    const assertion = await signJwt(assertionClaims(clientId, `${shared.httpUrl}/token`), 'ES256', key.privateKey, { kid: 'k1' });
    const token = await postForm(`${shared.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(token.status).toBe(400);
    expect(traceOf(shared, token).outcome.code).toBe('ERR_JWKS_FETCH');
  });

  it('keeps self-study on localhost as it was: a loopback http jwks_uri is accepted', async () => {
    expect((await registerWith(alone, `${jwksUrl}/jwks`)).status).toBe(201);
  });
});

describe('rate limits on a shared server', () => {
  let server: RunningLabServer;
  beforeAll(async () => {
    server = await startTestServer({ tlsPort: false, registrationToken: TOKEN, tokenRateLimit: 3, registrationRateLimit: 4 });
  });
  afterAll(() => server?.stop());

  const register = () => postJson(`${server.httpUrl}/register`, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] }, auth);

  it('rejects the request past a client\'s limit with 429 and Retry-After, and leaves other clients alone', async () => {
    const a = (await register()).body;
    const b = (await register()).body;
    const ask = (c: { client_id: string; client_secret: string }) => postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
    for (let i = 0; i < 3; i++) expect((await ask(a)).status).toBe(200);
    const limited = await ask(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error).toBe('temporarily_unavailable');
    const trace = traceOf(server, limited);
    expect(trace).toMatchObject({ clientId: a.client_id, outcome: { code: 'ERR_RATE_LIMITED' } });
    expect((await ask(b)).status).toBe(200);
  });

  it('rejects registrations past the limit of the initial access token with 429 and Retry-After', async () => {
    // Two were made above; two more fit, the next does not.
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const limited = await register();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(traceOf(server, limited).outcome.code).toBe('ERR_RATE_LIMITED');
  });
});
