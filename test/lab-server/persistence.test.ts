import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileStore, STORE_FILE } from '@client-auth-lab/lab-server';
import { assertionClaims, basic, ecKey, JWT_BEARER, postForm, register, request, signJwt, startTestServer } from './support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-data-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('--data: state survives a restart', () => {
  it('authenticates clients registered before the restart, and keeps tokens, the CA and the jti store', async () => {
    const key = ecKey();
    const first = await startTestServer({ dataDir: dir });
    const secretClient = await register(first, { grant_types: ['client_credentials'] });
    const keyClient = await register(first, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] });
    const issued = await postForm(`${first.httpUrl}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(secretClient.client_id, secretClient.client_secret as string) } });
    const assertion = await signJwt(assertionClaims(keyClient.client_id, `${first.httpUrl}/token`), 'ES256', key.privateKey, { kid: 'k1' });
    expect((await postForm(`${first.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion })).status).toBe(200);
    const caPem = first.caCertificatePem;
    const port = Number(new URL(first.httpUrl).port);
    await first.stop();

    const second = await startTestServer({ dataDir: dir, port });
    try {
      expect(second.caCertificatePem).toBe(caPem);
      const again = await postForm(`${second.httpUrl}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(secretClient.client_id, secretClient.client_secret as string) } });
      expect(again.status).toBe(200);
      const fresh = await signJwt(assertionClaims(keyClient.client_id, `${second.httpUrl}/token`), 'ES256', key.privateKey, { kid: 'k1' });
      expect((await postForm(`${second.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: fresh })).status).toBe(200);
      // The replay store persisted too: the assertion used before the restart is still spent.
      const replay = await postForm(`${second.httpUrl}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
      expect(replay.status).toBe(401);
      const resource = await request(`${second.httpUrl}/resource`, { headers: { authorization: `Bearer ${issued.body.access_token}` } });
      expect(resource.status).toBe(200);
      const client = await request(secretClient.registration_client_uri, { headers: { authorization: `Bearer ${secretClient.registration_access_token}` } });
      expect(client.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
  it('writes atomically: no temporary files remain and store.json is always whole JSON', async () => {
    const store = await openFileStore(dir);
    const writes = Array.from({ length: 50 }, (_, i) => {
      store.clients.set(`c${i}`, { client_id: `c${i}`, client_id_issued_at: i });
      return store.commit();
    });
    await Promise.all(writes);
    const snapshot = JSON.parse(await readFile(join(dir, STORE_FILE), 'utf8'));
    expect(Object.keys(snapshot.clients)).toHaveLength(50);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await store.close();
  });
  it('ignores a temporary file left by a crash mid-write and keeps the last complete snapshot', async () => {
    const store = await openFileStore(dir);
    store.clients.set('kept', { client_id: 'kept', client_id_issued_at: 1 });
    await store.close();
    await writeFile(join(dir, `.${STORE_FILE}.999.deadbeef.tmp`), '{"format":"client-auth-lab/store","clie');
    const reopened = await openFileStore(dir);
    expect(reopened.clients.get('kept')).toBeDefined();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await reopened.close();
  });
  it('refuses to start on a store.json that is not a store, rather than overwriting it', async () => {
    await writeFile(join(dir, STORE_FILE), 'not json');
    await expect(openFileStore(dir)).rejects.toThrow(/not valid JSON/);
  });
});
