// Helpers for the lab-server tests: a server on ephemeral ports, real HTTP(S) requests, signed assertions.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { SignJWT } from 'jose';
import { startLabServer, type Lab, type LabResponse, type RunningLabServer, type StartLabServerOptions, type Trace } from '@client-auth-lab/lab-server';
import { encodeClientSecretBasic } from '@client-auth-lab/lib';

export async function startTestServer(options: StartLabServerOptions = {}): Promise<RunningLabServer> {
  return startLabServer({ port: 0, tlsPort: 0, pollIntervalSeconds: 0, log: () => {}, ...options });
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** CA to trust for the server certificate. */
  ca?: string;
  localAddress?: string;
}

/** One real request with node:http or node:https (no connection reuse, so each TLS handshake is fresh). */
export function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(target, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      ...(isHttps ? { ca: options.ca, cert: options.cert, key: options.key } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function form(values: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

export function postForm(url: string, values: Record<string, string | string[] | undefined>, options: RequestOptions = {}): Promise<HttpAnswer> {
  return request(url, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: form(values),
  });
}

export function postJson(url: string, value: unknown, options: RequestOptions = {}): Promise<HttpAnswer> {
  return request(url, { ...options, method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body: JSON.stringify(value) });
}

export interface RegisteredTestClient {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
  [name: string]: unknown;
}

export async function register(server: RunningLabServer, metadata: Record<string, unknown>): Promise<RegisteredTestClient> {
  const answer = await postJson(`${server.httpUrl}/register`, metadata);
  if (answer.status !== 201) throw new Error(`registration failed: ${answer.text}`);
  return answer.body as RegisteredTestClient;
}

export function basic(clientId: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export interface TestKeyPair {
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function ecKey(kid = 'k1'): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' } };
}

export async function signJwt(claims: Record<string, unknown>, alg: string, key: KeyObject | string, header: Record<string, unknown> = {}): Promise<string> {
  const signingKey = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(signingKey);
}

export function assertionClaims(clientId: string, aud: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: clientId, sub: clientId, aud, jti: randomUUID(), iat: now, exp: now + 60, ...overrides };
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The trace the server recorded for an answer (by the X-Lab-Trace-Id header). */
export function traceOf(server: RunningLabServer, answer: HttpAnswer): Trace {
  const id = answer.headers['x-lab-trace-id'];
  const trace = typeof id === 'string' ? server.context.traces.get(id) : undefined;
  if (trace === undefined) throw new Error(`no trace for this answer (status ${answer.status})`);
  return trace;
}

export function failedCheck(trace: Trace): { name: string; detail: string; spec?: string } | undefined {
  return trace.checks.find((c) => !c.passed);
}

/** A stand-in for the `tslab` module a cell imports: it records what the cell would show, as [type, data]. */
export function recordingTslab(): { shown: [string, string][]; tslab: { display: { raw(type: string, data: string): void } } } {
  const shown: [string, string][] = [];
  return { shown, tslab: { display: { raw: (type, data) => { shown.push([type, data]); } } } };
}

/** A client_credentials token request authenticated with client_secret_basic (RFC 6749 §2.3.1), from a notebook's lab. */
export function clientSecretBasicToken(lab: Lab, clientId: string, secret: string): Promise<LabResponse> {
  return lab.request(lab.urls.token, {
    form: { grant_type: 'client_credentials' },
    headers: { authorization: encodeClientSecretBasic(clientId, secret) },
  });
}
