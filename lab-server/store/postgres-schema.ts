/**
 * The PostgreSQL store's schema, created and migrated when a server starts. Migrations are ordered
 * SQL, each applied once in its own transaction and recorded in schema_version. Two processes
 * starting at once take turns: the whole migration runs under one session-level advisory lock.
 */
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'entries, replay store, shared keys, traces',
    sql: `
      -- Clients, tokens, codes, device and CIBA requests: one row per entry, its value as JSON.
      -- A deletion leaves value NULL (a tombstone) so that other processes learn of it.
      -- changed_xid orders changes: a process catches up by reading rows changed at or after the
      -- oldest transaction that was still running when it last looked.
      CREATE TABLE lab_entries (
        collection  text NOT NULL,
        key         text NOT NULL,
        value       json,
        origin      text NOT NULL,
        changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        changed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (collection, key)
      );
      CREATE INDEX lab_entries_changed_xid ON lab_entries (changed_xid);

      -- The jti replay store (RFC 7523 §3 (7)): one row per (iss, jti), until expires_at (epoch ms).
      CREATE TABLE lab_replay (
        iss        text NOT NULL,
        jti        text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (iss, jti)
      );
      CREATE INDEX lab_replay_expires_at ON lab_replay (expires_at);

      -- What every process must agree on: the issuer, the lab CA, the server's signing key.
      CREATE TABLE lab_shared (
        name       text PRIMARY KEY,
        value      text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Traces, so that every process can list and stream the traces of all of them.
      CREATE TABLE lab_traces (
        id          text PRIMARY KEY,
        client_id   text,
        origin      text NOT NULL,
        bytes       integer NOT NULL,
        trace       json NOT NULL,
        changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX lab_traces_changed_xid ON lab_traces (changed_xid);
      CREATE INDEX lab_traces_recorded_at ON lab_traces (recorded_at);
    `,
  },
  {
    version: 2,
    name: 'rate-limit buckets shared by every process',
    sql: `
      -- One token bucket per limited key (RFC 6585 §4 answers): tokens left at at_ms (epoch ms), and
      -- whether the last request taken from it was allowed. A bucket untouched for a minute is full,
      -- the same as no row, and is pruned.
      CREATE TABLE lab_rate_buckets (
        key     text PRIMARY KEY,
        tokens  double precision NOT NULL,
        at_ms   bigint NOT NULL,
        allowed boolean NOT NULL
      );
      CREATE INDEX lab_rate_buckets_at_ms ON lab_rate_buckets (at_ms);
    `,
  },
];

/** The key of the advisory lock held while migrating ("authlab" in ASCII). */
export const MIGRATION_LOCK = 0x617574686c6162n;

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings the database to SCHEMA_VERSION and returns the version it was at. A database migrated by a
 * newer authlab is refused rather than used with a schema this code does not know.
 */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0)::integer AS version FROM schema_version');
      const found = rows[0]?.version ?? 0;
      if (found > SCHEMA_VERSION) {
        throw new Error(`the database's schema is version ${found}, newer than this authlab's (${SCHEMA_VERSION}): upgrade authlab or use another database`);
      }
      for (const migration of MIGRATIONS) {
        if (migration.version <= found) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`schema migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
        }
      }
      return found;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
