import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import {
  assertionClaims, basic, ecKey, JWT_BEARER, postForm, register, request, signJwt, startTestServer, traceOf,
  type RegisteredTestClient, type TestKeyPair,
} from './support.js';

let server: RunningLabServer;
let token: string;
let webClient: RegisteredTestClient;
let publicClient: RegisteredTestClient;
let bearerClient: RegisteredTestClient;
let bearerKey: TestKeyPair;
let cibaClient: RegisteredTestClient;
let cibaKey: TestKeyPair;
const redirectUri = 'https://app.example/callback';
const rs = basic('lab-resource-server', 'lab-resource-server-secret');

beforeAll(async () => {
  server = await startTestServer();
  token = `${server.httpUrl}/token`;
  webClient = await register(server, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token', 'implicit'], response_types: ['code', 'token'], redirect_uris: [redirectUri], scope: 'read write' });
  publicClient = await register(server, { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], redirect_uris: [redirectUri] });
  bearerKey = ecKey('bearer');
  bearerClient = await register(server, { token_endpoint_auth_method: 'client_secret_post', jwks: { keys: [bearerKey.publicJwk] }, grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] });
  cibaKey = ecKey('ciba');
  cibaClient = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [cibaKey.publicJwk] }, grant_types: ['urn:openid:params:grant-type:ciba', 'refresh_token'] });
});
afterAll(() => server.stop());

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(clientId: string, challenge: string, extra: Record<string, string> = {}): Promise<URL> {
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  const answer = await request(`${server.httpUrl}/authorize?${query}`);
  expect(answer.status).toBe(302);
  return new URL(answer.headers.location as string);
}

const webAuth = () => ({ authorization: basic(webClient.client_id, webClient.client_secret as string) });

describe('authorization_code with PKCE (RFC 6749 §4.1, RFC 7636)', () => {
  it('accepts the code with the right verifier and issues a refresh token', async () => {
    const { verifier, challenge } = pkce();
    const location = await authorize(webClient.client_id, challenge, { scope: 'read' });
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(server.issuer);
    const authTrace = server.context.traces.list({ endpoint: 'authorize', limit: 1 })[0];
    expect(authTrace?.checks[0]).toMatchObject({ name: 'no client authentication', passed: true });
    const answer = await postForm(token, { grant_type: 'authorization_code', code: location.searchParams.get('code') as string, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', scope: 'read', refresh_token: expect.any(String) });
  });
  it('rejects a wrong code_verifier because S256 of it is not the challenge', async () => {
    const { challenge } = pkce();
    const location = await authorize(webClient.client_id, challenge);
    const answer = await postForm(token, { grant_type: 'authorization_code', code: location.searchParams.get('code') as string, redirect_uri: redirectUri, code_verifier: pkce().verifier }, { headers: webAuth() });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_PKCE_MISMATCH');
  });
  it('rejects a code used twice and revokes the tokens issued from it (RFC 6749 §4.1.2)', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge)).searchParams.get('code') as string;
    const values = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier };
    const first = await postForm(token, values, { headers: webAuth() });
    const second = await postForm(token, values, { headers: webAuth() });
    expect(second.status).toBe(400);
    expect(traceOf(server, second).outcome.code).toBe('ERR_CODE_REUSED');
    const introspection = await postForm(`${server.httpUrl}/introspect`, { token: first.body.access_token }, { headers: { authorization: rs } });
    expect(introspection.body).toEqual({ active: false });
  });
  it('rejects a redirect_uri that differs from the authorization request', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge)).searchParams.get('code') as string;
    const answer = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/other', code_verifier: verifier }, { headers: webAuth() });
    expect(traceOf(server, answer).outcome.code).toBe('ERR_REDIRECT_URI_MISMATCH');
  });
  it('lets a public client redeem its code with none, identified by client_id', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(publicClient.client_id, challenge)).searchParams.get('code') as string;
    const answer = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: publicClient.client_id });
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).method).toBe('none');
  });
  it('rejects a code issued to another client because codes are bound to their client', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(publicClient.client_id, challenge)).searchParams.get('code') as string;
    const answer = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CODE_CLIENT');
  });
  it('refuses an authorization request without PKCE, redirecting the error', async () => {
    const query = new URLSearchParams({ response_type: 'code', client_id: webClient.client_id, redirect_uri: redirectUri, state: 's' });
    const location = new URL((await request(`${server.httpUrl}/authorize?${query}`)).headers.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('s');
  });
  it('does not redirect to an unregistered redirect_uri (RFC 6749 §4.1.2.1)', async () => {
    const query = new URLSearchParams({ response_type: 'code', client_id: webClient.client_id, redirect_uri: 'https://evil.example/', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const answer = await request(`${server.httpUrl}/authorize?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
  });
  it('issues implicit tokens in the fragment with no client authentication at all', async () => {
    const query = new URLSearchParams({ response_type: 'token', client_id: webClient.client_id, redirect_uri: redirectUri, state: 'i' });
    const answer = await request(`${server.httpUrl}/authorize?${query}`);
    const fragment = new URLSearchParams(new URL(answer.headers.location as string).hash.slice(1));
    expect(fragment.get('access_token')).toBeTruthy();
    expect(fragment.get('refresh_token')).toBeNull();
    expect(traceOf(server, answer).notes.join(' ')).toContain('never authenticated');
  });
  it('lets a notebook choose the approving user with login_hint', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge, { login_hint: 'bob' })).searchParams.get('code') as string;
    const answer = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    const introspection = await postForm(`${server.httpUrl}/introspect`, { token: answer.body.access_token }, { headers: { authorization: rs } });
    expect(introspection.body.sub).toBe('bob');
  });
});

describe('refresh_token (RFC 6749 §6)', () => {
  it('rotates the refresh token and refuses the old one', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge, { scope: 'read write' })).searchParams.get('code') as string;
    const first = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    const refreshed = await postForm(token, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, scope: 'read' }, { headers: webAuth() });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('read');
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const replay = await postForm(token, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }, { headers: webAuth() });
    expect(traceOf(server, replay).outcome.code).toBe('ERR_REFRESH_TOKEN_REVOKED');
  });
  it('rejects a wider scope than the original grant because it is invalid_scope', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge, { scope: 'read' })).searchParams.get('code') as string;
    const first = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    const answer = await postForm(token, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, scope: 'read write' }, { headers: webAuth() });
    expect(answer.body.error).toBe('invalid_scope');
  });
});

describe('jwt-bearer grant (RFC 7523 §2.1)', () => {
  const grant = async (claims: Record<string, unknown>) => postForm(token, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: await signJwt(claims, 'ES256', bearerKey.privateKey, { kid: 'bearer' }),
    client_id: bearerClient.client_id, client_secret: bearerClient.client_secret,
  });
  it('accepts an assertion whose sub is the resource owner, not the client', async () => {
    const answer = await grant(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }));
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace.method).toBe('client_secret_post');
    expect(trace.checks.find((c) => c.name === 'grant sub')?.passed).toBe(true);
    expect(trace.request.jwts?.assertion?.payload.sub).toBe('alice');
  });
  it('rejects sub = client_id because for the grant sub names the resource owner', async () => {
    const answer = await grant(assertionClaims(bearerClient.client_id, token));
    expect(answer.body.error).toBe('invalid_grant');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_GRANT_SUBJECT_UNKNOWN');
  });
  it('rejects an untrusted issuer', async () => {
    const answer = await grant(assertionClaims('https://idp.example', token, { sub: 'alice' }));
    expect(traceOf(server, answer).outcome.code).toBe('ERR_GRANT_ISSUER_UNKNOWN');
  });
  it('rejects an expired assertion', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const answer = await grant(assertionClaims(bearerClient.client_id, token, { sub: 'alice', iat: past, exp: past + 60 }));
    expect(traceOf(server, answer).outcome.code).toBe('ERR_GRANT_ASSERTION_EXPIRED');
  });
  it('accepts the grant with client_id and no client authentication, which is optional here (RFC 7521 §4.1)', async () => {
    const answer = await postForm(token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: bearerClient.client_id,
      assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }),
    });
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).checks.find((c) => c.name === 'client authentication')?.spec).toBe('RFC 7521 §4.1; RFC 7523 §2.1');
  });
  it('accepts the grant with neither client_id nor client authentication, the client being the grant\'s iss (RFC 7521 §4.1)', async () => {
    const answer = await postForm(token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }),
    });
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace.clientId).toBe(bearerClient.client_id);
    expect(trace.checks.find((c) => c.name === 'client authentication')?.detail).toContain("the grant assertion's iss");
  });
  it('rejects a grant without client_id signed by a key the named client never registered because the signature fails (RFC 7523 §3 (9))', async () => {
    const stranger = ecKey('stranger');
    const answer = await postForm(token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', stranger.privateKey, { kid: 'bearer' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_GRANT_ASSERTION_SIGNATURE');
  });
  it('rejects a grant naming no registered client and carrying no credentials because the client is unidentified (RFC 6749 §5.2)', async () => {
    const answer = await postForm(token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await signJwt(assertionClaims('nobody-registered', token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
  });
  it('rejects a grant assertion whose issuer keys cannot be fetched with invalid_grant (RFC 7521 §4.1.1)', async () => {
    const key = ecKey('unfetchable');
    const client = await register(server, { token_endpoint_auth_method: 'client_secret_post', jwks_uri: 'http://127.0.0.1:9/jwks', grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] });
    const answer = await postForm(token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: client.client_id, client_secret: client.client_secret,
      assertion: await signJwt(assertionClaims(client.client_id, token, { sub: 'alice' }), 'ES256', key.privateKey, { kid: 'unfetchable' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_JWKS_FETCH');
  });
});

describe('device authorization (RFC 8628)', () => {
  it('answers authorization_pending until the user approves, then issues tokens to the public client', async () => {
    const start = await postForm(`${server.httpUrl}/device_authorization`, { client_id: publicClient.client_id, scope: 'read' });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ user_code: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/), verification_uri: `${server.issuer}/device`, interval: 0 });
    const poll = { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: start.body.device_code, client_id: publicClient.client_id };
    const pending = await postForm(token, poll);
    expect(pending.body.error).toBe('authorization_pending');
    const approve = await request(start.body.verification_uri_complete);
    expect(approve.body).toMatchObject({ status: 'approved', user: 'alice' });
    const done = await postForm(token, poll);
    expect(done.status).toBe(200);
    expect(done.body.refresh_token).toBeDefined();
  });
  it('answers access_denied when the user denies', async () => {
    const start = await postForm(`${server.httpUrl}/device_authorization`, { client_id: publicClient.client_id });
    await request(`${start.body.verification_uri_complete}&decision=deny`);
    const answer = await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: start.body.device_code, client_id: publicClient.client_id });
    expect(answer.body.error).toBe('access_denied');
  });
  it('authenticates confidential clients at the device endpoint too (RFC 8628 §3.1)', async () => {
    const answer = await postForm(`${server.httpUrl}/device_authorization`, { client_id: webClient.client_id, client_secret: 'wrong' });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).endpoint).toBe('device_authorization');
  });
});

describe('CIBA poll mode (CIBA Core §7, §10)', () => {
  const backchannel = () => `${server.httpUrl}/bc-authorize`;
  const assertion = (aud: string) => signJwt(assertionClaims(cibaClient.client_id, aud), 'ES256', cibaKey.privateKey, { kid: 'ciba' });
  it('authenticates with aud = the backchannel endpoint URL, then polls to a token', async () => {
    const start = await postForm(backchannel(), { scope: 'openid read', login_hint: 'alice', client_assertion_type: JWT_BEARER, client_assertion: await assertion(backchannel()) });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ auth_req_id: expect.any(String), expires_in: 300 });
    const answer = await postForm(token, { grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: start.body.auth_req_id, client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.issuer) });
    expect(answer.status).toBe(200);
    expect(answer.body.scope).toBe('openid read');
  });
  it('rejects a request without openid in scope', async () => {
    const answer = await postForm(backchannel(), { scope: 'read', login_hint: 'alice', client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.issuer) });
    expect(answer.body.error).toBe('invalid_scope');
  });
  it('answers unknown_user_id for a login_hint naming nobody (CIBA Core §13)', async () => {
    const answer = await postForm(backchannel(), { scope: 'openid', login_hint: 'mallory', client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.issuer) });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('unknown_user_id');
  });
  it('refuses a public client because CIBA requires client authentication', async () => {
    const answer = await postForm(backchannel(), { scope: 'openid', login_hint: 'alice', client_id: publicClient.client_id });
    expect(answer.body.error).toBe('unauthorized_client');
    expect(traceOf(server, answer).checks.find((c) => !c.passed)?.spec).toBe('CIBA Core §7.1');
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes a token after authenticating its client', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(webClient.client_id, challenge)).searchParams.get('code') as string;
    const issued = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { headers: webAuth() });
    const answer = await postForm(`${server.httpUrl}/revoke`, { token: issued.body.refresh_token, token_type_hint: 'refresh_token' }, { headers: webAuth() });
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const introspection = await postForm(`${server.httpUrl}/introspect`, { token: issued.body.access_token }, { headers: { authorization: rs } });
    expect(introspection.body.active).toBe(false);
  });
  it('ignores a token_type_hint it does not know (RFC 7009 §2.1)', async () => {
    const answer = await postForm(`${server.httpUrl}/revoke`, { token: 'unknown', token_type_hint: 'id_token' }, { headers: webAuth() });
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).checks.find((c) => c.name === 'token_type_hint')?.passed).toBe(true);
  });
  it('answers 200 for an unknown token (RFC 7009 §2.2)', async () => {
    expect((await postForm(`${server.httpUrl}/revoke`, { token: 'unknown' }, { headers: webAuth() })).status).toBe(200);
  });
  it('rejects a client that fails authentication', async () => {
    const answer = await postForm(`${server.httpUrl}/revoke`, { token: 'x' }, { headers: { authorization: basic(webClient.client_id, 'bad') } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic/);
  });
  it('rejects revoking another client\'s token', async () => {
    const { verifier, challenge } = pkce();
    const code = (await authorize(publicClient.client_id, challenge)).searchParams.get('code') as string;
    const issued = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: publicClient.client_id });
    const answer = await postForm(`${server.httpUrl}/revoke`, { token: issued.body.access_token }, { headers: webAuth() });
    expect(traceOf(server, answer).outcome.code).toBe('ERR_TOKEN_NOT_YOURS');
  });
});

describe('introspection (RFC 7662) authenticates the resource server, not a client', () => {
  it('answers active with the token details for the resource server', async () => {
    const issued = await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }), client_id: bearerClient.client_id, client_secret: bearerClient.client_secret });
    const answer = await postForm(`${server.httpUrl}/introspect`, { token: issued.body.access_token }, { headers: { authorization: rs } });
    expect(answer.body).toMatchObject({ active: true, client_id: bearerClient.client_id, sub: 'alice', token_type: 'Bearer', iss: server.issuer });
    expect(answer.headers['cache-control']).toBe('no-store');
  });
  it('accepts a registered client with its registered method, which learns only of its own tokens (RFC 7662 §2.1)', async () => {
    const issued = await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }), client_id: bearerClient.client_id, client_secret: bearerClient.client_secret });
    const own = await postForm(`${server.httpUrl}/introspect`, { token: issued.body.access_token, client_id: bearerClient.client_id, client_secret: bearerClient.client_secret });
    expect(own.body).toMatchObject({ active: true, client_id: bearerClient.client_id });
    const foreign = await postForm(`${server.httpUrl}/introspect`, { token: issued.body.access_token }, { headers: webAuth() });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual({ active: false });
  });
  it('accepts a Bearer access token as the caller\'s authorization, about its own client\'s tokens only (RFC 7662 §2.1, §4)', async () => {
    const issued = await postForm(token, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await signJwt(assertionClaims(bearerClient.client_id, token, { sub: 'alice' }), 'ES256', bearerKey.privateKey, { kid: 'bearer' }), client_id: bearerClient.client_id, client_secret: bearerClient.client_secret });
    const answer = await postForm(`${server.httpUrl}/introspect`, { token: issued.body.access_token }, { headers: { authorization: `Bearer ${issued.body.access_token}` } });
    expect(answer.body).toMatchObject({ active: true });
    const { verifier, challenge } = pkce();
    const code = (await authorize(publicClient.client_id, challenge)).searchParams.get('code') as string;
    const other = await postForm(token, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: publicClient.client_id });
    const scanned = await postForm(`${server.httpUrl}/introspect`, { token: other.body.access_token }, { headers: { authorization: `Bearer ${issued.body.access_token}` } });
    expect(scanned.status).toBe(200);
    expect(scanned.body).toEqual({ active: false });
    expect(traceOf(server, scanned).checks.find((c) => c.name === 'token state')?.detail).toMatch(/another client/);
    const bad = await postForm(`${server.httpUrl}/introspect`, { token: 'x' }, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer /);
  });
  it('rejects a caller without credentials with 401 and a challenge', async () => {
    const answer = await postForm(`${server.httpUrl}/introspect`, { token: 'x' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
    expect(answer.body.error).toBe('invalid_client');
  });
  it('rejects a wrong client secret in the body with invalid_client', async () => {
    const answer = await postForm(`${server.httpUrl}/introspect`, { token: 'x', client_id: webClient.client_id, client_secret: 'y' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client');
  });
});

describe('the protected resource (RFC 6750)', () => {
  it('rejects a request without a token with a bare Bearer challenge', async () => {
    const answer = await request(`${server.httpUrl}/resource`);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="client-auth-lab"');
  });
  it('rejects an unknown token as invalid_token', async () => {
    const answer = await request(`${server.httpUrl}/resource`, { headers: { authorization: 'Bearer nope' } });
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});
