/**
 * A small HTTP client for notebooks and exercises: real sockets, real TLS. It posts forms, sends JSON,
 * and, for mutual TLS, presents a client certificate and trusts the lab CA, so a learner sees the
 * request and the server's answer exactly as they were on the wire.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface LabRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An application/x-www-form-urlencoded body (RFC 6749 Appendix B), in order. */
  form?: Record<string, string> | [string, string][];
  /** A JSON body. */
  json?: unknown;
  /** A raw body, sent as is. */
  body?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** CA certificate(s) (PEM) to trust for the server's certificate: the lab CA. */
  ca?: string;
}

export interface LabResponse {
  status: number;
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the text. */
  body: any;
  /** What was sent, for display: the request line, the headers that matter, and the body. */
  sent: string;
}

function encodeForm(form: NonNullable<LabRequestOptions['form']>): string {
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  return new URLSearchParams(pairs).toString();
}

/** Sends one request and resolves with the answer; HTTP errors are answers too, never exceptions. */
export function labRequest(url: string, options: LabRequestOptions = {}): Promise<LabResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined = options.body;
  if (options.form !== undefined) {
    body = encodeForm(options.form);
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const sent = [`${method} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`,
    ...Object.entries(headers).filter(([k]) => k !== 'accept' && k !== 'content-length').map(([k, v]) => `${k}: ${v}`),
    ...(options.cert === undefined ? [] : ['(TLS client certificate presented in the handshake)']),
    '', body ?? ''].join('\n').trimEnd();
  const tls = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(target, {
      method,
      headers,
      ...(tls ? { cert: options.cert, key: options.key, ca: options.ca, agent: false } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        if ((res.headers['content-type'] ?? '').includes('json')) {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
        const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
        resolve({ status: res.statusCode ?? 0, headers: flat, body: parsed, sent });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
