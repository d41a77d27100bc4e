/**
 * One line per trace (result, method) and the classroom's counts per client. Used by the server-side
 * renderer and, compiled to dist/trace-summary.js, served as-is to the trace viewer's browser script
 * (GET /lab/trace-summary.js): so this module imports nothing at run time and touches no Node API.
 */
import type { Trace } from './traces.js';

export interface TraceResult {
  /** issued: a token came back; accepted: any other success; refused: an error was sent. */
  kind: 'issued' | 'accepted' | 'refused';
  /** The OAuth error sent (RFC 6749 §5.2), when refused. */
  error?: string;
  /** The lib's code for why, e.g. ERR_ASSERTION_AUD. */
  code?: string;
  /** "issued", "accepted (204)" or "refused: invalid_client". */
  label: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function traceResult(trace: Trace): TraceResult {
  if (!trace.outcome.ok) {
    const error = trace.outcome.error ?? (isRecord(trace.response.body) && typeof trace.response.body.error === 'string' ? trace.response.body.error : undefined);
    return {
      kind: 'refused',
      ...(error === undefined ? {} : { error }),
      ...(trace.outcome.code === undefined ? {} : { code: trace.outcome.code }),
      label: error === undefined ? `refused (${trace.response.status})` : `refused: ${error}`,
    };
  }
  const body = trace.response.body;
  if (isRecord(body) && typeof body.access_token === 'string') return { kind: 'issued', label: 'issued' };
  return { kind: 'accepted', label: `accepted (${trace.response.status})` };
}

export interface TraceMethod {
  /** A token_endpoint_auth_method value, or a short description when several fit. */
  name: string;
  /** verified: the server accepted it; presented: what the request carried, not (yet) verified. */
  status: 'verified' | 'presented';
}

/**
 * The client-authentication method: the verified one when the server got that far, otherwise what
 * the request presented (RFC 6749 §2.3), read from the traced request.
 */
export function traceMethod(trace: Trace): TraceMethod | undefined {
  if (trace.method !== undefined) return { name: trace.method, status: 'verified' };
  const request = trace.request;
  const form = request.form ?? {};
  const presented: string[] = [];
  if (/^basic\s/i.test(request.headers.authorization ?? '')) presented.push('client_secret_basic');
  if (form.client_secret !== undefined) presented.push('client_secret_post');
  if (form.client_assertion !== undefined || form.client_assertion_type !== undefined) {
    const alg = request.jwts?.client_assertion?.header.alg;
    presented.push(typeof alg === 'string' && /^HS/.test(alg) ? 'client_secret_jwt' : typeof alg === 'string' ? 'private_key_jwt' : 'client assertion');
  }
  if (presented.length > 1) return { name: presented.join(' + '), status: 'presented' };
  if (presented.length === 1) return { name: presented[0] as string, status: 'presented' };
  if (request.certificate !== undefined) return { name: 'mutual TLS certificate', status: 'presented' };
  if (form.client_id !== undefined) return { name: 'none', status: 'presented' };
  return undefined;
}

/** Endpoints where a client manages its registration rather than tries to authenticate. */
const NOT_ATTEMPTS = new Set(['register', 'client_configuration']);

export interface ClassroomRow {
  clientId: string;
  attempts: number;
  successes: number;
  refusals: number;
  /** The most frequent "error · code" among refusals, and how often it occurred. */
  commonRefusal?: { error: string; code?: string; count: number };
  lastTime: string;
}

/** Counts per client_id over the given traces, most attempts first (registration calls left out). */
export function classroomRows(traces: readonly Trace[]): ClassroomRow[] {
  const rows = new Map<string, ClassroomRow & { reasons: Map<string, { error: string; code?: string; count: number }> }>();
  for (const trace of traces) {
    if (trace.clientId === undefined || NOT_ATTEMPTS.has(trace.endpoint)) continue;
    let row = rows.get(trace.clientId);
    if (row === undefined) {
      row = { clientId: trace.clientId, attempts: 0, successes: 0, refusals: 0, lastTime: trace.time, reasons: new Map() };
      rows.set(trace.clientId, row);
    }
    row.attempts += 1;
    if (trace.time > row.lastTime) row.lastTime = trace.time;
    const result = traceResult(trace);
    if (result.kind !== 'refused') {
      row.successes += 1;
      continue;
    }
    row.refusals += 1;
    const error = result.error ?? `HTTP ${trace.response.status}`;
    const key = `${error}\u0000${result.code ?? ''}`;
    const reason = row.reasons.get(key) ?? { error, ...(result.code === undefined ? {} : { code: result.code }), count: 0 };
    reason.count += 1;
    row.reasons.set(key, reason);
  }
  return [...rows.values()].map(({ reasons, ...row }) => {
    let common: { error: string; code?: string; count: number } | undefined;
    for (const reason of reasons.values()) if (common === undefined || reason.count > common.count) common = reason;
    return common === undefined ? row : { ...row, commonRefusal: common };
  }).sort((a, b) => b.attempts - a.attempts || (a.clientId < b.clientId ? -1 : 1));
}
