import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { postForm, request, startTestServer } from './support.js';

let server: RunningLabServer;
let fapi2: RunningLabServer;
beforeAll(async () => {
  [server, fapi2] = await Promise.all([startTestServer(), startTestServer({ profile: 'fapi2', tlsPort: false })]);
});
afterAll(() => Promise.all([server.stop(), fapi2.stop()]));

describe('authorization server metadata (RFC 8414)', () => {
  it('lists every endpoint, the seven methods, and the mTLS aliases', async () => {
    const answer = await request(`${server.httpUrl}/.well-known/oauth-authorization-server`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const m = answer.body;
    expect(m.issuer).toBe(server.issuer);
    for (const name of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint', 'introspection_endpoint', 'device_authorization_endpoint', 'backchannel_authentication_endpoint', 'jwks_uri']) {
      expect(m[name], name).toMatch(/^http:\/\/localhost:\d+\//);
    }
    expect(m.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'none']);
    expect(m.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
    expect(m.revocation_endpoint_auth_methods_supported).toEqual(m.token_endpoint_auth_methods_supported);
    expect(m.mtls_endpoint_aliases.token_endpoint).toBe(`${server.httpsUrl}/token`);
    expect(m.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(m.backchannel_token_delivery_modes_supported).toEqual(['poll']);
    expect(m.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:openid:params:grant-type:ciba']));
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
  });
  it('serves the same document at /.well-known/openid-configuration', async () => {
    const a = await request(`${server.httpUrl}/.well-known/openid-configuration`);
    const b = await request(`${server.httpUrl}/.well-known/oauth-authorization-server`);
    expect(a.body).toEqual(b.body);
  });
  it('advertises FAPI 2.0 methods only', async () => {
    const m = (await request(`${fapi2.httpUrl}/.well-known/oauth-authorization-server`)).body;
    expect([...m.token_endpoint_auth_methods_supported].sort()).toEqual(['private_key_jwt', 'self_signed_tls_client_auth', 'tls_client_auth']);
    expect(m.token_endpoint_auth_signing_alg_values_supported).not.toContain('RS256');
    expect(m.mtls_endpoint_aliases).toBeUndefined();
  });
  it('publishes the server signing key at jwks_uri', async () => {
    const answer = await request(`${server.httpUrl}/jwks`);
    expect(answer.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(answer.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    expect(answer.body.keys[0].d).toBeUndefined();
  });
  it('serves the lab CA for clients to trust', async () => {
    const answer = await request(`${server.httpUrl}/lab/ca.pem`);
    expect(answer.text).toBe(server.caCertificatePem);
  });
});

describe('strict by default', () => {
  it('answers unknown routes with 404 JSON', async () => {
    const answer = await request(`${server.httpUrl}/nowhere`);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('not_found');
  });
  it('answers a wrong method with 405 and Allow', async () => {
    const answer = await request(`${server.httpUrl}/token`);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });
  it('rejects a JSON body at the token endpoint because it takes a form (RFC 6749 §3.2)', async () => {
    const answer = await request(`${server.httpUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('application/x-www-form-urlencoded') });
  });
  it('rejects a form that is not UTF-8', async () => {
    const answer = await request(`${server.httpUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from([0x61, 0x3d, 0xff]) });
    expect(answer.status).toBe(400);
  });
  it('rejects broken percent-encoding', async () => {
    const answer = await request(`${server.httpUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=%E0%A4%A' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
  });
  it('rejects an oversized form and keeps serving', async () => {
    const answer = await postForm(`${server.httpUrl}/token`, { client_id: 'x'.repeat(200_000) });
    expect(answer.status).toBe(400);
    expect((await request(`${server.httpUrl}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });
});
