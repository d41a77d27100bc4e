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

/** Masks a form or JSON object one level deep (the shape of every OAuth message). */
export function maskParameters<T>(values: T): T {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return values;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (typeof value === 'string') out[name] = maskParameter(name, value);
    else if (Array.isArray(value)) out[name] = value.map((v) => (typeof v === 'string' ? maskParameter(name, v) : v));
    else out[name] = value;
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

export type TraceListener = (trace: Trace) => void;

export class TraceBuffer {
  readonly capacity: number;
  readonly #items: Trace[] = [];
  readonly #byId = new Map<string, Trace>();
  readonly #listeners = new Set<TraceListener>();

  constructor(capacity = 500) {
    this.capacity = capacity;
  }

  add(trace: Trace): void {
    this.#items.push(trace);
    this.#byId.set(trace.id, trace);
    while (this.#items.length > this.capacity) {
      const dropped = this.#items.shift();
      if (dropped !== undefined) this.#byId.delete(dropped.id);
    }
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
    const out: Trace[] = [];
    const limit = filter.limit ?? this.capacity;
    for (let i = this.#items.length - 1; i >= 0 && out.length < limit; i--) {
      const trace = this.#items[i] as Trace;
      if (filter.clientId !== undefined && trace.clientId !== filter.clientId) continue;
      if (filter.endpoint !== undefined && trace.endpoint !== filter.endpoint) continue;
      out.push(trace);
    }
    return out;
  }

  get(id: string): Trace | undefined {
    return this.#byId.get(id);
  }

  last(): Trace | undefined {
    return this.#items[this.#items.length - 1];
  }

  subscribe(listener: TraceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#items.length = 0;
    this.#byId.clear();
  }

  get size(): number {
    return this.#items.length;
  }
}
