/**
 * Traces are the lab's teaching surface: for every request, what came in (the headers that matter,
 * the form, the decoded JWT, the certificate), each check made with its spec section, and what went
 * out. Secrets are masked before a trace is stored. A ring buffer keeps the newest ones, and
 * listeners (the server-sent-events stream) hear about each as it is recorded.
 */
import type { Check } from '@client-auth-lab/lib';
import { randomBase64Url } from './random.js';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltName?: string;
  selfIssued: boolean;
  'x5t#S256': string;
  /** How it reached the server: the TLS handshake or a header from a trusted proxy. */
  source: 'tls' | 'x-ssl-cert' | 'client-cert';
  chainLength: number;
}

export interface TraceRequest {
  method: string;
  path: string;
  /** Which listener received it. */
  listener: 'http' | 'https';
  remoteAddress: string;
  headers: Record<string, string>;
  form?: Record<string, string | string[]>;
  query?: Record<string, string | string[]>;
  json?: unknown;
  /** Decoded (not verified) JWTs found in the request: client_assertion, assertion. */
  jwts?: Record<string, { header: Record<string, unknown>; payload: Record<string, unknown> }>;
  certificate?: CertificateSummary;
}

export interface TraceResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface Trace {
  id: string;
  time: string;
  /** Short endpoint name: token, register, introspect … */
  endpoint: string;
  clientId?: string;
  /** The client-authentication method that was verified, when one was. */
  method?: string;
  /** The OAuth error sent, and the lib's code for why. */
  outcome: { ok: boolean; error?: string; code?: string; spec?: string };
  request: TraceRequest;
  checks: Check[];
  notes: string[];
  response: TraceResponse;
  durationMs: number;
}

/** Parameter and header names whose values are secrets. */
const SECRET_PARAMETERS = new Set(['client_secret', 'registration_access_token', 'code_verifier']);
const TOKEN_PARAMETERS = new Set(['access_token', 'refresh_token', 'token', 'code', 'device_code', 'auth_req_id', 'id_token']);
const JWT_PARAMETERS = new Set(['client_assertion', 'assertion']);

/** A secret shown only as its length. */
export function maskSecret(value: string): string {
  return `•••• (masked, ${value.length} characters)`;
}

/** A token shown by its first characters, enough to tell two apart. */
export function maskToken(value: string): string {
  return value.length <= 8 ? maskSecret(value) : `${value.slice(0, 6)}…(masked)`;
}

/** A JWT with its header and payload readable and its signature (or MAC) hidden. */
export function maskJwtSignature(value: string): string {
  const first = value.indexOf('.');
  const last = value.lastIndexOf('.');
  // Exactly three parts: two dots, the second after the first.
  if (first === -1 || last === first || value.indexOf('.', first + 1) !== last) return maskSecret(value);
  return `${value.slice(0, last)}.${last < value.length - 1 ? '<signature masked>' : ''}`;
}

export function maskParameter(name: string, value: string): string {
  if (SECRET_PARAMETERS.has(name)) return maskSecret(value);
  if (JWT_PARAMETERS.has(name)) return maskJwtSignature(value);
  if (TOKEN_PARAMETERS.has(name)) return maskToken(value);
  return value;
}

/** JWK members that hold private key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

/**
 * Private key material anywhere in a value: the private members of anything shaped like a JWK (it
 * has `kty`) and PEM private keys inside strings. A learner who pastes a private JWK into jwks must
 * not see it copied into a trace, an export or a help channel.
 */
export function maskPrivateKeys(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('PRIVATE KEY-----') ? value.replace(PRIVATE_KEY_PEM, '<private key masked>') : value;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => maskPrivateKeys(v, depth + 1));
  const record = value as Record<string, unknown>;
  const isJwk = typeof record.kty === 'string';
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(record)) {
    out[name] = isJwk && PRIVATE_JWK_MEMBERS.has(name) && member !== undefined ? '<private key member masked>' : maskPrivateKeys(member, depth + 1);
  }
  return out;
}

/** Masks a form or JSON object one level deep (the shape of every OAuth message), and private keys at any depth. */
export function maskParameters<T>(values: T): T {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return values;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = maskPrivateKeys(maskParameter(name, value));
    else if (Array.isArray(value)) out[name] = value.map((v) => (typeof v === 'string' ? maskParameter(name, v) : maskPrivateKeys(v)));
    else out[name] = maskPrivateKeys(value);
  }
  return out as T;
}

/** Masks an Authorization header: Basic shows the client_id only, Bearer the start of the token. */
export function maskAuthorization(value: string): string {
  const [scheme = '', credentials = ''] = value.split(/\s+/, 2);
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? '?' : decoded.slice(0, colon);
    return `${scheme} <masked: user name (form-encoded client_id) '${user}', secret hidden>`;
  }
  if (/^bearer$/i.test(scheme)) return `${scheme} ${maskToken(credentials)}`;
  return `${scheme} ${maskSecret(credentials)}`;
}

/** Request headers that explain client authentication; everything else is left out of traces. */
const TRACED_HEADERS = ['authorization', 'content-type', 'content-length', 'accept', 'x-ssl-cert', 'client-cert', 'client-cert-chain', 'x-forwarded-for', 'user-agent', 'host'];

export function traceHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TRACED_HEADERS) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (name === 'authorization') out[name] = maskAuthorization(value);
    else if (name === 'x-ssl-cert' || name === 'client-cert' || name === 'client-cert-chain') out[name] = value.length > 80 ? `${value.slice(0, 60)}… (${value.length} characters)` : value;
    else out[name] = value;
  }
  return out;
}

export function newTraceId(): string {
  return randomBase64Url(9);
}

/** Characters of the string values of a flat record (a form, headers, a token response). */
function flatLength(values: Record<string, unknown> | undefined): number {
  let n = 0;
  if (values === undefined) return n;
  for (const name in values) {
    const value = values[name];
    n += name.length + 6 + (typeof value === 'string' ? value.length : Array.isArray(value) ? value.join(',').length : 16);
  }
  return n;
}

/**
 * About the size of a trace as JSON, without serializing it on every request: the flat parts counted,
 * the rare nested ones (a registration's JSON body, decoded JWTs) serialized.
 */
export function approximateTraceBytes(trace: Trace): number {
  const { request, response } = trace;
  let n = 600 + flatLength(request.headers) + flatLength(request.form) + flatLength(request.query) + flatLength(response.headers);
  for (const check of trace.checks) n += 60 + check.name.length + (check.detail?.length ?? 0) + (check.spec?.length ?? 0);
  for (const note of trace.notes) n += note.length + 4;
  if (request.json !== undefined) n += JSON.stringify(request.json).length;
  if (request.jwts !== undefined) n += JSON.stringify(request.jwts).length;
  if (request.certificate !== undefined) n += 600;
  const body = response.body;
  n += typeof body === 'object' && body !== null && !Array.isArray(body) ? flatLength(body as Record<string, unknown>) : body === undefined ? 0 : JSON.stringify(body).length;
  return n;
}

export type TraceListener = (trace: Trace) => void;

/** Where a trace recorded here is also sent (the PostgreSQL store shares traces between processes). */
export type TracePublisher = (trace: Trace, bytes: number) => void;

export interface TraceBufferOptions {
  /** Traces kept for each client, newest first (default 200). */
  perClient?: number;
  /** Traces kept that name no client (discovery, a parse error …; default 500). */
  anonymous?: number;
  /** Bound on the (approximate) JSON size of everything kept (default 64 MiB): past it the fullest client loses its oldest. */
  maxBytes?: number;
  publish?: TracePublisher;
}

interface Kept {
  trace: Trace;
  seq: number;
  bytes: number;
}

/** The key of the traces that name no client. */
const ANONYMOUS = '\u0000anonymous';

/**
 * The traces kept in memory, per client: each client keeps its newest `perClient` whatever the others
 * do, so under --traces self a busy room cannot push a student's history out. A bound on the total
 * size takes from the client holding the most first. Listeners (the event stream) hear of each trace.
 */
export class TraceBuffer {
  readonly perClient: number;
  readonly anonymous: number;
  readonly maxBytes: number;
  readonly #buckets = new Map<string, Kept[]>();
  readonly #byId = new Map<string, Kept>();
  readonly #listeners = new Set<TraceListener>();
  #publish: TracePublisher | undefined;
  #seq = 0;
  #bytes = 0;
  #last: Trace | undefined;

  constructor(options: TraceBufferOptions | number = {}) {
    const o = typeof options === 'number' ? { anonymous: options } : options;
    this.perClient = Math.max(1, o.perClient ?? 200);
    this.anonymous = Math.max(1, o.anonymous ?? 500);
    this.maxBytes = Math.max(65_536, o.maxBytes ?? 64 * 1024 * 1024);
    this.#publish = o.publish;
  }

  /** The most a listing can return: one client's traces. */
  get capacity(): number {
    return Math.max(this.perClient, this.anonymous);
  }

  /** Sends every trace recorded from now on to `publish` as well. */
  publishTo(publish: TracePublisher | undefined): void {
    this.#publish = publish;
  }

  /** Records a trace made here: kept, heard by listeners, and published. */
  add(trace: Trace): void {
    const bytes = this.#keep(trace);
    if (bytes === undefined) return;
    if (this.#publish !== undefined) {
      try {
        this.#publish(trace, bytes);
      } catch {
        // Sharing is best effort: the trace is kept here whatever happens to the copy.
      }
    }
    this.#tell(trace);
  }

  /** Records a trace made by another process (kept and heard by listeners, not published again). */
  receive(trace: Trace, bytes?: number): void {
    if (this.#keep(trace, bytes) !== undefined) this.#tell(trace);
  }

  #keep(trace: Trace, known?: number): number | undefined {
    if (this.#byId.has(trace.id)) return undefined;
    const bytes = known ?? approximateTraceBytes(trace);
    const key = trace.clientId ?? ANONYMOUS;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.#buckets.set(key, bucket);
    }
    const kept: Kept = { trace, seq: ++this.#seq, bytes };
    bucket.push(kept);
    this.#byId.set(trace.id, kept);
    this.#bytes += bytes;
    this.#last = trace;
    const bound = key === ANONYMOUS ? this.anonymous : this.perClient;
    while (bucket.length > bound) this.#dropOldest(key, bucket);
    while (this.#bytes > this.maxBytes && this.#byId.size > 1) this.#dropFromFullest();
    return bytes;
  }

  #dropOldest(key: string, bucket: Kept[]): void {
    const dropped = bucket.shift();
    if (dropped === undefined) return;
    this.#byId.delete(dropped.trace.id);
    this.#bytes -= dropped.bytes;
    if (bucket.length === 0) this.#buckets.delete(key);
  }

  #dropFromFullest(): void {
    let fullest: [string, Kept[]] | undefined;
    for (const entry of this.#buckets) if (fullest === undefined || entry[1].length > fullest[1].length) fullest = entry;
    if (fullest !== undefined) this.#dropOldest(fullest[0], fullest[1]);
  }

  #tell(trace: Trace): void {
    for (const listener of this.#listeners) {
      try {
        listener(trace);
      } catch {
        // A broken listener must not break request handling.
      }
    }
  }

  /** Newest first, optionally only one client's, at most `limit`. */
  list(filter: { clientId?: string; endpoint?: string; limit?: number } = {}): Trace[] {
    const limit = filter.limit ?? this.capacity;
    const out: Trace[] = [];
    const take = (items: readonly Kept[]): void => {
      for (let i = items.length - 1; i >= 0 && out.length < limit; i--) {
        const trace = (items[i] as Kept).trace;
        if (filter.endpoint !== undefined && trace.endpoint !== filter.endpoint) continue;
        out.push(trace);
      }
    };
    if (filter.clientId !== undefined) {
      take(this.#buckets.get(filter.clientId) ?? []);
      return out;
    }
    // Every client's: merged in the order they were recorded.
    const all: Kept[] = [];
    for (const bucket of this.#buckets.values()) for (const kept of bucket) all.push(kept);
    all.sort((a, b) => a.seq - b.seq);
    take(all);
    return out;
  }

  /** The clients that have traces, with how many each. */
  clients(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, bucket] of this.#buckets) if (key !== ANONYMOUS) out.set(key, bucket.length);
    return out;
  }

  get(id: string): Trace | undefined {
    return this.#byId.get(id)?.trace;
  }

  last(): Trace | undefined {
    return this.#last;
  }

  subscribe(listener: TraceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#buckets.clear();
    this.#byId.clear();
    this.#bytes = 0;
    this.#last = undefined;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The JSON size of the traces kept, in bytes. */
  get bytes(): number {
    return this.#bytes;
  }
}
