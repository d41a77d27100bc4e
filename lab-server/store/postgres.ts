/**
 * The store on PostgreSQL, shared by several `authlab server` processes of one issuer.
 *
 * Each process keeps the entries in memory, as the other stores do, so reads stay synchronous; the
 * database is the shared truth:
 * - A change is written (write-behind, batched) as a row of lab_entries; every answer waits for
 *   commit(), so what was acknowledged is visible to the other processes. A batch that changes a
 *   client is durable (fsync'd) before commit() resolves, so no acknowledged registration is lost;
 *   tokens, codes, jti pairs and traces are committed without waiting for the disk
 *   (synchronous_commit off: visible at once, on disk a fraction of a second later), as the data
 *   directory store writes them behind.
 * - Before each request, refresh() reads the rows the other processes changed since it last looked.
 *   Rows are ordered by the writing transaction (xid8): a process reads rows written at or after the
 *   oldest transaction still running when it last read, so a transaction that commits late is not
 *   missed, and reading a row twice is harmless (each row is the entry's current value).
 * - The replay store is the database itself: one INSERT … ON CONFLICT per (iss, jti), atomic across
 *   every process (RFC 7523 §3 (7)).
 * - Traces are rows of lab_traces; a NOTIFY tells the other processes that there are new ones, and
 *   each then fetches them and tells its live stream (/lab/events).
 * - The issuer, the lab CA and the signing key are agreed on through lab_shared: the first process to
 *   start makes them, the others load them.
 *
 * The database going away never crashes the process: pool and listener errors are caught, requests
 * are answered 503 with Retry-After (StoreUnavailableError) and everything resumes when it returns.
 */
import pg from 'pg';
import { randomBase64Url } from '../random.js';
import { secondsUntilOne, type SharedRateBuckets } from '../rate-limit.js';
import type { Trace, TraceBuffer } from '../traces.js';
import { MapCollection } from './memory.js';
import { migrate } from './postgres-schema.js';
import { WriteBehind } from './write-behind.js';
import type {
  AuthorizationCodeRecord, CibaRequestRecord, DeviceCodeRecord, LabReplayStore, LabSetting, LabStore, ReplayEntry, SharedMaterial, StoredClient,
  TokenRecord,
} from './types.js';
import { StoreUnavailableError } from './unavailable.js';

/** The collections kept as rows of lab_entries. */
export type EntryCollection = 'clients' | 'tokens' | 'codes' | 'deviceCodes' | 'cibaRequests' | 'settings';
const ENTRY_COLLECTIONS: readonly EntryCollection[] = ['clients', 'tokens', 'codes', 'deviceCodes', 'cibaRequests', 'settings'];

/** The channel on which a process announces new traces. */
export const TRACE_CHANNEL = 'authlab_traces';
/** Unsaved changes are written this soon after they are made (commit() writes at once). */
const WRITE_BEHIND_MS = 5;
/** Traces loaded at start, newest first, so that a process joining a running class shows the room. */
const TRACES_AT_START = 5_000;
/** A process that lost its LISTEN connection tries again this often. */
const LISTEN_RETRY_MS = 1_000;

export interface PostgresStoreOptions {
  log?: (message: string) => void;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/** The URL with its password hidden, for logs and the `durable` check. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * SQLSTATE classes that mean the database cannot answer now, so the request may be tried again: 08
 * connection exception, 40 transaction rollback, 53 insufficient resources, 57 operator intervention,
 * 58 system error (PostgreSQL manual, Appendix A).
 */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Whether an error came from reaching the database (as opposed to a statement it refused): an error
 * without a SQLSTATE is the connection, the pool or a timeout; one with a SQLSTATE is unavailability
 * only in the classes above.
 */
function isStoreUnavailability(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) return true;
  return UNAVAILABLE_SQLSTATE_CLASSES.has(error.code.slice(0, 2));
}

/** The error a failed query is thrown as: 503 with Retry-After when the database is away, else the database's own refusal. */
function storeFailure(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  if (isStoreUnavailability(error)) return new StoreUnavailableError((error as Error)?.message ?? String(error));
  const refused = error as pg.DatabaseError;
  return new Error(`PostgreSQL refused a statement of the lab's store (SQLSTATE ${refused.code ?? '?'}): ${refused.message}`, { cause: error });
}

/**
 * PostgreSQL text holds no U+0000 (SQLSTATE 22021, "invalid byte sequence"), and one such value would
 * fail the whole batch it is written in, again at every retry. Text a client sent is kept with U+0000
 * written as U+2400 (SYMBOL FOR NULL), so it is stored and shown; JSON values are unaffected, since
 * JSON.stringify writes U+0000 as the escape \u0000.
 */
function storableParameters(values: readonly unknown[] | undefined): unknown[] | undefined {
  const text = (value: unknown): unknown => (typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\u2400') : value);
  return values?.map((value) => (Array.isArray(value) ? value.map(text) : text(value)));
}

/** Compares two xid8 values given as decimal text. */
function laterXid(a: string, b: string): string {
  return BigInt(a) >= BigInt(b) ? a : b;
}

interface PendingTrace {
  trace: Trace;
  bytes: number;
}

/** The replay store of RFC 7523 §3 (7), one row per (iss, jti). */
export class PostgresReplayStore implements LabReplayStore {
  readonly #pool: pg.Pool;

  /** `pool`: connections that commit without waiting for the disk (see the file comment). */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    // One statement, so of concurrent uses in any number of processes exactly one gets a row back:
    // the others wait on the first one's row lock, then find it unexpired. A row that has expired
    // (not yet pruned) is taken over, since the pair may then be used again.
    let result;
    try {
      result = await this.#pool.query(
        `INSERT INTO lab_replay (iss, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (iss, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE lab_replay.expires_at <= $4
         RETURNING 1`,
        storableParameters([issuer, jti, Math.ceil(expiresAt), Math.floor(now)]),
      );
    } catch (error) {
      throw storeFailure(error);
    }
    return result.rowCount === 1;
  }

  async list(nowMs: number): Promise<ReplayEntry[]> {
    let result;
    try {
      result = await this.#pool.query<{ iss: string; jti: string; expires_at: string }>(
        'SELECT iss, jti, expires_at FROM lab_replay WHERE expires_at > $1 ORDER BY expires_at, iss, jti',
        [Math.floor(nowMs)],
      );
    } catch (error) {
      throw storeFailure(error);
    }
    return result.rows.map((row) => ({ iss: row.iss, jti: row.jti, expiresAt: Number(row.expires_at) }));
  }
}

/**
 * The rate-limit buckets of every process in one table: a request is taken in one statement, so
 * concurrent requests in any number of processes take from the same bucket, refilled with the same
 * rule as RateLimiter's own (perMinute a minute, evenly), and the limit holds for the room as a whole.
 */
export class PostgresRateBuckets implements SharedRateBuckets {
  readonly #pool: pg.Pool;

  /** `pool`: connections that commit without waiting for the disk (a lost bucket only forgives). */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async take(key: string, perMinute: number, nowMs: number): Promise<number | undefined> {
    // $2 capacity, $3 now, $4 refill per ms. In ON CONFLICT … SET every b.* is the row before.
    const refilled = 'least($2::float8, b.tokens + greatest(0, $3::bigint - b.at_ms) * $4::float8)';
    let result;
    try {
      result = await this.#pool.query<{ allowed: boolean; tokens: number }>(
        `INSERT INTO lab_rate_buckets AS b (key, tokens, at_ms, allowed) VALUES ($1, $2::float8 - 1, $3::bigint, true)
         ON CONFLICT (key) DO UPDATE SET
           allowed = ${refilled} >= 1,
           tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END,
           at_ms = greatest(b.at_ms, $3::bigint)
         RETURNING allowed, tokens`,
        storableParameters([key, perMinute, Math.floor(nowMs), perMinute / 60_000]),
      );
    } catch (error) {
      throw storeFailure(error);
    }
    const row = result.rows[0];
    return row === undefined || row.allowed ? undefined : secondsUntilOne(row.tokens, perMinute);
  }
}

/** One row read while catching up: an entry (its value, or null for a deletion), a trace, or the new cursor. */
interface ChangeRow {
  kind: 'e' | 't' | 'c';
  a: string | null;
  b: string | null;
  v: string | null;
  n: number | null;
}

export class PostgresLabStore implements LabStore {
  readonly clients: MapCollection<StoredClient>;
  readonly tokens: MapCollection<TokenRecord>;
  readonly codes: MapCollection<AuthorizationCodeRecord>;
  readonly deviceCodes: MapCollection<DeviceCodeRecord>;
  readonly cibaRequests: MapCollection<CibaRequestRecord>;
  readonly settings: MapCollection<LabSetting>;
  readonly replay: PostgresReplayStore;
  readonly rateBuckets: PostgresRateBuckets;
  readonly location: string;
  /** Names this process's rows, so that it does not read its own changes back. */
  readonly origin = randomBase64Url(9);
  readonly shared: SharedMaterial;

  readonly #pool: pg.Pool;
  /** Connections with synchronous_commit off: for batches that change no client. */
  readonly #fastPool: pg.Pool;
  readonly #url: string;
  readonly #log: (message: string) => void;
  readonly #dirty: Record<EntryCollection, Set<string>> = {
    clients: new Set(), tokens: new Set(), codes: new Set(), deviceCodes: new Set(), cibaRequests: new Set(), settings: new Set(),
  };
  #pendingTraces: PendingTrace[] = [];
  /** Set while applying another process's changes: they are not written back. */
  #applying = false;
  // Logged once per outage by #query; a failed scheduled write leaves its changes for the next commit.
  readonly #writes = new WriteBehind(() => this.#write(), WRITE_BEHIND_MS, () => {});
  /** Rows changed by transactions from this xid8 on may not have been read yet. */
  #cursor = '0';
  #refreshRunning: Promise<void> | undefined;
  #refreshQueued: Promise<void> | undefined;
  #traces: TraceBuffer | undefined;
  #listener: pg.Client | undefined;
  #listenTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Whether the last attempt to reach the database failed (logged once per outage). */
  #down = false;

  private constructor(pool: pg.Pool, fastPool: pg.Pool, url: string, log: (message: string) => void) {
    this.#pool = pool;
    this.#fastPool = fastPool;
    this.#url = url;
    this.#log = log;
    this.location = redactedDatabaseUrl(url);
    const changed = (collection: EntryCollection) => (key: string) => this.#noteChange(collection, key);
    this.clients = new MapCollection(changed('clients'));
    this.tokens = new MapCollection(changed('tokens'));
    this.codes = new MapCollection(changed('codes'));
    this.deviceCodes = new MapCollection(changed('deviceCodes'));
    this.cibaRequests = new MapCollection(changed('cibaRequests'));
    this.settings = new MapCollection(changed('settings'));
    this.replay = new PostgresReplayStore(fastPool);
    this.rateBuckets = new PostgresRateBuckets(fastPool);
    this.shared = { agree: (name, propose) => this.#agree(name, propose) };
  }

  /**
   * Connects, creates or migrates the schema, and loads every entry. A database that cannot be
   * reached at start is an error (the server does not start); later outages are answered with 503.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresLabStore> {
    const log = options.log ?? ((message: string) => console.error(message));
    const poolOptions = (fast: boolean): pg.PoolConfig => ({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // Fail fast while the database is down, so that requests get their 503 at once.
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 15_000,
      application_name: 'authlab server',
      ...(fast ? { options: '-c synchronous_commit=off' } : {}),
    });
    const pool = new pg.Pool(poolOptions(false));
    const fastPool = new pg.Pool(poolOptions(true));
    let store: PostgresLabStore | undefined;
    // An idle connection that the database drops emits 'error' on its pool: without a listener, the
    // process would crash. The next query reconnects.
    for (const p of [pool, fastPool]) {
      p.on('error', (error) => {
        if (store !== undefined) store.#noteDown(error);
        else log(`lab-server: PostgreSQL connection lost: ${error.message}`);
      });
    }
    try {
      await migrate(pool);
      store = new PostgresLabStore(pool, fastPool, url, log);
      await store.#load();
      await store.#listen();
      return store;
    } catch (error) {
      if (store !== undefined) await store.#stopListening();
      await Promise.all([pool.end().catch(() => {}), fastPool.end().catch(() => {})]);
      throw new Error(`cannot use the PostgreSQL store at ${redactedDatabaseUrl(url)}: ${(error as Error).message}`);
    }
  }

  #noteDown(error: Error): void {
    if (this.#down || this.#closed) return;
    this.#down = true;
    this.#log(`lab-server: PostgreSQL is not answering (${error.message}); requests are answered 503 until it returns`);
  }

  #noteUp(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#log('lab-server: PostgreSQL answers again');
  }

  async #query<R extends pg.QueryResultRow>(text: string, values?: unknown[], pool = this.#pool): Promise<pg.QueryResult<R>> {
    try {
      const result = await pool.query<R>(text, storableParameters(values));
      this.#noteUp();
      return result;
    } catch (error) {
      const failure = storeFailure(error);
      if (failure instanceof StoreUnavailableError) this.#noteDown(error as Error);
      else this.#log(`lab-server: ${failure.message}`);
      throw failure;
    }
  }

  /** Every live entry, and the cursor to catch up from. */
  async #load(): Promise<void> {
    // The cursor is taken first: whatever commits between the two statements is read again later.
    const cursor = await this.#query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    const { rows } = await this.#query<{ collection: string; key: string; value: string }>(
      'SELECT collection, key, value::text AS value FROM lab_entries WHERE value IS NOT NULL',
    );
    this.#applyEntries(rows.map((row) => ({ collection: row.collection, key: row.key, value: row.value })));
    this.#cursor = cursor.rows[0]?.xmin ?? '0';
  }

  /** Sends the traces recorded here to the database, and those of other processes to `traces`. */
  async attachTraces(traces: TraceBuffer): Promise<void> {
    this.#traces = traces;
    const { rows } = await this.#query<{ trace: string; bytes: number }>(
      'SELECT trace::text AS trace, bytes FROM (SELECT trace, bytes, recorded_at, changed_xid FROM lab_traces ORDER BY recorded_at DESC LIMIT $1) recent ORDER BY recorded_at, changed_xid',
      [TRACES_AT_START],
    );
    for (const row of rows) traces.receive(JSON.parse(row.trace) as Trace, row.bytes);
    traces.publishTo((trace, bytes) => {
      this.#pendingTraces.push({ trace, bytes });
      this.#writes.changed();
    });
  }

  /**
   * Makes every process of one server use the same issuer: the first one records it, a process
   * started with another is refused (its tokens' iss and aud would not match the others').
   */
  async claimIssuer(issuer: string): Promise<void> {
    const agreed = await this.#agree('issuer', async () => issuer);
    if (agreed !== issuer) {
      throw new Error(`the database at ${this.location} belongs to the server with issuer ${agreed}; start every process with --issuer ${agreed}, or use another database`);
    }
  }

  async #agree(name: string, propose: () => Promise<string>): Promise<string> {
    const select = () => this.#query<{ value: string }>('SELECT value FROM lab_shared WHERE name = $1', [name]);
    const found = (await select()).rows[0];
    if (found !== undefined) return found.value;
    // Two processes starting at once may both propose: the insert keeps one, and both read it back.
    await this.#query('INSERT INTO lab_shared (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, await propose()]);
    const agreed = (await select()).rows[0];
    if (agreed === undefined) throw new Error(`lab_shared has no ${name} after inserting it`);
    return agreed.value;
  }

  #noteChange(collection: EntryCollection, key: string): void {
    if (this.#applying) return;
    this.#dirty[collection].add(key);
    this.#writes.changed();
  }

  // #write takes the pending changes synchronously, as WriteBehind requires.
  commit(): Promise<void> {
    return this.#writes.commit();
  }

  /** One statement for the whole batch: the entries, the traces, and a NOTIFY if there were traces. */
  async #write(): Promise<void> {
    const collections: string[] = [];
    const keys: string[] = [];
    const values: (string | null)[] = [];
    const taken: [EntryCollection, string][] = [];
    for (const collection of ENTRY_COLLECTIONS) {
      for (const key of this.#dirty[collection]) {
        const value = this[collection].get(key);
        collections.push(collection);
        keys.push(key);
        values.push(value === undefined ? null : JSON.stringify(value));
        taken.push([collection, key]);
      }
      this.#dirty[collection].clear();
    }
    const traces = this.#pendingTraces;
    this.#pendingTraces = [];
    if (taken.length === 0 && traces.length === 0) return;
    const newest = traces[traces.length - 1]?.trace.id ?? null;
    const durable = this.#dirtyClients(taken);
    try {
      await this.#query(
        `WITH entries AS (
           INSERT INTO lab_entries (collection, key, value, origin)
           SELECT c, k, v::json, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c, k, v)
           ON CONFLICT (collection, key) DO UPDATE
             SET value = EXCLUDED.value, origin = EXCLUDED.origin, changed_xid = pg_current_xact_id(), changed_at = now()
           RETURNING 1
         ), traces AS (
           INSERT INTO lab_traces (id, client_id, origin, bytes, trace)
           SELECT i, ci, $4, b, t::json FROM unnest($5::text[], $6::text[], $7::integer[], $8::text[]) AS u(i, ci, b, t)
           ON CONFLICT (id) DO NOTHING
           RETURNING 1
         )
         -- A notification carries at most 8000 bytes: it names the newest trace, and listeners fetch the rows.
         SELECT (SELECT count(*) FROM entries) AS entries, (SELECT count(*) FROM traces) AS traces,
                CASE WHEN $9::text IS NULL THEN NULL ELSE pg_notify('${TRACE_CHANNEL}', $4 || ' ' || $9) END AS notified`,
        [
          collections, keys, values, this.origin,
          traces.map((t) => t.trace.id), traces.map((t) => t.trace.clientId ?? null), traces.map((t) => t.bytes), traces.map((t) => JSON.stringify(t.trace)),
          newest,
        ],
        durable ? this.#pool : this.#fastPool,
      );
    } catch (error) {
      // Not saved: pending again, so that the next commit writes them (with their values by then).
      for (const [collection, key] of taken) this.#dirty[collection].add(key);
      this.#pendingTraces = [...traces, ...this.#pendingTraces];
      throw error;
    }
  }

  /** Whether a batch changes a client: those are fsync'd before they are acknowledged. */
  #dirtyClients(taken: readonly [EntryCollection, string][]): boolean {
    return taken.some(([collection]) => collection === 'clients');
  }

  /**
   * Reads what other processes changed since the last look. Calls that overlap share a read, but a
   * call always waits for a read that started after it was made, so a change acknowledged by another
   * process before this call is seen.
   */
  refresh(): Promise<void> {
    if (this.#refreshQueued !== undefined) return this.#refreshQueued;
    if (this.#refreshRunning === undefined) return this.#startRefresh();
    this.#refreshQueued = this.#refreshRunning.catch(() => {}).then(() => {
      this.#refreshQueued = undefined;
      return this.#startRefresh();
    });
    return this.#refreshQueued;
  }

  #startRefresh(): Promise<void> {
    const running = this.#catchUp().finally(() => {
      if (this.#refreshRunning === running) this.#refreshRunning = undefined;
    });
    this.#refreshRunning = running;
    return running;
  }

  async #catchUp(): Promise<void> {
    const from = this.#cursor;
    const withTraces = this.#traces !== undefined;
    // One statement, one snapshot: the rows read and the new cursor agree.
    const { rows } = await this.#query<ChangeRow>(
      `SELECT 'e' AS kind, collection AS a, key AS b, value::text AS v, NULL::integer AS n
         FROM lab_entries WHERE changed_xid >= $1::xid8 AND origin <> $2
       UNION ALL
       SELECT 't', client_id, id, trace::text, bytes
         FROM lab_traces WHERE $3 AND changed_xid >= $1::xid8 AND origin <> $2
       UNION ALL
       SELECT 'c', NULL, NULL, pg_snapshot_xmin(pg_current_snapshot())::text, NULL`,
      [from, this.origin, withTraces],
    );
    const entries: { collection: string; key: string; value: string | null }[] = [];
    const traces: { trace: Trace; bytes: number }[] = [];
    let cursor = from;
    for (const row of rows) {
      if (row.kind === 'c' && row.v !== null) cursor = laterXid(cursor, row.v);
      else if (row.kind === 'e' && row.a !== null && row.b !== null) entries.push({ collection: row.a, key: row.b, value: row.v });
      else if (row.kind === 't' && row.v !== null) traces.push({ trace: JSON.parse(row.v) as Trace, bytes: row.n ?? 0 });
    }
    this.#applyEntries(entries);
    if (this.#traces !== undefined) {
      traces.sort((x, y) => (x.trace.time < y.trace.time ? -1 : x.trace.time > y.trace.time ? 1 : 0));
      for (const { trace, bytes } of traces) this.#traces.receive(trace, bytes);
    }
    this.#cursor = laterXid(this.#cursor, cursor);
  }

  /** Applies other processes' values; an entry changed here and not yet saved keeps this process's value. */
  #applyEntries(entries: readonly { collection: string; key: string; value: string | null }[]): void {
    this.#applying = true;
    try {
      for (const { collection, key, value } of entries) {
        if (!(ENTRY_COLLECTIONS as readonly string[]).includes(collection)) continue;
        const name = collection as EntryCollection;
        if (this.#dirty[name].has(key)) continue;
        const target = this[name] as MapCollection<unknown>;
        if (value === null) target.delete(key);
        else target.set(key, JSON.parse(value));
      }
    } finally {
      this.#applying = false;
    }
  }

  /** A dedicated connection LISTENs for new traces; lost, it is made again, and a catch-up fills the gap. */
  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 3_000, application_name: 'authlab server (listen)' });
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (error !== undefined) this.#noteDown(error);
      if (this.#listener === client) this.#listener = undefined;
      client.end().catch(() => {});
      this.#retryListen();
    };
    client.on('error', (error) => onLost(error));
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.payload?.startsWith(`${this.origin} `) === true) return;
      this.refresh().catch(() => {});
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TRACE_CHANNEL}`);
    } catch (error) {
      lost = true;
      client.end().catch(() => {});
      throw error;
    }
    this.#listener = client;
  }

  #retryListen(): void {
    if (this.#closed || this.#listenTimer !== undefined) return;
    this.#listenTimer = setTimeout(() => {
      this.#listenTimer = undefined;
      this.#listen().then(
        // Notifications sent while no one listened are lost: catch up on what they announced.
        () => this.refresh().catch(() => {}),
        () => this.#retryListen(),
      );
    }, LISTEN_RETRY_MS);
    this.#listenTimer.unref();
  }

  async #stopListening(): Promise<void> {
    if (this.#listenTimer !== undefined) clearTimeout(this.#listenTimer);
    this.#listenTimer = undefined;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
  }

  sweep(nowSeconds: number): void {
    // Every process drops the same expired entries from its memory; the database is pruned alongside.
    this.#applying = true;
    try {
      this.tokens.prune((t) => t.exp + 86_400 < nowSeconds);
      this.codes.prune((c) => c.exp + 600 < nowSeconds);
      this.deviceCodes.prune((d) => d.exp + 600 < nowSeconds);
      this.cibaRequests.prune((r) => r.exp + 600 < nowSeconds);
    } finally {
      this.#applying = false;
    }
    this.prune(nowSeconds).catch(() => {});
  }

  /** Deletes expired rows: entries past their keeping time, tombstones a day old, expired jti pairs, traces a day old. */
  async prune(nowSeconds: number): Promise<void> {
    await this.#query(
      `DELETE FROM lab_entries
        WHERE (value IS NULL AND changed_at < now() - interval '1 day')
           OR (collection = 'tokens' AND (value->>'exp')::bigint + 86400 < $1)
           OR (collection IN ('codes', 'deviceCodes', 'cibaRequests') AND (value->>'exp')::bigint + 600 < $1)`,
      [nowSeconds],
    );
    await this.#query('DELETE FROM lab_replay WHERE expires_at <= $1', [nowSeconds * 1000]);
    await this.#query('DELETE FROM lab_rate_buckets WHERE at_ms < $1', [(nowSeconds - 60) * 1000]);
    await this.#query("DELETE FROM lab_traces WHERE recorded_at < now() - interval '1 day'");
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writes.stop();
    try {
      await this.commit();
    } finally {
      this.#closed = true;
      this.#traces?.publishTo(undefined);
      await this.#stopListening();
      await Promise.all([this.#pool.end().catch(() => {}), this.#fastPool.end().catch(() => {})]);
    }
  }
}

export function openPostgresStore(url: string, options?: PostgresStoreOptions): Promise<PostgresLabStore> {
  return PostgresLabStore.open(url, options);
}

/** Whether a --store value names a PostgreSQL database. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}
