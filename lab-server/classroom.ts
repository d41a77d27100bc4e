/**
 * The instructor's view of the room: one row per registered client (name, method, how many requests,
 * the last result) and the checks failing most right now, with how many clients fail each. Counted as
 * traces are recorded (here or, on PostgreSQL, by another process), so it costs nothing to read and
 * stays right after a client's oldest traces are dropped.
 */
import type { LabStore } from './store/types.js';
import type { Trace, TraceBuffer } from './traces.js';

/** Endpoints where a client manages its registration rather than tries to authenticate. */
const NOT_ATTEMPTS = new Set(['register', 'client_configuration']);

export interface LastResult {
  trace_id: string;
  time: string;
  endpoint: string;
  ok: boolean;
  status: number;
  error?: string;
  code?: string;
  /** The first check that failed, by name (what the learner must fix). */
  check?: string;
  spec?: string;
}

interface Tally {
  requests: number;
  successes: number;
  refusals: number;
  last?: LastResult;
}

export interface ClassRow {
  client_id: string;
  client_name?: string;
  token_endpoint_auth_method?: string;
  requests: number;
  successes: number;
  refusals: number;
  last?: LastResult;
}

export interface FailingCheck {
  /** The failing check's name (e.g. "aud"), or the error code when no check failed. */
  check: string;
  code?: string;
  spec?: string;
  /** How many clients' latest attempt fails on it. */
  clients: number;
  client_ids: string[];
  /** The latest failing trace of each of those clients. */
  trace_ids: string[];
}

export interface ClassView {
  clients: ClassRow[];
  failing: FailingCheck[];
  totals: { clients: number; requests: number; failing_clients: number };
}

function lastResultOf(trace: Trace): LastResult {
  const failed = trace.checks.find((c) => !c.passed);
  return {
    trace_id: trace.id,
    time: trace.time,
    endpoint: trace.endpoint,
    ok: trace.outcome.ok,
    status: trace.response.status,
    ...(trace.outcome.error === undefined ? {} : { error: trace.outcome.error }),
    ...(trace.outcome.code === undefined ? {} : { code: trace.outcome.code }),
    ...(failed === undefined ? {} : { check: failed.name }),
    ...(failed?.spec ?? trace.outcome.spec) === undefined ? {} : { spec: (failed?.spec ?? trace.outcome.spec) as string },
  };
}

export class ClassroomTally {
  readonly #tallies = new Map<string, Tally>();

  /** Counts every trace `traces` records from now on, and those it holds already. */
  constructor(traces: TraceBuffer) {
    for (const trace of traces.list().reverse()) this.count(trace);
    traces.subscribe((trace) => this.count(trace));
  }

  count(trace: Trace): void {
    if (trace.clientId === undefined || NOT_ATTEMPTS.has(trace.endpoint)) return;
    let tally = this.#tallies.get(trace.clientId);
    if (tally === undefined) {
      tally = { requests: 0, successes: 0, refusals: 0 };
      this.#tallies.set(trace.clientId, tally);
    }
    tally.requests += 1;
    if (trace.outcome.ok) tally.successes += 1;
    else tally.refusals += 1;
    if (tally.last === undefined || trace.time >= tally.last.time) tally.last = lastResultOf(trace);
  }

  clear(): void {
    this.#tallies.clear();
  }

  /** The room: every registered client (and any client_id seen in a trace), the failing checks most shared first. */
  view(store: LabStore): ClassView {
    const rows: ClassRow[] = [];
    const seen = new Set<string>();
    const rowOf = (clientId: string, client?: { client_name?: unknown; token_endpoint_auth_method?: unknown }): ClassRow => {
      const tally = this.#tallies.get(clientId);
      return {
        client_id: clientId,
        ...(typeof client?.client_name === 'string' ? { client_name: client.client_name } : {}),
        ...(typeof client?.token_endpoint_auth_method === 'string' ? { token_endpoint_auth_method: client.token_endpoint_auth_method } : {}),
        requests: tally?.requests ?? 0,
        successes: tally?.successes ?? 0,
        refusals: tally?.refusals ?? 0,
        ...(tally?.last === undefined ? {} : { last: tally.last }),
      };
    };
    for (const client of store.clients.values()) {
      seen.add(client.client_id);
      rows.push(rowOf(client.client_id, client));
    }
    for (const clientId of this.#tallies.keys()) if (!seen.has(clientId)) rows.push(rowOf(clientId));
    rows.sort((a, b) => b.requests - a.requests || (a.client_id < b.client_id ? -1 : 1));

    const failing = new Map<string, FailingCheck>();
    for (const row of rows) {
      const last = row.last;
      if (last === undefined || last.ok) continue;
      const check = last.check ?? last.code ?? last.error ?? `HTTP ${last.status}`;
      const key = `${check}\u0000${last.code ?? ''}`;
      let entry = failing.get(key);
      if (entry === undefined) {
        entry = { check, ...(last.code === undefined ? {} : { code: last.code }), ...(last.spec === undefined ? {} : { spec: last.spec }), clients: 0, client_ids: [], trace_ids: [] };
        failing.set(key, entry);
      }
      entry.clients += 1;
      entry.client_ids.push(row.client_id);
      entry.trace_ids.push(last.trace_id);
    }
    const failingList = [...failing.values()].sort((a, b) => b.clients - a.clients || (a.check < b.check ? -1 : 1));
    return {
      clients: rows,
      failing: failingList,
      totals: {
        clients: rows.length,
        requests: rows.reduce((n, r) => n + r.requests, 0),
        failing_clients: failingList.reduce((n, f) => n + f.clients, 0),
      },
    };
  }
}
