import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import {
  assertionClaims, basic, ecKey, failedCheck, JWT_BEARER, postForm, register, signJwt, startTestServer, traceOf,
  type RegisteredTestClient, type TestKeyPair,
} from './support.js';

let server: RunningLabServer;
let token: string;
let basicClient: RegisteredTestClient;
let postClient: RegisteredTestClient;
let jwtClient: RegisteredTestClient;
let keyClient: RegisteredTestClient;
let publicClient: RegisteredTestClient;
let key: TestKeyPair;

beforeAll(async () => {
  server = await startTestServer();
  token = `${server.httpUrl}/token`;
  key = ecKey('client-key');
  basicClient = await register(server, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], client_name: 'basic' });
  postClient = await register(server, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
  jwtClient = await register(server, { token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS256', grant_types: ['client_credentials'] });
  keyClient = await register(server, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] });
  publicClient = await register(server, { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'], redirect_uris: ['https://app.example/cb'] });
});
afterAll(() => server.stop());

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('accepts the right secret and answers per RFC 6749 §5.1', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials' }, { headers: { authorization: basic(basicClient.client_id, basicClient.client_secret as string) } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(answer.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers.pragma).toBe('no-cache');
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const trace = traceOf(server, answer);
    expect(trace).toMatchObject({ endpoint: 'token', clientId: basicClient.client_id, method: 'client_secret_basic', outcome: { ok: true } });
    expect(trace.request.headers.authorization).not.toContain(basicClient.client_secret);
    expect(trace.request.headers.authorization).toContain('masked');
  });
  it('rejects a wrong secret because it does not match, with 401 and WWW-Authenticate: Basic', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials' }, { headers: { authorization: basic(basicClient.client_id, 'wrong') } });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    expect(answer.headers['www-authenticate']).toMatch(/^Basic /);
    expect(answer.headers['cache-control']).toBe('no-store');
    const trace = traceOf(server, answer);
    expect(trace.outcome).toMatchObject({ ok: false, error: 'invalid_client', code: 'ERR_CLIENT_SECRET_MISMATCH' });
    expect(failedCheck(trace)?.spec).toBeDefined();
  });
  it('accepts the secret in the body from a client registered for Basic in interop mode, naming the registered method in the trace (RFC 6749 §2.3.1)', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: basicClient.client_id, client_secret: basicClient.client_secret });
    expect(answer.status).toBe(200);
    const check = traceOf(server, answer).checks.find((c) => c.name === 'registered method');
    expect(check).toMatchObject({ passed: true, spec: 'RFC 6749 §2.3.1' });
    expect(check?.detail).toContain('registered client_secret_basic');
  });
  it('rejects an unknown client because no such client_id is registered', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials' }, { headers: { authorization: basic('nobody', 'x') } });
    expect(answer.status).toBe(401);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CLIENT_UNKNOWN');
  });
});

describe('client_secret_post (RFC 6749 §2.3.1)', () => {
  it('accepts client_id and client_secret in the body, and masks the secret in the trace', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: postClient.client_secret });
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace.method).toBe('client_secret_post');
    expect(JSON.stringify(trace)).not.toContain(postClient.client_secret);
    expect(JSON.stringify(trace)).not.toContain(answer.body.access_token);
  });
  it('rejects a wrong secret because it does not match, with 400 since no HTTP scheme fits a body secret (RFC 9110 §15.5.2)', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: 'nope' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client');
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });
  it('rejects a repeated client_secret because parameters MUST NOT repeat (RFC 6749 §3.2)', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: [postClient.client_secret as string, 'x'] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_PARAMETER_REPEATED');
  });
  it('rejects Basic and a body secret together because only one method may be used (RFC 6749 §2.3)', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: postClient.client_id, client_secret: postClient.client_secret },
      { headers: { authorization: basic(postClient.client_id, postClient.client_secret as string) } });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_MULTIPLE_MECHANISMS');
  });
});

describe('client_secret_jwt (RFC 7523 §2.2)', () => {
  it('accepts an HS256 assertion whose aud is the token endpoint, and shows the decoded JWT in the trace', async () => {
    const assertion = await signJwt(assertionClaims(jwtClient.client_id, token), 'HS256', jwtClient.client_secret as string);
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace.method).toBe('client_secret_jwt');
    expect(trace.request.jwts?.client_assertion?.payload.iss).toBe(jwtClient.client_id);
    expect(trace.request.form?.client_assertion).toMatch(/<signature masked>$/);
    expect(trace.checks.some((c) => c.name === 'aud' && c.passed)).toBe(true);
  });
  it('accepts the issuer as aud under the interop policy', async () => {
    const assertion = await signJwt(assertionClaims(jwtClient.client_id, server.issuer), 'HS256', jwtClient.client_secret as string);
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(200);
  });
  it('rejects a replayed assertion because a jti may be used once', async () => {
    const assertion = await signJwt(assertionClaims(jwtClient.client_id, token), 'HS256', jwtClient.client_secret as string);
    const values = { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion };
    expect((await postForm(token, values)).status).toBe(200);
    const again = await postForm(token, values);
    expect(again.status).toBe(400);
    expect(traceOf(server, again).outcome.code).toBe('ERR_ASSERTION_REPLAYED');
  });
  it('rejects HS384 because the client registered HS256', async () => {
    const assertion = await signJwt(assertionClaims(jwtClient.client_id, token), 'HS384', jwtClient.client_secret as string);
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_ALG_NOT_REGISTERED');
  });
  it('rejects a MAC made with the wrong secret because the signature does not verify', async () => {
    const assertion = await signJwt(assertionClaims(jwtClient.client_id, token), 'HS256', 'x'.repeat(43));
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_SIGNATURE');
  });
});

describe('private_key_jwt (RFC 7523 §2.2)', () => {
  const send = async (claims: Record<string, unknown>, header: Record<string, unknown> = { kid: 'client-key' }) => {
    const assertion = await signJwt(claims, 'ES256', key.privateKey, header);
    return postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
  };
  it('accepts an ES256 assertion signed with the registered key', async () => {
    const answer = await send(assertionClaims(keyClient.client_id, token));
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).method).toBe('private_key_jwt');
  });
  it('rejects an expired assertion because exp has passed', async () => {
    const past = Math.floor(Date.now() / 1000) - 600;
    const answer = await send(assertionClaims(keyClient.client_id, token, { iat: past - 60, exp: past }));
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_EXPIRED');
  });
  it('rejects a foreign aud because the assertion is not meant for this server', async () => {
    const answer = await send(assertionClaims(keyClient.client_id, 'https://other.example/token'));
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_AUD');
  });
  it('rejects an assertion without jti because this server requires one', async () => {
    const answer = await send(assertionClaims(keyClient.client_id, token, { jti: undefined }));
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_JTI_MISSING');
  });
  it('rejects a signature by another key because no registered key verifies it', async () => {
    const other = ecKey('client-key');
    const assertion = await signJwt(assertionClaims(keyClient.client_id, token), 'ES256', other.privateKey, { kid: 'client-key' });
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.error).toBe('invalid_client');
  });
  it('rejects a malformed client_assertion because it is not a JWT', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: 'not-a-jwt', client_id: keyClient.client_id });
    expect([400, 401]).toContain(answer.status);
    expect(traceOf(server, answer).outcome.ok).toBe(false);
  });
});

describe('none (public clients, RFC 6749 §2.1)', () => {
  it('identifies a public client by client_id but refuses client_credentials because it is for confidential clients only', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials', client_id: publicClient.client_id });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('unauthorized_client');
    const trace = traceOf(server, answer);
    expect(trace.method).toBe('none');
    expect(failedCheck(trace)).toMatchObject({ name: 'client type', spec: 'RFC 6749 §4.4' });
  });
  it('rejects a request with no client_id and no credentials', async () => {
    const answer = await postForm(token, { grant_type: 'client_credentials' });
    expect(answer.status).toBe(401);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_NO_CLIENT_AUTHENTICATION');
  });
});

describe('grant rules after authentication', () => {
  it('rejects a grant the client did not register because it is unauthorized_client (RFC 6749 §5.2)', async () => {
    const answer = await postForm(token, { grant_type: 'refresh_token', refresh_token: 'x' }, { headers: { authorization: basic(basicClient.client_id, basicClient.client_secret as string) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('unauthorized_client');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_GRANT_NOT_REGISTERED');
  });
  it('rejects an unknown grant_type because it is unsupported', async () => {
    const answer = await postForm(token, { grant_type: 'password', username: 'a', password: 'b' }, { headers: { authorization: basic(basicClient.client_id, basicClient.client_secret as string) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('unsupported_grant_type');
  });
  it('rejects a missing grant_type because it is required', async () => {
    const answer = await postForm(token, {}, { headers: { authorization: basic(basicClient.client_id, basicClient.client_secret as string) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
  });
});
