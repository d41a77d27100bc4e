import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileStore, STORE_FILE, type TokenRecord } from '@client-auth-lab/lab-server';
import { assertionClaims, basic, ecKey, JWT_BEARER, postForm, register, request, signJwt, startTestServer } from './support.js';

function token(id: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return { kind: 'access_token', value: id, client_id: 'c1', grant_type: 'client_credentials', grant_id: `g-${id}`, iat: 1_700_000_000, exp: 1_700_003_600, ...overrides };
}

const JOURNAL = /^journal\.(\d+)\.jsonl$/;

async function journalFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => JOURNAL.test(name)).sort();
}

/** A journal's whole lines, parsed (a last line without its newline is a write cut short, not an entry). */
async function journalLines(path: string): Promise<{ c: string; k: string; v?: unknown; d?: true }[]> {
  const text = await readFile(path, 'utf8');
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  return whole === '' ? [] : whole.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

/** What the files on disk hold, read independently of the store: store.json with its journal applied. */
async function stateOnDisk(directory: string): Promise<Record<string, Record<string, unknown>>> {
  let snapshot: Record<string, unknown> = {};
  try {
    snapshot = JSON.parse(await readFile(join(directory, STORE_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generation = (snapshot.generation as number | undefined) ?? 0;
  const state: Record<string, Record<string, unknown>> = {};
  for (const name of ['clients', 'tokens', 'codes', 'deviceCodes', 'cibaRequests', 'replay']) {
    state[name] = { ...(snapshot[name] as Record<string, unknown> | undefined) };
  }
  for (const line of await journalLines(join(directory, `journal.${generation}.jsonl`)).catch(() => [])) {
    const collection = state[line.c] as Record<string, unknown>;
    if (line.d === true) delete collection[line.k];
    else collection[line.k] = line.v;
  }
  return state;
}

/** Sets and commits in batches of 100, as concurrent requests would. */
async function setTokens(store: Awaited<ReturnType<typeof openFileStore>>, count: number, key: (i: number) => string): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    const commits: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + 100); i++) {
      store.tokens.set(key(i), token(key(i), { iat: i }));
      commits.push(store.commit());
    }
    await Promise.all(commits);
  }
}

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
      expect(replay.status).toBe(400);
      const resource = await request(`${second.httpUrl}/resource`, { headers: { authorization: `Bearer ${issued.body.access_token}` } });
      expect(resource.status).toBe(200);
      const client = await request(secretClient.registration_client_uri, { headers: { authorization: `Bearer ${secretClient.registration_access_token}` } });
      expect(client.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
  it('writes atomically: no temporary files remain, and store.json plus the journal hold every committed change', async () => {
    const store = await openFileStore(dir);
    const writes = Array.from({ length: 50 }, (_, i) => {
      store.clients.set(`c${i}`, { client_id: `c${i}`, client_id_issued_at: i });
      return store.commit();
    });
    await Promise.all(writes);
    // Read before close(): what commit() acknowledged is already on disk.
    expect(Object.keys((await stateOnDisk(dir)).clients ?? {})).toHaveLength(50);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await journalFiles(dir)).toEqual(['journal.0.jsonl']);
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

describe('--data: snapshot and journal', () => {
  it('restores sets, replacements and deletions made after the last compaction (journal replay)', async () => {
    const store = await openFileStore(dir);
    await setTokens(store, 5_000, (i) => `churn-${i % 100}`); // 5,000 journal lines, more than 4,096: compacts
    expect(JSON.parse(await readFile(join(dir, STORE_FILE), 'utf8')).generation).toBeGreaterThanOrEqual(1);
    const [journal] = await journalFiles(dir);
    store.tokens.set('a', token('a'));
    store.tokens.set('b', token('b'));
    store.tokens.set('old', token('old', { exp: 1 }));
    store.tokens.set('a', { ...token('a'), revoked: true });
    store.tokens.delete('b');
    store.clients.set('c1', { client_id: 'c1', client_id_issued_at: 1 });
    store.codes.set('code', { code: 'code', client_id: 'c1', redirect_uri: 'https://app/cb', redirect_uri_given: true, sub: 'alice', code_challenge: 'x', code_challenge_method: 'S256', exp: 2_000_000_000, grant_id: 'g' });
    expect(store.codes.take('code')).toBeDefined();
    expect(await store.replay.insertIfAbsent('iss', 'jti-1', 2_000_000_000_000, 0)).toBe(true);
    store.sweep(1_700_000_000); // prunes 'old' only (expired more than a day ago)
    await store.commit();
    expect(await journalFiles(dir)).toEqual([journal]);
    const lines = await journalLines(join(dir, journal as string));
    expect(lines.filter((l) => l.d === true).map((l) => `${l.c}/${l.k}`).sort()).toEqual(['codes/code', 'tokens/b', 'tokens/old']);

    // No close(): as after a crash, only what commit() made durable counts.
    const reopened = await openFileStore(dir);
    expect(reopened.snapshot()).toEqual(store.snapshot());
    expect(reopened.tokens.get('a')?.revoked).toBe(true);
    expect(reopened.tokens.get('b')).toBeUndefined();
    expect(reopened.tokens.get('old')).toBeUndefined();
    expect(reopened.codes.get('code')).toBeUndefined();
    expect(await reopened.replay.insertIfAbsent('iss', 'jti-1', 2_000_000_000_000, 0)).toBe(false);
    expect(await reopened.replay.list(0)).toEqual([{ iss: 'iss', jti: 'jti-1', expiresAt: 2_000_000_000_000 }]);
    expect(await reopened.replay.list(2_000_000_000_000)).toEqual([]);
    await store.close();
    await reopened.close();
  });

  it('accepts a journal whose last line was cut short by a crash: the line is ignored and cut off', async () => {
    const store = await openFileStore(dir);
    store.clients.set('kept', { client_id: 'kept', client_id_issued_at: 1 });
    await store.close();
    const path = join(dir, 'journal.0.jsonl');
    const whole = await readFile(path, 'utf8');
    await appendFile(path, '{"c":"clients","k":"torn","v":{"client_id":"to');

    const reopened = await openFileStore(dir);
    expect(reopened.clients.get('kept')).toBeDefined();
    expect(reopened.clients.get('torn')).toBeUndefined();
    expect(await readFile(path, 'utf8')).toBe(whole);
    reopened.clients.set('after', { client_id: 'after', client_id_issued_at: 2 });
    await reopened.close();

    const again = await openFileStore(dir);
    expect([...again.clients.values()].map((c) => c.client_id).sort()).toEqual(['after', 'kept']);
    await again.close();
  });

  it.each([
    ['is not JSON', 'garbage', /line 2 is not a journal entry/],
    ['names no collection of the store', '{"c":"nope","k":"x","v":{}}', /line 2 is not a journal entry \(unknown collection "nope"\)/],
  ])('rejects a journal whose middle line %s because the changes after it cannot be trusted, and changes nothing', async (_, bad, message) => {
    const path = join(dir, 'journal.0.jsonl');
    const text = `{"c":"clients","k":"a","v":{"client_id":"a","client_id_issued_at":1}}\n${bad}\n{"c":"clients","k":"b","v":{"client_id":"b","client_id_issued_at":2}}\n`;
    await writeFile(path, text);
    await expect(openFileStore(dir)).rejects.toThrow(message);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['journal.0.jsonl']);
  });

  it('compacts: after 20,000 token sets with commits one journal remains, bounded, and a reopen gives the same state', async () => {
    const store = await openFileStore(dir);
    for (let round = 0; round < 20; round++) {
      await setTokens(store, 1_000, (i) => `t${(round * 1_000 + i) % 1_500}`);
      const journals = await journalFiles(dir);
      expect(journals).toHaveLength(1);
      // At most max(4,096, live entries) lines, plus the batch that crossed the line.
      expect((await journalLines(join(dir, journals[0] as string))).length).toBeLessThanOrEqual(4_096 + 100);
    }
    const snapshot = JSON.parse(await readFile(join(dir, STORE_FILE), 'utf8'));
    expect(snapshot.generation).toBeGreaterThanOrEqual(4);
    expect(await journalFiles(dir)).toEqual([`journal.${snapshot.generation}.jsonl`]);
    expect(Object.keys((await stateOnDisk(dir)).tokens ?? {})).toHaveLength(1_500);

    const reopened = await openFileStore(dir);
    expect(reopened.tokens.size).toBe(1_500);
    expect(reopened.snapshot()).toEqual(store.snapshot());
    await reopened.close();
    await store.close();
  });

  it('ignores and removes the journal of an older generation (left by a crash mid-compaction)', async () => {
    const client = (id: string) => ({ client_id: id, client_id_issued_at: 1 });
    await writeFile(join(dir, STORE_FILE), JSON.stringify({
      format: 'client-auth-lab/store', version: 1, generation: 2, clients: { snap: client('snap') }, tokens: {}, codes: {}, deviceCodes: {}, cibaRequests: {}, replay: {},
    }));
    await writeFile(join(dir, 'journal.1.jsonl'), `${JSON.stringify({ c: 'clients', k: 'stale', v: client('stale') })}\n`);
    await writeFile(join(dir, 'journal.2.jsonl'), `${JSON.stringify({ c: 'clients', k: 'fresh', v: client('fresh') })}\n`);

    const store = await openFileStore(dir);
    expect([...store.clients.values()].map((c) => c.client_id).sort()).toEqual(['fresh', 'snap']);
    expect(await journalFiles(dir)).toEqual(['journal.2.jsonl']);
    await store.close();
  });

  it('accepts a store.json written before the journal existed (no generation) and continues it with journal 0', async () => {
    await writeFile(join(dir, STORE_FILE), JSON.stringify({
      format: 'client-auth-lab/store', version: 1, clients: { old: { client_id: 'old', client_id_issued_at: 1 } }, tokens: {}, codes: {}, deviceCodes: {}, cibaRequests: {}, replay: {},
    }));
    const store = await openFileStore(dir);
    expect(store.clients.get('old')).toBeDefined();
    store.clients.set('new', { client_id: 'new', client_id_issued_at: 2 });
    await store.close();
    expect(await journalFiles(dir)).toEqual(['journal.0.jsonl']);
    const reopened = await openFileStore(dir);
    expect([...reopened.clients.values()].map((c) => c.client_id).sort()).toEqual(['new', 'old']);
    await reopened.close();
  });

  it('writes what changed: with 50,000 tokens stored, one more set()+commit() appends one journal line and leaves store.json alone', async () => {
    const tokens = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`t${i}`, token(`t${i}`)]));
    await writeFile(join(dir, STORE_FILE), JSON.stringify({
      format: 'client-auth-lab/store', version: 1, generation: 0, clients: {}, tokens, codes: {}, deviceCodes: {}, cibaRequests: {}, replay: {},
    }));
    const snapshotBefore = await readFile(join(dir, STORE_FILE));
    const store = await openFileStore(dir);
    expect(store.tokens.size).toBe(50_000);

    store.tokens.set('one-more', token('one-more'));
    await store.commit();
    const journal = join(dir, 'journal.0.jsonl');
    expect(await journalLines(journal)).toEqual([{ c: 'tokens', k: 'one-more', v: token('one-more') }]);
    const oneLine = (await stat(journal)).size;
    expect(oneLine).toBeLessThan(snapshotBefore.length / 10_000);
    expect((await readFile(join(dir, STORE_FILE))).equals(snapshotBefore)).toBe(true);

    // N changes cost N lines.
    await setTokens(store, 1_000, (i) => `more-${i}`);
    expect(await journalLines(journal)).toHaveLength(1_001);
    expect((await stat(journal)).size).toBeLessThan(oneLine * 1_100);
    expect((await readFile(join(dir, STORE_FILE))).equals(snapshotBefore)).toBe(true);
    await store.close();
  });
});
