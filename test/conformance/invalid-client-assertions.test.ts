/**
 * A conformance matrix modelled on the OpenID conformance suite's FAPI 2.0 "invalid client assertion"
 * plan: each row sends one token request over a real socket to a lab server under --profile fapi2 and
 * states the expected status, error, lib code and the clause the refusal cites.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import {
  assertionClaims, ecKey, JWT_BEARER, postForm, register, signJwt, startTestServer, traceOf,
  type RegisteredTestClient, type TestKeyPair,
} from '../lab-server/support.js';

let fapi: RunningLabServer;
let interop: RunningLabServer;
let client: RegisteredTestClient;
let interopClient: RegisteredTestClient;
let ec: TestKeyPair;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

beforeAll(async () => {
  ec = ecKey('ec');
  const rsaJwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa', use: 'sig' };
  fapi = await startTestServer({ tlsPort: false, profile: 'fapi2' });
  client = await register(fapi, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ec.publicJwk, rsaJwk] }, grant_types: ['client_credentials'] });
  interop = await startTestServer({ tlsPort: false });
  interopClient = await register(interop, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ec.publicJwk] }, grant_types: ['client_credentials'] });
});
afterAll(async () => {
  await fapi.stop();
  await interop.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface Row {
  name: string;
  /** The form sent, given the issuer and token endpoint of the server. */
  body: (issuer: string, tokenEndpoint: string) => Promise<Record<string, string>>;
  status: number;
  error?: string;
  code?: string;
  /** A clause the refusal must cite. */
  spec?: string;
}

const signed = (claims: Record<string, unknown>, alg = 'ES256') =>
  signJwt(claims, alg, alg === 'RS256' ? rsa.privateKey : ec.privateKey, { kid: alg === 'RS256' ? 'rsa' : 'ec' });
const withAssertion = async (claims: Record<string, unknown>, alg?: string) =>
  ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await signed(claims, alg) });
const claims = (issuer: string, overrides: Record<string, unknown> = {}) => assertionClaims(client.client_id, issuer, overrides);

const FAPI2_ROWS: Row[] = [
  { name: 'accepts a valid assertion with the issuer as aud', body: async (iss) => withAssertion(claims(iss)), status: 200 },
  { name: 'rejects a request with no client assertion', body: async () => ({ grant_type: 'client_credentials' }), status: 401, error: 'invalid_client', code: 'ERR_NO_CLIENT_AUTHENTICATION', spec: 'RFC 6749 §5.2' },
  { name: 'rejects a missing client_assertion_type', body: async (iss) => ({ grant_type: 'client_credentials', client_assertion: await signed(claims(iss)) }), status: 400, error: 'invalid_request', code: 'ERR_ASSERTION_TYPE', spec: 'RFC 7523 §2.2' },
  { name: 'rejects a wrong client_assertion_type', body: async (iss) => ({ ...(await withAssertion(claims(iss))), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), status: 400, error: 'invalid_request', code: 'ERR_ASSERTION_TYPE', spec: 'RFC 7523 §2.2' },
  { name: 'rejects a missing iss', body: async (iss) => withAssertion(claims(iss, { iss: undefined })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_ISS', spec: 'RFC 7523 §3 (1)' },
  { name: 'rejects a wrong iss', body: async (iss) => withAssertion(claims(iss, { iss: 'someone-else' })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_ISS', spec: 'RFC 7523 §3 (1)' },
  { name: 'rejects a missing sub', body: async (iss) => withAssertion(claims(iss, { sub: undefined })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_SUB', spec: 'RFC 7523 §3 (2)(B)' },
  { name: 'rejects a wrong sub', body: async (iss) => withAssertion(claims(iss, { sub: 'someone-else' })), status: 400, error: 'invalid_client', code: 'ERR_CLIENT_UNKNOWN', spec: 'RFC 6749 §5.2' },
  { name: 'rejects a missing aud', body: async (iss) => withAssertion(claims(iss, { aud: undefined })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_AUD', spec: 'RFC 7523 §3 (3)' },
  { name: 'rejects an unrelated aud', body: async () => withAssertion(claims('https://unrelated.example')), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_AUD', spec: 'FAPI 2.0 Security Profile §5.3.2.1 (8)' },
  { name: 'rejects the token endpoint as aud', body: async (_, token) => withAssertion(claims(token)), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_AUD', spec: 'FAPI 2.0 Security Profile §5.3.2.1 (8)' },
  { name: 'rejects aud as an array, even one holding only the issuer', body: async (iss) => withAssertion(claims(iss, { aud: [iss] })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_AUD', spec: 'FAPI 2.0 Security Profile §5.3.2.1 (8)' },
  { name: 'rejects exp 5 minutes in the past', body: async (iss) => withAssertion(claims(iss, { iat: now() - 360, exp: now() - 300 })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_EXPIRED', spec: 'RFC 7523 §3 (4)' },
  { name: 'rejects iat 70 s in the future', body: async (iss) => withAssertion(claims(iss, { iat: now() + 70, exp: now() + 130 })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_IAT_FUTURE', spec: 'FAPI 2.0 Security Profile §5.3.2.1 (13)' },
  { name: 'rejects nbf 70 s in the future', body: async (iss) => withAssertion(claims(iss, { nbf: now() + 70 })), status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_NOT_YET_VALID', spec: 'FAPI 2.0 Security Profile §5.3.2.1 (13)' },
  { name: 'accepts iat 8 s in the future', body: async (iss) => withAssertion(claims(iss, { iat: now() + 8, exp: now() + 60 })), status: 200 },
  { name: 'accepts nbf 8 s in the future', body: async (iss) => withAssertion(claims(iss, { nbf: now() + 8 })), status: 200 },
  { name: 'rejects RS256', body: async (iss) => withAssertion(claims(iss), 'RS256'), status: 400, error: 'invalid_client', code: 'ERR_PROFILE_ALG', spec: 'FAPI 2.0 Security Profile §5.4.1' },
  {
    name: 'rejects alg none',
    body: async (iss) => ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: `${b64({ alg: 'none' })}.${b64(claims(iss))}.` }),
    status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_ALG_NONE', spec: 'RFC 7518 §3.6',
  },
  {
    name: 'rejects a bad signature',
    body: async (iss) => {
      const form = await withAssertion(claims(iss));
      const [h, p] = form.client_assertion.split('.');
      const other = await signJwt(claims(iss), 'ES256', ecKey('x').privateKey, { kid: 'ec' });
      return { ...form, client_assertion: `${h}.${p}.${other.split('.')[2]}` };
    },
    status: 400, error: 'invalid_client', code: 'ERR_ASSERTION_SIGNATURE', spec: 'RFC 7523 §3 (9)',
  },
];

describe('FAPI 2.0 invalid client assertions (--profile fapi2)', () => {
  it.each(FAPI2_ROWS)('$name', async (row) => {
    const answer = await postForm(`${fapi.httpUrl}/token`, await row.body(fapi.issuer, `${fapi.httpUrl}/token`));
    expect(answer.status).toBe(row.status);
    if (row.status === 200) {
      expect(answer.body.access_token).toEqual(expect.any(String));
      return;
    }
    expect(answer.body.error).toBe(row.error);
    const trace = traceOf(fapi, answer);
    expect(trace.outcome.code).toBe(row.code);
    expect(trace.outcome.spec).toContain(row.spec);
    if (answer.status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('rejects a reused jti', async () => {
    const form = await withAssertion(claims(fapi.issuer));
    expect((await postForm(`${fapi.httpUrl}/token`, form)).status).toBe(200);
    const again = await postForm(`${fapi.httpUrl}/token`, form);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_client');
    expect(traceOf(fapi, again).outcome).toMatchObject({ code: 'ERR_ASSERTION_REPLAYED', spec: expect.stringContaining('RFC 7523 §3 (7)') });
  });
});

describe('interop audience rules (the default mode)', () => {
  const interopForm = async (aud: unknown) => ({
    grant_type: 'client_credentials', client_assertion_type: JWT_BEARER,
    client_assertion: await signJwt(assertionClaims(interopClient.client_id, '', { aud }), 'ES256', ec.privateKey, { kid: 'ec' }),
  });
  it.each([
    ['the issuer', (s: RunningLabServer) => s.issuer],
    ['the token endpoint URL', (s: RunningLabServer) => `${s.httpUrl}/token`],
  ])('accepts %s as aud', async (_, aud) => {
    expect((await postForm(`${interop.httpUrl}/token`, await interopForm(aud(interop)))).status).toBe(200);
  });
  it("rejects another endpoint's URL (the revocation endpoint) as aud at /token", async () => {
    const answer = await postForm(`${interop.httpUrl}/token`, await interopForm(`${interop.httpUrl}/revoke`));
    expect(answer.status).toBe(400);
    expect(traceOf(interop, answer).outcome).toMatchObject({ code: 'ERR_ASSERTION_AUD', spec: 'RFC 7523 §3 (3); CIBA Core §7.1' });
  });
  it('accepts an array holding the issuer and marks the other member as an audience-injection risk', async () => {
    const answer = await postForm(`${interop.httpUrl}/token`, await interopForm(['https://other-as.example', interop.issuer]));
    expect(answer.status).toBe(200);
    const risk = traceOf(interop, answer).checks.find((c) => c.name === 'aud other members');
    expect(risk?.detail).toContain("'https://other-as.example'");
  });
  it('accepts an assertion typed JWT and living one hour, as Authlib makes them', async () => {
    const t = now();
    const assertion = await signJwt(assertionClaims(interopClient.client_id, `${interop.httpUrl}/token`, { iat: t, exp: t + 3600 }), 'ES256', ec.privateKey, { kid: 'ec', typ: 'JWT' });
    const answer = await postForm(`${interop.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(200);
  });
  it('rejects a dpop+jwt typed assertion', async () => {
    const assertion = await signJwt(assertionClaims(interopClient.client_id, interop.issuer), 'ES256', ec.privateKey, { kid: 'ec', typ: 'dpop+jwt' });
    const answer = await postForm(`${interop.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(traceOf(interop, answer).outcome).toMatchObject({ code: 'ERR_ASSERTION_TYP', spec: expect.stringContaining('RFC 8725 §3.11') });
  });
});

describe('requireExplicitTyp (opt-in; off by default in every mode and profile)', () => {
  it('rejects an assertion typed JWT because the server requires client-authentication+jwt, and accepts the explicit type', async () => {
    const server = await startTestServer({ tlsPort: false, requireExplicitTyp: true });
    try {
      const registered = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ec.publicJwk] }, grant_types: ['client_credentials'] });
      const send = async (typ: string) => postForm(`${server.httpUrl}/token`, {
        grant_type: 'client_credentials', client_assertion_type: JWT_BEARER,
        client_assertion: await signJwt(assertionClaims(registered.client_id, server.issuer), 'ES256', ec.privateKey, { kid: 'ec', typ }),
      });
      const refused = await send('JWT');
      expect(refused.status).toBe(400);
      expect(traceOf(server, refused).outcome.code).toBe('ERR_ASSERTION_TYP_REQUIRED');
      expect((await send('client-authentication+jwt')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
