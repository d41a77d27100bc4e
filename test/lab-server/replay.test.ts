// GET /lab/replay over real sockets: the replay store's (iss, jti) pairs with the time each expires
// (RFC 7523 §3 (7), OIDC Core §9), under the same access rules as the traces (--traces self|off).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER, assertionClaims, ecKey, postForm, register, request, signJwt, startTestServer, type HttpAnswer, type RegisteredTestClient, type TestKeyPair } from './support.js';
import type { RunningLabServer } from '@client-auth-lab/lab-server';

interface ReplayAnswer {
  now: string;
  entries: { iss: string; jti: string; expires_at: string; expires_in: number }[];
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function privateKeyJwtClient(server: RunningLabServer, key: TestKeyPair): Promise<RegisteredTestClient> {
  return register(server, { token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [key.publicJwk] } });
}

async function tokenRequest(server: RunningLabServer, client: RegisteredTestClient, key: TestKeyPair, jti: string, lifetime = 60): Promise<HttpAnswer> {
  const now = Math.floor(server.context.config.now() / 1000);
  const assertion = await signJwt(assertionClaims(client.client_id, `${server.httpUrl}/token`, { jti, iat: now, exp: now + lifetime }), 'ES256', key.privateKey, { kid: 'k1' });
  return postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
}

describe('GET /lab/replay for a learner alone (--traces all)', () => {
  let server: RunningLabServer;
  let client: RegisteredTestClient;
  const key = ecKey('k1');

  beforeAll(async () => {
    server = await startTestServer({ tlsPort: false });
    client = await privateKeyJwtClient(server, key);
  });
  afterAll(async () => server?.stop());

  it('lists an accepted assertion\'s (iss, jti) with the time it expires, and keeps it after the replay is refused', async () => {
    const before = (await request(`${server.httpUrl}/lab/replay`)).body as ReplayAnswer;
    expect(before.entries).toEqual([]);
    expect((await tokenRequest(server, client, key, 'jti-once')).status).toBe(200);
    const after = await request(`${server.httpUrl}/lab/replay`);
    expect(after.status).toBe(200);
    expect(after.headers['content-type']).toMatch(/^application\/json/);
    const { now, entries } = after.body as ReplayAnswer;
    expect(entries.map((e) => [e.iss, e.jti])).toEqual([[client.client_id, 'jti-once']]);
    const expiresAt = Date.parse(entries[0]?.expires_at ?? '');
    expect(expiresAt).toBeGreaterThan(Date.parse(now));
    expect(entries[0]?.expires_in).toBe(Math.ceil((expiresAt - Date.parse(now)) / 1000));

    const replayed = await tokenRequest(server, client, key, 'jti-once');
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe('invalid_client');
    expect(((await request(`${server.httpUrl}/lab/replay`)).body as ReplayAnswer).entries).toHaveLength(1);
  });

  it('lists the pairs soonest expiry first, and does not record a refused assertion', async () => {
    expect((await tokenRequest(server, client, key, 'jti-long', 600)).status).toBe(200);
    expect((await tokenRequest(server, client, key, 'jti-short', 30)).status).toBe(200);
    const badAudience = await signJwt(assertionClaims(client.client_id, 'https://elsewhere.example/token', { jti: 'jti-refused' }), 'ES256', key.privateKey, { kid: 'k1' });
    expect((await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: badAudience })).status).toBe(400);
    const { entries } = (await request(`${server.httpUrl}/lab/replay`)).body as ReplayAnswer;
    expect(entries.map((e) => e.jti)).toEqual(['jti-short', 'jti-once', 'jti-long']);
  });

  it('drops a pair once the lab clock passes its expiry, and shows it again when the clock is reset', async () => {
    server.context.config.clock.shift(400);
    try {
      const { entries, now } = (await request(`${server.httpUrl}/lab/replay`)).body as ReplayAnswer;
      expect(entries.map((e) => e.jti)).toEqual(['jti-long']);
      expect(Date.parse(now)).toBeGreaterThan(Date.now() + 390_000);
    } finally {
      server.context.config.clock.reset();
    }
    expect(((await request(`${server.httpUrl}/lab/replay`)).body as ReplayAnswer).entries).toHaveLength(3);
  });
});

describe('GET /lab/replay in a workshop (--traces self, --traces off)', () => {
  let server: RunningLabServer;
  let off: RunningLabServer;
  const key = ecKey('k1');
  const students: RegisteredTestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ tlsPort: false, traceAccess: 'self', instructorToken: 'teach-me' });
    off = await startTestServer({ tlsPort: false, traceAccess: 'off', instructorToken: 'teach-me' });
    for (const jti of ['alice-1', 'bob-1']) {
      const student = await privateKeyJwtClient(server, key);
      students.push(student);
      expect((await tokenRequest(server, student, key, jti)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await server?.stop();
    await off?.stop();
  });

  it('rejects a request without a token with 401 invalid_token and a Bearer challenge, as the traces do', async () => {
    const answer = await request(`${server.httpUrl}/lab/replay`);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it("shows a student only the pairs their own client's assertions recorded", async () => {
    const [alice, bob] = students as [RegisteredTestClient, RegisteredTestClient];
    const own = (await request(`${server.httpUrl}/lab/replay`, bearer(alice.registration_access_token))).body as ReplayAnswer;
    expect(own.entries.map((e) => [e.iss, e.jti])).toEqual([[alice.client_id, 'alice-1']]);
    const viaQuery = (await request(`${server.httpUrl}/lab/replay?access_token=${bob.registration_access_token}`)).body as ReplayAnswer;
    expect(viaQuery.entries.map((e) => e.jti)).toEqual(['bob-1']);
  });

  it('shows the instructor every pair', async () => {
    const all = (await request(`${server.httpUrl}/lab/replay`, bearer('teach-me'))).body as ReplayAnswer;
    expect(all.entries.map((e) => e.jti).sort()).toEqual(['alice-1', 'bob-1']);
  });

  it('rejects a student under --traces off because only the instructor may look', async () => {
    const student = await privateKeyJwtClient(off, key);
    const answer = await request(`${off.httpUrl}/lab/replay`, bearer(student.registration_access_token));
    expect(answer.status).toBe(401);
    expect(answer.body.error_description).toContain('--traces off');
    expect((await request(`${off.httpUrl}/lab/replay`, bearer('teach-me'))).status).toBe(200);
  });
});
