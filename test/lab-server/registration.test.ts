import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { ecKey, postJson, request, startTestServer, traceOf } from './support.js';

let server: RunningLabServer;
let fapi: RunningLabServer;
let workshop: RunningLabServer;
const registerAt = (s: RunningLabServer, metadata: unknown, headers: Record<string, string> = {}) => postJson(`${s.httpUrl}/register`, metadata, { headers });

beforeAll(async () => {
  [server, fapi, workshop] = await Promise.all([
    startTestServer({ tlsPort: false }),
    startTestServer({ tlsPort: false, profile: 'fapi1-part2' }),
    startTestServer({ tlsPort: false, registrationToken: 'workshop-token' }),
  ]);
});
afterAll(() => Promise.all([server.stop(), fapi.stop(), workshop.stop()]));

describe('dynamic client registration (RFC 7591)', () => {
  it('accepts a client_secret_basic client and issues a 64-octet secret (RFC 7518 §3.2)', async () => {
    const answer = await registerAt(server, { client_name: 'demo', grant_types: ['client_credentials'] });
    expect(answer.status).toBe(201);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toMatchObject({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
      client_secret_expires_at: 0,
      token_endpoint_auth_method: 'client_secret_basic',
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.any(String),
      registration_client_uri: expect.stringContaining('/register/'),
    });
    expect(JSON.stringify(traceOf(server, answer).response.body)).not.toContain(answer.body.client_secret);
  });
  it('accepts private_key_jwt with jwks and issues no secret', async () => {
    const answer = await registerAt(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ecKey().publicJwk] }, grant_types: ['client_credentials'] });
    expect(answer.status).toBe(201);
    expect(answer.body.client_secret).toBeUndefined();
  });
  const refusals: [string, Record<string, unknown>, string][] = [
    ['a public client with client_credentials', { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }, 'ERR_METADATA_PUBLIC_GRANT'],
    ['several tls_client_auth_* fields', { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a.example', tls_client_auth_subject_dn: 'CN=a', grant_types: ['client_credentials'] }, 'ERR_METADATA_TLS_FIELDS'],
    ['an HS alg with private_key_jwt', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'HS256', jwks: { keys: [ecKey().publicJwk] }, grant_types: ['client_credentials'] }, 'ERR_METADATA_ALG_METHOD'],
    ['a malformed jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA' }] }, grant_types: ['client_credentials'] }, 'ERR_METADATA_JWKS'],
    ['a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...ecKey().publicJwk, d: 'AAAA' }] }, grant_types: ['client_credentials'] }, 'ERR_METADATA_JWKS_PRIVATE'],
  ];
  for (const [what, metadata, code] of refusals) {
    it(`rejects ${what} because it breaks a registration rule (${code})`, async () => {
      const answer = await registerAt(server, metadata);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_client_metadata');
      expect(answer.body.error_description).toMatch(/\(.*(RFC|OIDC|FAPI).*\)/);
      expect(traceOf(server, answer).outcome.code).toBe(code);
    });
  }
  it('rejects a code client without redirect_uris with invalid_redirect_uri', async () => {
    const answer = await registerAt(server, { grant_types: ['authorization_code'] });
    expect(answer.body.error).toBe('invalid_redirect_uri');
  });
  it('rejects a body that is not JSON because client metadata is a JSON object', async () => {
    const answer = await request(`${server.httpUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_name":' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client_metadata');
  });
  it.each([
    ['U+0000 in client_name', '{"client_name":"a\\u0000b","grant_types":["client_credentials"]}'],
    ['an unpaired surrogate in client_name', '{"client_name":"a\\ud800","grant_types":["client_credentials"]}'],
    ['U+0000 in a member name', '{"x\\u0000":1,"grant_types":["client_credentials"]}'],
    ['U+0000 deep in jwks', '{"jwks":{"keys":[{"kid":"\\u0000"}]},"grant_types":["client_credentials"]}'],
  ])('rejects %s because the registration response could not give it back unchanged', async (_what, body) => {
    const answer = await request(`${server.httpUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client_metadata');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_METADATA_TEXT');
  });
  it('rejects a form body because registration speaks JSON', async () => {
    const answer = await request(`${server.httpUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CONTENT_TYPE');
  });
  it('rejects an oversized body with 400, not 413 or 500', async () => {
    const answer = await registerAt(server, { client_name: 'x'.repeat(100_000) });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_BODY_TOO_LARGE');
  });
});

describe('client configuration (RFC 7592)', () => {
  it('reads, updates and deletes a client with its registration access token', async () => {
    const created = (await registerAt(server, { client_name: 'before', grant_types: ['client_credentials'] })).body;
    const auth = { authorization: `Bearer ${created.registration_access_token}` };
    const read = await request(created.registration_client_uri, { headers: auth });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ client_id: created.client_id, client_secret: created.client_secret, client_name: 'before' });
    const updated = await request(created.registration_client_uri, {
      method: 'PUT', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: created.client_id, client_name: 'after', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }),
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ client_name: 'after', token_endpoint_auth_method: 'client_secret_post', client_secret: created.client_secret });
    const deleted = await request(created.registration_client_uri, { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(204);
    // RFC 9110 §8.6: a 204 carries no Content-Length (and no body).
    expect(deleted.headers['content-length']).toBeUndefined();
    expect(deleted.text).toBe('');
    expect((await request(created.registration_client_uri, { headers: auth })).status).toBe(401);
  });
  it('rejects a wrong registration access token with 401 invalid_token', async () => {
    const created = (await registerAt(server, { grant_types: ['client_credentials'] })).body;
    const answer = await request(created.registration_client_uri, { headers: { authorization: 'Bearer wrong' } });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
    expect(answer.headers['www-authenticate']).toContain('Bearer');
  });
});

describe('workshop mode (initial access token, RFC 7591 §3)', () => {
  it('rejects registration without the initial access token', async () => {
    const answer = await registerAt(workshop, { grant_types: ['client_credentials'] });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
  });
  it('accepts registration with it', async () => {
    const answer = await registerAt(workshop, { grant_types: ['client_credentials'] }, { authorization: 'Bearer workshop-token' });
    expect(answer.status).toBe(201);
  });
});

describe('FAPI 1.0 Part 2 profile', () => {
  it('rejects client_secret_basic because the profile forbids it, naming the clause', async () => {
    const answer = await registerAt(fapi, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
    expect(answer.status).toBe(400);
    expect(answer.body.error_description).toContain('FAPI 1.0 Part 2');
    expect(traceOf(fapi, answer).outcome.code).toBe('ERR_PROFILE_METHOD');
  });
  it('rejects RS256 because only PS256 and ES256 are allowed (§8.6)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const answer = await registerAt(fapi, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'r' }] }, grant_types: ['client_credentials'] });
    expect(traceOf(fapi, answer).outcome.code).toBe('ERR_PROFILE_ALGORITHM');
  });
  it('rejects a 1024-bit RSA key because keys must have 2048 bits or more', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const answer = await registerAt(fapi, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'PS256', jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'r' }] }, grant_types: ['client_credentials'] });
    expect(traceOf(fapi, answer).outcome.code).toBe('ERR_PROFILE_KEY_SIZE');
  });
  it('accepts private_key_jwt with ES256', async () => {
    const answer = await registerAt(fapi, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [ecKey().publicJwk] }, grant_types: ['client_credentials'] });
    expect(answer.status).toBe(201);
  });
  it('advertises only what the profile allows', async () => {
    const metadata = (await request(`${fapi.httpUrl}/.well-known/oauth-authorization-server`)).body;
    expect([...metadata.token_endpoint_auth_methods_supported].sort()).toEqual(['private_key_jwt', 'self_signed_tls_client_auth', 'tls_client_auth']);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256', 'ES256']);
    expect(metadata.response_types_supported).toEqual(['code']);
  });
});
