// The PostgreSQL store against a real throwaway cluster: schema migration, entries shared between
// two stores (two processes' worth), the atomic replay store, shared material, traces over NOTIFY,
// and 503-style errors while the database is down.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPostgresStore, SCHEMA_VERSION, startLabServer, StoreUnavailableError, TraceBuffer, type PostgresLabStore, type StoredClient, type Trace } from '../../lab-server/index.js';
import { basic, postForm, postJson } from './support.js';
import { postgresUnavailableReason, startTestPostgres, type TestPostgres } from '../support/postgres.js';

const skipReason = postgresUnavailableReason();
if (skipReason !== undefined) console.warn(`skipping the PostgreSQL store tests: ${skipReason}`);

function client(id: string, extra: Partial<StoredClient> = {}): StoredClient {
  return { client_id: id, client_id_issued_at: 1, token_endpoint_auth_method: 'client_secret_basic', client_secret: 's', ...extra } as StoredClient;
}

function trace(id: string, clientId: string): Trace {
  return {
    id, time: new Date().toISOString(), endpoint: 'token', clientId, outcome: { ok: true },
    request: { method: 'POST', path: '/token', listener: 'http', remoteAddress: '127.0.0.1', headers: {} },
    checks: [], notes: [], response: { status: 200, headers: {} }, durationMs: 1,
  };
}

/** Resolves with the first trace `buffer` hears whose id is `id`. */
function heard(buffer: TraceBuffer, id: string): Promise<Trace> {
  return new Promise((resolve) => {
    const stop = buffer.subscribe((t) => {
      if (t.id !== id) return;
      stop();
      resolve(t);
    });
  });
}

describe.skipIf(skipReason !== undefined)('PostgreSQL store', () => {
  let cluster: TestPostgres;
  let databases = 0;
  const opened: PostgresLabStore[] = [];
  const open = async (url: string): Promise<PostgresLabStore> => {
    const store = await openPostgresStore(url, { log: () => {} });
    opened.push(store);
    return store;
  };
  const freshDatabase = () => cluster.createDatabase(`store_${++databases}`);

  beforeAll(async () => {
    cluster = await startTestPostgres();
  });
  afterAll(async () => {
    for (const store of opened) await store.close().catch(() => {});
    await cluster?.destroy();
  });

  it('accepts two processes migrating one new database at once: the schema is made once, at the newest version', async () => {
    const url = await freshDatabase();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const before = await Promise.all(pools.map((p) => migrate(p)));
      expect(before.sort()).toEqual([0, SCHEMA_VERSION].sort());
      const { rows } = await (pools[0] as pg.Pool).query('SELECT version FROM schema_version ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(await migrate(pools[0] as pg.Pool)).toBe(SCHEMA_VERSION);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('rejects a database whose schema is newer than this code because its tables may mean something else', async () => {
    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      await migrate(pool);
      await pool.query("INSERT INTO schema_version (version, name) VALUES ($1, 'from the future')", [SCHEMA_VERSION + 1]);
      await expect(openPostgresStore(url, { log: () => {} })).rejects.toThrow(/newer than this authlab/);
    } finally {
      await pool.end();
    }
  });

  it('accepts a change made in one store in the other after refresh, and a deletion as well', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    a.clients.set('c1', client('c1'));
    await a.commit();
    expect(b.clients.get('c1')).toBeUndefined();
    await b.refresh();
    expect(b.clients.get('c1')).toMatchObject({ client_id: 'c1', token_endpoint_auth_method: 'client_secret_basic' });
    b.clients.set('c1', client('c1', { client_name: 'renamed on b' }));
    await b.commit();
    await a.refresh();
    expect(a.clients.get('c1')?.client_name).toBe('renamed on b');
    a.clients.delete('c1');
    await a.commit();
    await b.refresh();
    expect(b.clients.get('c1')).toBeUndefined();
  });

  it('accepts what was committed after a restart: a new store loads every entry', async () => {
    const url = await freshDatabase();
    const a = await open(url);
    for (let i = 0; i < 50; i++) a.clients.set(`c${i}`, client(`c${i}`));
    a.tokens.set('t1', { kind: 'access_token', value: 't1', client_id: 'c1', grant_type: 'client_credentials', grant_id: 'g', iat: 1, exp: 2 });
    await a.commit();
    await a.close();
    const again = await open(url);
    expect(again.clients.size).toBe(50);
    expect(again.tokens.get('t1')?.client_id).toBe('c1');
  });

  it('rejects all but one of 40 concurrent uses of one (iss, jti) split across two stores (RFC 7523 §3 (7))', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).replay.insertIfAbsent('client-1', 'jti-1', now + 60_000, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.replay.insertIfAbsent('client-2', 'jti-1', now + 60_000, now)).toBe(true);
    expect((await b.replay.list(now)).map((e) => [e.iss, e.jti])).toEqual([['client-1', 'jti-1'], ['client-2', 'jti-1']]);
  });

  it('accepts a jti again once its pair has expired, and lists only live pairs', async () => {
    const url = await freshDatabase();
    const a = await open(url);
    const now = Date.now();
    expect(await a.replay.insertIfAbsent('c', 'j', now + 1_000, now)).toBe(true);
    expect(await a.replay.insertIfAbsent('c', 'j', now + 61_000, now + 500)).toBe(false);
    expect(await a.replay.list(now + 1_000)).toEqual([]);
    expect(await a.replay.insertIfAbsent('c', 'j', now + 61_000, now + 1_000)).toBe(true);
    expect(await a.replay.list(now + 1_000)).toEqual([{ iss: 'c', jti: 'j', expiresAt: now + 61_000 }]);
  });

  it('accepts one value for shared material proposed by two stores at once', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    const [x, y] = await Promise.all([a.shared.agree('lab-ca', async () => 'from a'), b.shared.agree('lab-ca', async () => 'from b')]);
    expect(x).toBe(y);
    expect(['from a', 'from b']).toContain(x);
    expect(await b.shared.agree('lab-ca', async () => 'later')).toBe(x);
  });

  it('rejects a second process with another issuer because its tokens would not match the first one’s', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    await a.claimIssuer('http://class.example:8080');
    await b.claimIssuer('http://class.example:8080');
    await expect(b.claimIssuer('http://localhost:4000')).rejects.toThrow(/belongs to the server with issuer http:\/\/class\.example:8080/);
  });

  it('accepts a trace recorded by one store in the other store’s live stream (NOTIFY, then the row)', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    const [ta, tb] = [new TraceBuffer(), new TraceBuffer()];
    await a.attachTraces(ta);
    await b.attachTraces(tb);
    const arrived = heard(tb, 'trace-1');
    ta.add(trace('trace-1', 'c1'));
    await a.commit();
    expect((await arrived).clientId).toBe('c1');
    expect(tb.list({ clientId: 'c1' }).map((t) => t.id)).toEqual(['trace-1']);
    // Read back by neither twice nor by its own process.
    await a.refresh();
    expect(ta.list({ clientId: 'c1' })).toHaveLength(1);
    // A process started later loads the recent traces.
    const c = await open(url);
    const tc = new TraceBuffer();
    await c.attachTraces(tc);
    expect(tc.get('trace-1')?.clientId).toBe('c1');
  });

  it('rejects a token request whose changes the database refuses to save with 503, and its trace says so', async () => {
    const url = await freshDatabase();
    const server = await startLabServer({ port: 0, tlsPort: false, storeUrl: url, log: () => {} });
    const pool = new pg.Pool({ connectionString: url });
    try {
      const client = (await postJson(`${server.httpUrl}/register`, { grant_types: ['client_credentials'] })).body as { client_id: string; client_secret: string };
      const ask = () => postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(client.client_id, client.client_secret) } });
      // As when the database's disk is full: reads still work, writes fail.
      await pool.query('ALTER TABLE lab_entries ADD CONSTRAINT refuse_writes CHECK (false) NOT VALID');
      const refused = await ask();
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body).toMatchObject({ error: 'temporarily_unavailable' });
      const trace = server.context.traces.get(String(refused.headers['x-lab-trace-id']));
      expect(trace).toMatchObject({ outcome: { ok: false, code: 'ERR_STORE_UNAVAILABLE' }, response: { status: 503 } });
      expect(trace?.notes.join('\n')).toContain('the answer (200) was not sent');
      await pool.query('ALTER TABLE lab_entries DROP CONSTRAINT refuse_writes');
      expect((await ask()).status).toBe(200);
    } finally {
      await pool.query('ALTER TABLE lab_entries DROP CONSTRAINT IF EXISTS refuse_writes').catch(() => {});
      await pool.end();
      await server.stop();
    }
  });

  it('rejects requests with ERR_STORE_UNAVAILABLE (503) while the database is down, keeps changes pending, and recovers', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    await cluster.stop();
    try {
      const refused = await b.refresh().then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', error: 'temporarily_unavailable', status: 503, retryAfterSeconds: 2 });
      a.clients.set('while-down', client('while-down'));
      await expect(a.commit()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
      await expect(a.replay.insertIfAbsent('c', 'j', Date.now() + 60_000, Date.now())).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      await cluster.start();
    }
    await a.commit();
    await b.refresh();
    expect(b.clients.get('while-down')?.client_id).toBe('while-down');
  });
});
