import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { assertionClaims, basic, ecKey, JWT_BEARER, postForm, register, signJwt, startTestServer, traceOf, type RegisteredTestClient, type TestKeyPair } from './support.js';

let dir: string;
let server: RunningLabServer;
let legacy: RegisteredTestClient;
let keyClient: RegisteredTestClient;
let key: TestKeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-profile-'));
  // A client registered before the profile was switched on, as happens in a workshop.
  const before = await startTestServer({ dataDir: dir, tlsPort: false });
  legacy = await register(before, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
  await before.stop();
  server = await startTestServer({ dataDir: dir, tlsPort: false, profile: 'fapi2' });
  key = ecKey();
  keyClient = await register(server, { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] });
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('FAPI 2.0 at the token endpoint', () => {
  it('rejects a client_secret_basic client because the profile forbids the method, naming the clause', async () => {
    const answer = await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(legacy.client_id, legacy.client_secret as string) } });
    expect(answer.status).toBe(401);
    const trace = traceOf(server, answer);
    expect(trace.outcome.code).toBe('ERR_PROFILE_METHOD');
    expect(trace.outcome.spec).toContain('FAPI 2.0');
  });
  it('accepts private_key_jwt with the issuer as the only aud', async () => {
    const assertion = await signJwt(assertionClaims(keyClient.client_id, server.issuer), 'ES256', key.privateKey, { kid: 'k1' });
    const answer = await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(200);
  });
  it('rejects aud = token endpoint because FAPI 2.0 forces the strict audience policy', async () => {
    const assertion = await signJwt(assertionClaims(keyClient.client_id, `${server.httpUrl}/token`), 'ES256', key.privateKey, { kid: 'k1' });
    const answer = await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_ASSERTION_AUD');
  });
});
