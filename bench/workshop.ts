/**
 * The `workshop` case: a room of students on one shared server (--registration-token, --traces self).
 * Each student registers with the initial access token, sends mixed token requests (a quarter with a
 * wrong secret, refused on purpose), then reads its own traces: it must see exactly its own requests,
 * and a neighbour's trace must stay hidden. Reported: 5xx count, p50/p99 latency, the server's memory.
 * Run for one process, and for two processes on one PostgreSQL database taking requests in turn.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startProcess } from './servers.js';

export interface WorkshopResult {
  processes: number;
  store: 'memory' | 'postgres';
  students: number;
  requestsPerStudent: number;
  requests: number;
  serverErrors: number;
  unexpected: number;
  isolationFailures: number;
  p50: number;
  p99: number;
  wallSeconds: number;
  /** The RSS of all the server processes together. */
  serverRssMiB: number | undefined;
  serverRssEachMiB: (number | undefined)[];
  failureSamples: string[];
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;
}

export interface WorkshopOptions {
  root: string;
  authlab: string;
  students: number;
  requestsPerStudent: number;
  /**
   * A PostgreSQL database: two processes share it (`--store`, one issuer), and every request goes
   * to the next process in turn, as a round-robin load balancer would send it.
   */
  storeUrl?: string;
  /** Called after the room has finished, before the servers stop (to read the database's memory). */
  onDone?: () => void;
}

export async function runWorkshop(options: WorkshopOptions): Promise<WorkshopResult> {
  const registrationToken = 'bench-room-token';
  const instructorToken = 'bench-instructor-token';
  const shared = options.storeUrl === undefined ? [] : ['--store', options.storeUrl, '--issuer', 'http://workshop.bench.invalid'];
  const start = (n: number) => startProcess(`authlab server (workshop${options.storeUrl === undefined ? '' : `, process ${n + 1} on PostgreSQL`})`, [
    options.authlab, 'server', '--port', '0', '--tls-port', '0', '--registration-token', registrationToken, '--traces', 'self', '--instructor-token', instructorToken, ...shared,
  ], { cwd: options.root, wantHttps: true });
  const servers = [];
  try {
    for (let n = 0; n < (options.storeUrl === undefined ? 1 : 2); n++) servers.push(await start(n));
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  let turn = 0;
  const bases = servers.map((s) => s.httpUrl);
  /** The next process's URL (the only one with a single process). */
  const next = (): string => bases[turn++ % bases.length] as string;
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  let serverErrors = 0;
  let unexpected = 0;
  let isolationFailures = 0;
  const note = (what: string): void => {
    if (failureSamples.length < 10) failureSamples.push(what);
  };
  const timed = async (url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> => {
    const started = performance.now();
    const answer = await call(url, method, headers, body);
    latencies.push(performance.now() - started);
    if (answer.status >= 500) {
      serverErrors += 1;
      note(`${method} ${url} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer;
  };
  const started = performance.now();
  try {
    const students = await Promise.all(Array.from({ length: options.students }, async (_, i) => {
      const registered = await timed(`${next()}/register`, 'POST', { 'content-type': 'application/json', authorization: `Bearer ${registrationToken}` }, JSON.stringify({
        client_name: `student ${i}`, token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'],
      }));
      if (registered.status !== 201) {
        unexpected += 1;
        note(`register → ${registered.status} ${JSON.stringify(registered.body)}`);
        return undefined;
      }
      const { client_id: clientId, client_secret: secret, registration_access_token: rat } = registered.body as Record<string, string>;
      const traceIds: string[] = [];
      for (let n = 0; n < options.requestsPerStudent; n++) {
        // A quarter fail on purpose: a wrong secret, refused with invalid_client.
        const wrong = n % 4 === 3;
        const answer = await timed(`${next()}/token`, 'POST', { 'content-type': 'application/x-www-form-urlencoded' },
          new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId as string, client_secret: wrong ? 'not-the-secret' : secret as string }).toString());
        // RFC 6749 §5.2: invalid_client is 401 only with a challenge to answer (Basic); credentials in the body get 400.
        const expected = wrong ? (answer.status === 400 || answer.status === 401) && answer.body?.error === 'invalid_client' : answer.status === 200;
        if (!expected) {
          unexpected += 1;
          note(`token (${wrong ? 'wrong' : 'right'} secret) → ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
      return { clientId: clientId as string, rat: rat as string, traceIds };
    }));
    // Each student reads its own traces: exactly its registration and its token requests, nobody else's.
    for (const student of students) {
      if (student === undefined) continue;
      const own = await timed(`${next()}/lab/traces?limit=1000`, 'GET', { authorization: `Bearer ${student.rat}` });
      const traces = (own.body?.traces ?? []) as { id: string; clientId?: string }[];
      const foreign = traces.filter((t) => t.clientId !== student.clientId);
      if (own.status !== 200 || traces.length !== options.requestsPerStudent + 1 || foreign.length > 0) {
        isolationFailures += 1;
        note(`${student.clientId}: ${own.status}, ${traces.length} traces, ${foreign.length} foreign`);
      }
      student.traceIds.push(...traces.map((t) => t.id));
    }
    // And a neighbour's trace, asked for by id, is not found.
    for (let i = 0; i < students.length; i++) {
      const me = students[i];
      const neighbour = students[(i + 1) % students.length];
      const theirs = neighbour?.traceIds[0];
      if (me === undefined || theirs === undefined || me === neighbour) continue;
      const peek = await timed(`${next()}/lab/traces/${theirs}`, 'GET', { authorization: `Bearer ${me.rat}` });
      if (peek.status !== 404) {
        isolationFailures += 1;
        note(`${me.clientId} read a neighbour's trace: ${peek.status}`);
      }
    }
    const wallSeconds = (performance.now() - started) / 1000;
    options.onDone?.();
    const each = servers.map((server) => rssMiB(server.child.pid));
    const serverRssMiB = each.some((r) => r === undefined) ? undefined : each.reduce((sum: number, r) => sum + (r as number), 0);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      processes: servers.length,
      store: options.storeUrl === undefined ? 'memory' : 'postgres',
      serverRssEachMiB: each,
      students: options.students,
      requestsPerStudent: options.requestsPerStudent,
      requests: latencies.length,
      serverErrors,
      unexpected,
      isolationFailures,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      wallSeconds,
      serverRssMiB,
      failureSamples,
    };
  } finally {
    agent.destroy();
    await Promise.all(servers.map((server) => server.stop()));
  }
}
