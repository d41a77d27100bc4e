/**
 * `npm run bench`: the token endpoint of the lab server against node-oidc-provider, side by side in
 * one run, plus the local limit, the grader and the notebooks. Prints a table and writes
 * bench/results/latest.json (git-ignored) with the machine's description, so two runs can be compared.
 *
 * Environment:
 *   BENCH_CONCURRENCY   connections of the load generator (default 32)
 *   BENCH_DURATION      seconds measured per server, case and round (default 6)
 *   BENCH_ROUNDS        rounds per case, the servers taking turns, medians reported (default 3)
 *   BENCH_WARMUP        seconds of warm-up before each measurement (default 2)
 *   BENCH_CASES         comma list of private_key_jwt,client_secret_basic,tls_client_auth,workshop (default all);
 *                       BENCH_CASES=workshop runs only the room of students (with BENCH_PEER=0 BENCH_LIMIT=0
 *                       BENCH_GRADER=0 BENCH_NOTEBOOKS=0 to skip the rest)
 *   BENCH_STUDENTS      students in the workshop case (default 200), BENCH_STUDENT_REQUESTS token requests each (default 50);
 *                       the case runs on one process, then on two processes sharing a throwaway PostgreSQL
 *                       (Debian's postgresql; BENCH_POSTGRES=0 skips that)
 *   BENCH_PEER=0        skip oidc-provider       BENCH_LIMIT=0      skip the local limit
 *   BENCH_GRADER=0      skip the grader timings  BENCH_NOTEBOOKS=0  skip the notebook timings
 *   BENCH_APP=0         skip the built-in notebook app (npm start → index, Run all of 03 vs nbclient, check in the app);
 *   BENCH_APP_ROUNDS=N  rounds of 03 in nbclient and in the app, alternating (default 3; medians compared);
 *                       BENCH_APP=check measures only the check in the app (POST /api/exercises/:id/check, first and warm)
 *   BENCH_CHECK_ID      exercise for `authlab check` (default: the course's first)
 *   BENCH_LAB_ARGS      extra arguments for `authlab server` (e.g. "--traces off")
 *   BENCH_CPU_PROF=DIR  run the lab server with node --cpu-prof, profiles written to DIR
 */
import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openLabCertificateAuthority } from '@client-auth-lab/lab-server';
import { runLoad, type LoadResult, type RequestSpec } from './load.js';
import { startProcess, type RunningProcess } from './servers.js';
import { findPostgresBin, startBenchPostgres, type BenchPostgres } from './postgres.js';
import { runWorkshop, type WorkshopResult } from './workshop.js';
import { appTimings, type AppTimed } from './app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const authlab = join(root, 'bin', 'authlab.js');

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return n;
}
const enabled = (name: string): boolean => !['0', 'false', 'no'].includes((process.env[name] ?? '').toLowerCase());

const CONCURRENCY = envNumber('BENCH_CONCURRENCY', 32);
const DURATION_MS = envNumber('BENCH_DURATION', 6) * 1000;
const ROUNDS = Math.round(envNumber('BENCH_ROUNDS', 3));
const WARMUP_MS = envNumber('BENCH_WARMUP', 2) * 1000;
const ALL_CASES = ['private_key_jwt', 'client_secret_basic', 'tls_client_auth'] as const;
type CaseName = (typeof ALL_CASES)[number];
const CASES: CaseName[] = (process.env.BENCH_CASES ?? ALL_CASES.join(','))
  .split(',').map((c) => c.trim()).filter((c): c is CaseName => (ALL_CASES as readonly string[]).includes(c));
const WORKSHOP = (process.env.BENCH_CASES ?? 'workshop').split(',').map((c) => c.trim()).includes('workshop');
const LAB_ARGS = (process.env.BENCH_LAB_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
const CPU_PROF = process.env.BENCH_CPU_PROF;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// The clients, registered identically on both servers.

const CLIENT_SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const MTLS_SUBJECT = 'CN=bench-mtls,O=client-auth-lab bench';
const KID = 'bench-es256';

interface Fixtures {
  dir: string;
  clientKey: KeyObject;
  publicJwk: Record<string, unknown>;
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

async function makeFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(join(os.tmpdir(), 'authlab-bench-'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' };
  // The lab CA lives in a data directory, so that the lab (--data), the peer and the load generator
  // share it: the lab trusts it for tls_client_auth, the peer is given it as its `ca`.
  const labData = join(dir, 'lab-data');
  const ca = await openLabCertificateAuthority(labData);
  const server = await ca.serverCertificate(['localhost', '127.0.0.1', '::1']);
  const client = await ca.issueClientCertificate({ subject: '/O=client-auth-lab bench/CN=bench-mtls', days: 2 });
  if (client.subject.replace(/\s*,\s*/g, ',') !== MTLS_SUBJECT) log(`note: the client certificate's subject is '${client.subject}', registered as '${MTLS_SUBJECT}'`);
  return {
    dir, clientKey: privateKey, publicJwk, caPem: ca.certificatePem, serverCertPem: server.certificatePem, serverKeyPem: server.privateKeyPem,
    clientCertPem: client.certificatePem, clientKeyPem: client.privateKeyPem,
  };
}

function clientMetadata(f: Fixtures): Record<string, unknown>[] {
  const common = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
  return [
    { client_id: 'bench-pkjwt', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [f.publicJwk] }, ...common },
    { client_id: 'bench-basic', client_secret: CLIENT_SECRET, token_endpoint_auth_method: 'client_secret_basic', ...common },
    { client_id: 'bench-mtls', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: MTLS_SUBJECT, ...common },
  ];
}

// ---------------------------------------------------------------------------------------------
// Requests. Assertions are signed before the timed part, each with a unique jti (RFC 7523 §3 (7)).

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function makeAssertions(f: Fixtures, audience: string, count: number): string[] {
  const header = b64url({ alg: 'ES256', kid: KID });
  const now = Math.floor(Date.now() / 1000);
  const out: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const payload = b64url({ iss: 'bench-pkjwt', sub: 'bench-pkjwt', aud: audience, jti: randomUUID(), iat: now, exp: now + 240 });
    const input = `${header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key: f.clientKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    out[i] = `${input}.${signature}`;
  }
  return out;
}

function assertionRequest(assertion: string): RequestSpec {
  return {
    headers: FORM,
    body: `grant_type=client_credentials&client_assertion_type=${encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion=${assertion}`,
  };
}

/**
 * A generator over pre-signed assertions. Should the run outlast them (a warm-up slowed by other work
 * on the machine underestimates the rate), fresh ones are signed on demand, in batches, never reusing
 * a jti; that costs the load generator some time, so it is reported.
 */
function assertionFeed(f: Fixtures, audience: string, assertions: string[]): (i: number) => RequestSpec {
  let reported = false;
  return (i) => {
    while (i >= assertions.length) {
      if (!reported) {
        reported = true;
        log(`  note: ${assertions.length} pre-signed assertions were not enough; signing more during the run`);
      }
      assertions.push(...makeAssertions(f, audience, 1_000));
    }
    return assertionRequest(assertions[i] as string);
  };
}

const BASIC_REQUEST: RequestSpec = {
  // RFC 6749 §2.3.1: form-encode client_id and secret, then Base64 of "id:secret".
  headers: { ...FORM, authorization: `Basic ${Buffer.from(`bench-basic:${CLIENT_SECRET}`).toString('base64')}` },
  body: 'grant_type=client_credentials',
};
const MTLS_REQUEST: RequestSpec = { headers: FORM, body: 'grant_type=client_credentials&client_id=bench-mtls' };

// ---------------------------------------------------------------------------------------------
// One case on one server: warm up, pre-generate, measure.

interface CaseResult extends LoadResult {
  server: 'lab' | 'oidc-provider' | 'express-static';
  case: CaseName | 'express-static';
  warmupRps: number;
  /** CPU time the server spent per answered request during the timed part (µs), where /proc tells. */
  serverCpuUs: number | undefined;
  /** Each round's own figures, when the row is the median of several. */
  rounds?: { rps: number; p50: number; p99: number; serverCpuUs: number | undefined }[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * a's req/s over b's: the median of the rounds' own ratios when both ran the same rounds (each round
 * compares two servers that met the same machine), else the ratio of the medians.
 */
function pairedRatio(a: CaseResult, b: CaseResult): number {
  if (a.rounds === undefined || b.rounds === undefined || a.rounds.length !== b.rounds.length) return a.rps / b.rps;
  return median(a.rounds.map((r, i) => r.rps / (b.rounds as { rps: number }[])[i]!.rps));
}

/**
 * One row from several rounds: the median of each figure, so that one round disturbed by other work
 * on the machine moves nothing. Counts (requests, failures) are summed: every answer was checked.
 */
function combineRounds(rounds: readonly CaseResult[]): CaseResult {
  const first = rounds[0] as CaseResult;
  if (rounds.length === 1) return first;
  const cpu = rounds.map((r) => r.serverCpuUs).filter((c): c is number => c !== undefined);
  return {
    ...first,
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    failureSamples: rounds.flatMap((r) => r.failureSamples).slice(0, 3),
    durationMs: rounds.reduce((n, r) => n + r.durationMs, 0),
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    max: Math.max(...rounds.map((r) => r.max)),
    warmupRps: median(rounds.map((r) => r.warmupRps)),
    serverCpuUs: cpu.length === 0 ? undefined : median(cpu),
    rounds: rounds.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99, serverCpuUs: r.serverCpuUs })),
  };
}

async function measure(server: CaseResult['server'], name: CaseResult['case'], target: RunningProcess, f: Fixtures): Promise<CaseResult> {
  const tls = name === 'tls_client_auth';
  const origin = tls ? (target.httpsUrl as string) : target.httpUrl;
  const tokenUrl = `${origin}/token`;
  const tlsOptions = tls ? { tls: { ca: f.caPem, cert: f.clientCertPem, key: f.clientKeyPem } } : {};
  const pkjwt = name === 'private_key_jwt' || name === 'express-static';
  const feed = (count: number): ((i: number) => RequestSpec) => {
    if (pkjwt) return assertionFeed(f, tokenUrl, makeAssertions(f, tokenUrl, count));
    return () => (tls ? MTLS_REQUEST : BASIC_REQUEST);
  };
  // Warm-up: enough assertions for a fast server (they are cheap to sign: ~30k/s).
  const warmup = await runLoad({ origin, path: '/token', concurrency: CONCURRENCY, durationMs: WARMUP_MS, next: feed(Math.ceil((WARMUP_MS / 1000) * 25_000)), ...tlsOptions });
  if (warmup.failures > 0) throw new Error(`${server} ${name}: ${warmup.failures} of ${warmup.requests} warm-up answers were not 200 with an access_token, e.g.\n  ${warmup.failureSamples.join('\n  ')}`);
  // Twice what the warm-up rate needs (at least 4,000/s: a warm-up slowed by other work says too
  // little), plus a margin: never reuse a jti.
  const count = Math.ceil(Math.max(warmup.rps, 4_000) * (DURATION_MS / 1000) * 2 + 5_000);
  const next = feed(count);
  const cpuBefore = target.cpuMs();
  const result = await runLoad({ origin, path: '/token', concurrency: CONCURRENCY, durationMs: DURATION_MS, next, ...tlsOptions });
  const cpuAfter = target.cpuMs();
  const serverCpuUs = cpuBefore === undefined || cpuAfter === undefined || result.requests === 0 ? undefined : ((cpuAfter - cpuBefore) * 1000) / result.requests;
  log(`  ${server.padEnd(14)} ${name.padEnd(20)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  server CPU ${serverCpuUs === undefined ? '?' : serverCpuUs.toFixed(0)} µs/req  non-200: ${result.failures}`);
  return { server, case: name, warmupRps: warmup.rps, serverCpuUs, ...result };
}

async function startLab(f: Fixtures, name: CaseName, clientsFile: string): Promise<RunningProcess> {
  // tls_client_auth needs the lab CA that issued the client certificate, so that case runs the lab
  // with --data (the CA's directory); the others keep the default in-memory store.
  const data = name === 'tls_client_auth' ? ['--data', join(f.dir, 'lab-data')] : [];
  const prof = CPU_PROF === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF, '--cpu-prof-name', `lab-${name}-${Date.now()}.cpuprofile`];
  return startProcess('authlab server', [...prof, authlab, 'server', '--port', '0', '--tls-port', '0', '--clients', clientsFile, ...data, ...LAB_ARGS], { cwd: root, wantHttps: true });
}

function startPeer(configFile: string): Promise<RunningProcess> {
  return startProcess('oidc-provider', ['--no-warnings', join(root, 'bench', 'peer', 'oidc-provider.mjs'), configFile], { cwd: root, wantHttps: true });
}

/** The local limit's HTTP half: express answering the token requests with a static body. */
function startStatic(): Promise<RunningProcess> {
  return startProcess('express static', [join(root, 'bench', 'peer', 'express-static.mjs')], { cwd: root, wantHttps: false });
}

async function withServer<T>(start: () => Promise<RunningProcess>, body: (running: RunningProcess) => Promise<T>): Promise<T> {
  const running = await start();
  try {
    return await body(running);
  } finally {
    await running.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The local limit: ES256 verification alone, and express answering a static body.

function verifyLoop(f: Fixtures, ms: number): { perSecond: number; verified: number } {
  const assertions = makeAssertions(f, 'http://localhost/token', 20_000);
  const key = createPublicKey(f.clientKey); // cached KeyObject
  let verified = 0;
  const started = performance.now();
  let i = 0;
  while (performance.now() - started < ms) {
    const jwt = assertions[i++ % assertions.length] as string;
    const dot = jwt.lastIndexOf('.');
    const signature = Buffer.from(jwt.slice(dot + 1), 'base64url');
    if (!verify('sha256', Buffer.from(jwt.slice(0, dot)), { key, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('the baseline failed to verify an assertion');
    const payload = JSON.parse(Buffer.from(jwt.slice(jwt.indexOf('.') + 1, dot), 'base64url').toString()) as { jti?: unknown };
    if (typeof payload.jti !== 'string') throw new Error('no jti');
    verified += 1;
  }
  return { perSecond: verified / ((performance.now() - started) / 1000), verified };
}

// ---------------------------------------------------------------------------------------------
// Grader and notebooks.

interface Timed {
  name: string;
  ms: number | null;
  status: string;
}

function timeCommand(args: string[], timeoutMs: number): Promise<{ ms: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, output });
    });
  });
}

async function graderTimings(): Promise<Timed[]> {
  const help = spawnSync(process.execPath, [authlab, 'help'], { cwd: root, encoding: 'utf8' });
  const commands = `${help.stdout}${help.stderr}`;
  if (!/\bgrade\b/.test(commands) || !/\bcheck\b/.test(commands)) {
    return [{ name: 'authlab grade --solutions', ms: null, status: 'not available (no grade command in this build)' }, { name: 'authlab check', ms: null, status: 'not available' }];
  }
  // `authlab check` records progress in .lab/progress.json: keep the learner's file as it was.
  const progressFile = join(root, '.lab', 'progress.json');
  const saved = existsSync(progressFile) ? readFileSync(progressFile) : undefined;
  const out: Timed[] = [];
  try {
    const grade = await timeCommand([authlab, 'grade', '--solutions'], 180_000);
    const summary = grade.output.trim().split('\n').filter((l) => /\d+\s*\/\s*\d+|passed|failed/i.test(l)).slice(-1)[0] ?? '';
    out.push({ name: 'authlab grade --solutions', ms: grade.ms, status: grade.code === 0 ? `ok ${summary.trim()}`.trim() : `exit ${grade.code}: ${grade.output.trim().split('\n').slice(-3).join(' | ')}` });
    let id = process.env.BENCH_CHECK_ID;
    if (id === undefined) {
      const grader = (await import('@client-auth-lab/grader')) as typeof import('@client-auth-lab/grader');
      id = grader.loadCourse(root).exercises[0]?.id;
    }
    if (id === undefined) {
      out.push({ name: 'authlab check', ms: null, status: 'not available (the course lists no exercise)' });
    } else {
      // Cold first (imports, type stripping caches), then warm: the second run is what a learner feels.
      const cold = await timeCommand([authlab, 'check', id], 60_000);
      const warm = await timeCommand([authlab, 'check', id], 60_000);
      const verdict = (r: { code: number | null }) => (r.code === 0 ? 'exercise passes' : `exit ${r.code} (the learner's exercise file is not solved yet; the timing still counts)`);
      out.push({ name: `authlab check ${id} (cold)`, ms: cold.ms, status: verdict(cold) });
      out.push({ name: `authlab check ${id} (warm)`, ms: warm.ms, status: verdict(warm) });
    }
  } finally {
    if (saved === undefined) rmSync(progressFile, { force: true });
    else writeFileSync(progressFile, saved);
  }
  return out;
}

async function notebookTimings(): Promise<Timed[]> {
  const python = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
  if (probe.status !== 0) return [{ name: 'notebooks', ms: null, status: `not available: ${python} cannot import nbclient (Jupyter not installed)` }];
  const launcher = (await import(pathToFileURL(join(root, 'cli', 'dist', 'launcher.js')).href)) as typeof import('../cli/dist/launcher.js');
  const jupyterPath = launcher.registerKernel(root);
  const driver = join(root, 'test', 'notebooks', 'execute_notebook.py');
  const outDir = mkdtempSync(join(os.tmpdir(), 'authlab-bench-nb-'));
  const notebooksDir = join(root, 'notebooks');
  const { readdirSync } = await import('node:fs');
  const out: Timed[] = [];
  try {
    for (const file of readdirSync(notebooksDir).filter((n) => n.endsWith('.ipynb')).sort()) {
      const started = performance.now();
      const run = spawnSync(python, [driver, join(notebooksDir, file), '--output', join(outDir, file), '--timeout', '120'], {
        cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: join(root, '.lab', 'jupyter', 'runtime'), PYTHONUNBUFFERED: '1' },
      });
      const ms = performance.now() - started;
      const last = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').find((l) => /^(PASS|FAIL)/.test(l)) ?? '';
      out.push({ name: file, ms, status: run.status === 0 ? 'ok' : `exit ${run.status}${last === '' ? '' : `: ${last.slice(0, 100)}`}` });
      log(`  notebook ${file}: ${(ms / 1000).toFixed(1)} s ${run.status === 0 ? '' : `(exit ${run.status})`}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const pkg = (name: string): string | undefined => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return undefined;
    }
  };
  return {
    node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, hostname: os.hostname(), commit: git.status === 0 ? git.stdout.trim() : undefined,
    versions: { 'oidc-provider': pkg('oidc-provider'), undici: pkg('undici'), express: pkg('express') },
  };
}

const fmt = (n: number | null | undefined, digits = 0): string => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

async function main(): Promise<number> {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  log(`client-auth-lab bench: concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per case after ${WARMUP_MS / 1000} s warm-up, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const f = await makeFixtures();
  const clients = clientMetadata(f);
  const clientsFile = join(f.dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify(clients, null, 2));
  const peerConfig = join(f.dir, 'peer.json');
  writeFileSync(peerConfig, JSON.stringify({
    // oidc-provider takes client metadata as is; client_secret only for the secret client.
    clients: clients.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'token_endpoint_auth_signing_alg'))),
    caPem: f.caPem, serverCertPem: f.serverCertPem, serverKeyPem: f.serverKeyPem,
  }));
  if (CPU_PROF !== undefined) mkdirSync(CPU_PROF, { recursive: true });

  const results: CaseResult[] = [];
  let staticResult: CaseResult | undefined;
  const errors: string[] = [];
  try {
    for (const name of CASES) {
      log(`case ${name}`);
      // The local limit's HTTP half (express answering the same bodies statically) is measured in the
      // private_key_jwt rounds, between the lab and the peer, so that all three meet the same machine:
      // on a shared host the speed drifts between minutes more than between servers.
      const withStatic = name === 'private_key_jwt' && enabled('BENCH_LIMIT');
      const servers: CaseResult['server'][] = ['lab', ...(enabled('BENCH_PEER') ? ['oidc-provider' as const] : []), ...(withStatic ? ['express-static' as const] : [])];
      const rounds = new Map<string, CaseResult[]>();
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate who goes first, so that none always meets a machine warmed up by another.
        const order = [...servers.slice(round % servers.length), ...servers.slice(0, round % servers.length)];
        if (ROUNDS > 1) log(` round ${round + 1} of ${ROUNDS}`);
        for (const server of order) {
          try {
            const start = (): Promise<RunningProcess> => (server === 'lab' ? startLab(f, name, clientsFile) : server === 'oidc-provider' ? startPeer(peerConfig) : startStatic());
            const r = await withServer(start, (running) => measure(server, server === 'express-static' ? 'express-static' : name, running, f));
            rounds.set(server, [...(rounds.get(server) ?? []), r]);
          } catch (error) {
            errors.push(`${server} ${name} (round ${round + 1}): ${(error as Error).message}`);
            log(`  FAILED ${server} ${name}: ${(error as Error).message}`);
          }
        }
      }
      for (const server of servers) {
        const measured = rounds.get(server);
        if (measured === undefined) continue;
        const r = combineRounds(measured);
        if (server === 'express-static') staticResult = r;
        else results.push(r);
        if (r.failures > 0) {
          errors.push(`${server} ${name}: ${r.failures} of ${r.requests} answers were not 200 with an access_token, e.g. ${r.failureSamples.join(' | ')}`);
          log(`  FAILED ${server} ${name}: ${r.failures} answers were not tokens`);
        }
      }
    }

    let limit: { verifyPerSecond: number; expressRps: number; express?: CaseResult } | undefined;
    if (enabled('BENCH_LIMIT')) {
      log('local limit');
      const v = verifyLoop(f, 3_000);
      log(`  ES256 verify loop (node:crypto, cached KeyObject): ${v.perSecond.toFixed(0)}/s`);
      if (staticResult === undefined && !CASES.includes('private_key_jwt')) {
        // Without the private_key_jwt case there were no shared rounds: measure the static server alone.
        const staticRounds: CaseResult[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          staticRounds.push(await withServer(startStatic, (running) => measure('express-static', 'express-static', running, f)));
        }
        staticResult = combineRounds(staticRounds);
      }
      if (staticResult !== undefined) limit = { verifyPerSecond: v.perSecond, expressRps: staticResult.rps, express: staticResult };
      else errors.push('express static: not measured');
    }

    const workshops: WorkshopResult[] = [];
    let postgresRssMiB: number | undefined;
    if (WORKSHOP) {
      const room = { root, authlab, students: Math.round(envNumber('BENCH_STUDENTS', 200)), requestsPerStudent: Math.round(envNumber('BENCH_STUDENT_REQUESTS', 50)) };
      log('case workshop (one process)');
      try {
        workshops.push(await runWorkshop(room));
      } catch (error) {
        errors.push(`workshop: ${(error as Error).message}`);
      }
      const bin = enabled('BENCH_POSTGRES') ? findPostgresBin() : undefined;
      if (bin === undefined) {
        log('case workshop (two processes on PostgreSQL): skipped, no PostgreSQL (apt-get install postgresql) or BENCH_POSTGRES=0');
      } else {
        log('case workshop (two processes on PostgreSQL)');
        let cluster: BenchPostgres | undefined;
        try {
          cluster = await startBenchPostgres(bin);
          const database = cluster;
          workshops.push(await runWorkshop({ ...room, storeUrl: cluster.url, onDone: () => { postgresRssMiB = database.rssMiB(); } }));
        } catch (error) {
          errors.push(`workshop on PostgreSQL: ${(error as Error).message}`);
        } finally {
          await cluster?.destroy();
        }
      }
    }

    const grader = enabled('BENCH_GRADER') ? (log('grader'), await graderTimings()) : [];
    const notebooks = enabled('BENCH_NOTEBOOKS') ? (log('notebooks'), await notebookTimings()) : [];
    let appRows: AppTimed[] = [];
    if (enabled('BENCH_APP')) {
      log('app');
      const launcher = (await import(pathToFileURL(join(root, 'cli', 'dist', 'launcher.js')).href)) as typeof import('../cli/dist/launcher.js');
      const grader = (await import('@client-auth-lab/grader')) as typeof import('@client-auth-lab/grader');
      appRows = await appTimings(root, launcher.registerKernel, process.env.BENCH_CHECK_ID ?? grader.loadCourse(root).exercises[0]?.id, log);
    }
    const loadAfter = os.loadavg();

    // ------------------------------------------------------------------ the table
    const row = (server: string, name: string): CaseResult | undefined => results.find((r) => r.server === server && r.case === name);
    const lines: string[] = [];
    lines.push(`Token endpoint, client_credentials — concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per server and round, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} (medians; the servers take turns), loopback, ${os.cpus().length} cores shared with the load generator`);
    lines.push('');
    lines.push('| case | server | req/s | rounds req/s | p50 ms | p99 ms | server CPU µs/req | non-200 | lab/peer req/s (median of rounds) | p99 lab ≤ peer |');
    lines.push('| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | :---: |');
    const targets: { name: string; holds: boolean | undefined; detail: string }[] = [];
    for (const name of CASES) {
      const lab = row('lab', name);
      const peer = row('oidc-provider', name);
      const ratio = lab !== undefined && peer !== undefined ? pairedRatio(lab, peer) : undefined;
      const p99ok = lab !== undefined && peer !== undefined ? lab.p99 <= peer.p99 : undefined;
      for (const r of [lab, peer]) {
        if (r === undefined) continue;
        const spread = r.rounds === undefined ? '' : r.rounds.map((x) => fmt(x.rps)).join(', ');
        lines.push(`| ${name} | ${r.server} | ${fmt(r.rps)} | ${spread} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.serverCpuUs)} | ${r.failures} | ${r === lab ? fmt(ratio, 2) : ''} | ${r === lab ? (p99ok === undefined ? '—' : p99ok ? 'yes' : 'no') : ''} |`);
      }
      if (name !== 'tls_client_auth') {
        targets.push({ name: `${name}: lab ≥ oidc-provider req/s, p99 no worse`, holds: ratio === undefined ? undefined : ratio >= 1 && p99ok === true, detail: `ratio ${fmt(ratio, 2)}, p99 ${fmt(lab?.p99, 2)} vs ${fmt(peer?.p99, 2)} ms` });
      }
      // The two speeds the lab promises against its peer: private_key_jwt, and tls_client_auth on the
      // file store (--data), each at least 1.5× node-oidc-provider in the same run.
      if (name === 'private_key_jwt' || name === 'tls_client_auth') {
        const store = name === 'tls_client_auth' ? ' (lab on --data)' : '';
        targets.push({ name: `${name}${store}: lab ≥ 1.5× oidc-provider req/s`, holds: ratio === undefined ? undefined : ratio >= 1.5, detail: `ratio ${fmt(ratio, 2)}` });
      }
    }
    if (limit !== undefined) {
      const slower = Math.min(limit.verifyPerSecond, limit.expressRps);
      const lab = row('lab', 'private_key_jwt');
      // Against the static server, round by round (both ran minutes apart at most); against the verify
      // loop, when that is the slower, the medians.
      const fraction = lab === undefined ? undefined
        : limit.express !== undefined && limit.expressRps <= limit.verifyPerSecond ? pairedRatio(lab, limit.express) : lab.rps / slower;
      lines.push('');
      lines.push('| local limit | per second |');
      lines.push('| --- | ---: |');
      lines.push(`| ES256 verify only (node:crypto, cached KeyObject, no HTTP) | ${fmt(limit.verifyPerSecond)} |`);
      lines.push(`| express 5 static JSON to the same form bodies (no crypto), p99 ${fmt(limit.express?.p99, 2)} ms | ${fmt(limit.expressRps)} |`);
      lines.push(`| lab private_key_jwt as a fraction of the slower (median of the rounds' own fractions) | ${fraction === undefined ? '—' : `${(fraction * 100).toFixed(0)} %`} |`);
      targets.push({ name: 'lab private_key_jwt ≥ 70 % of the local limit', holds: fraction === undefined ? undefined : fraction >= 0.7, detail: fraction === undefined ? '' : `${(fraction * 100).toFixed(0)} % of ${fmt(slower)}/s` });
    }
    const first = workshops[0];
    if (first !== undefined) {
      lines.push('');
      lines.push(`Workshop: ${first.students} students on one shared server (--registration-token, --traces self), each registering, sending ${first.requestsPerStudent} token requests (a quarter refused on purpose) and reading its own traces; on two processes every request goes to the next process in turn`);
      lines.push('');
      lines.push('| processes | store | requests | 5xx | unexpected answers | isolation failures | p50 ms | p99 ms | wall s | server RSS MiB (each) |');
      lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const w of workshops) {
        const each = w.serverRssEachMiB.length > 1 ? ` (${w.serverRssEachMiB.map((r) => fmt(r)).join(' + ')})` : '';
        lines.push(`| ${w.processes} | ${w.store} | ${w.requests} | ${w.serverErrors} | ${w.unexpected} | ${w.isolationFailures} | ${fmt(w.p50, 2)} | ${fmt(w.p99, 2)} | ${fmt(w.wallSeconds, 1)} | ${fmt(w.serverRssMiB)}${each} |`);
        for (const sample of w.failureSamples) lines.push(`  failure: ${sample}`);
        targets.push({
          name: `workshop (${w.processes === 1 ? 'one process' : `${w.processes} processes on ${w.store}`}): every student sees exactly its own traces, zero 5xx`,
          holds: w.serverErrors === 0 && w.isolationFailures === 0 && w.unexpected === 0,
          detail: `${w.serverErrors} 5xx, ${w.isolationFailures} isolation failures, ${w.unexpected} unexpected`,
        });
      }
      if (postgresRssMiB !== undefined) lines.push(`PostgreSQL's processes after the run: ${fmt(postgresRssMiB)} MiB RSS added up (shared buffers counted in each)`);
    }
    if (grader.length > 0) {
      lines.push('');
      lines.push('| grader | wall s | status |');
      lines.push('| --- | ---: | --- |');
      for (const g of grader) lines.push(`| ${g.name} | ${fmt(g.ms === null ? null : g.ms / 1000, 2)} | ${g.status} |`);
      const gradeAll = grader.find((g) => g.name.startsWith('authlab grade'));
      const warm = grader.find((g) => g.name.endsWith('(warm)'));
      targets.push({ name: 'authlab grade --solutions < 30 s', holds: gradeAll?.ms == null ? undefined : gradeAll.ms < 30_000 && gradeAll.status.startsWith('ok'), detail: `${fmt(gradeAll?.ms == null ? null : gradeAll.ms / 1000, 1)} s` });
      targets.push({ name: 'authlab check (warm) < 3 s', holds: warm?.ms == null ? undefined : warm.ms < 3_000, detail: `${fmt(warm?.ms == null ? null : warm.ms / 1000, 2)} s` });
    }
    if (notebooks.length > 0) {
      lines.push('');
      lines.push('| notebook (tslab kernel) | wall s | status |');
      lines.push('| --- | ---: | --- |');
      for (const n of notebooks) lines.push(`| ${n.name} | ${fmt(n.ms === null ? null : n.ms / 1000, 1)} | ${n.status} |`);
    }
    if (appRows.length > 0) {
      lines.push('');
      lines.push('| built-in notebook app | wall s | status |');
      lines.push('| --- | ---: | --- |');
      for (const a of appRows) lines.push(`| ${a.name} | ${fmt(a.ms === null ? null : a.ms / 1000, 2)} | ${a.status} |`);
      const index = appRows.find((a) => a.name.includes('index answering (warm)'));
      const app03 = appRows.find((a) => a.name.includes('kernel start + Run all'));
      const nb03 = appRows.find((a) => a.name.includes('nbclient'));
      const check = appRows.find((a) => a.name.includes('from the app (warm'));
      targets.push({ name: 'npm start → index answering (warm) < 3 s', holds: index?.ms == null ? undefined : index.ms < 3_000, detail: `${fmt(index?.ms == null ? null : index.ms / 1000, 2)} s` });
      const ratio = app03?.ms == null || nb03?.ms == null ? undefined : app03.ms / nb03.ms;
      targets.push({ name: 'Run all of 03 in the app ≤ 1.2× nbclient (medians)', holds: ratio === undefined ? undefined : ratio <= 1.2, detail: `${fmt(ratio, 2)}× (${fmt(app03?.ms == null ? null : app03.ms / 1000, 1)} s vs ${fmt(nb03?.ms == null ? null : nb03.ms / 1000, 1)} s)` });
      targets.push({ name: 'check (warm, in the app) < 1 s', holds: check?.ms == null ? undefined : check.ms < 1_000, detail: `${fmt(check?.ms == null ? null : check.ms / 1000, 2)} s` });
    }
    lines.push('');
    lines.push('| target | holds | measured |');
    lines.push('| --- | :---: | --- |');
    for (const t of targets) lines.push(`| ${t.name} | ${t.holds === undefined ? 'not measured' : t.holds ? 'yes' : 'NO'} | ${t.detail} |`);
    lines.push('');
    lines.push(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`);
    for (const e of errors) lines.push(`ERROR ${e}`);
    process.stdout.write(`${lines.join('\n')}\n`);

    const resultsDir = join(root, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const json = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      settings: { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS, rounds: ROUNDS, cases: CASES, labArgs: LAB_ARGS },
      token: results.map(({ failureSamples, ...r }) => ({ ...r, ...(failureSamples.length > 0 ? { failureSamples } : {}) })),
      limit,
      workshops,
      postgresRssMiB,
      grader,
      notebooks,
      app: appRows,
      targets,
      errors,
    };
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    log(`wrote ${join(resultsDir, 'latest.json')}`);
    const workshopFailed = workshops.some((w) => w.serverErrors > 0 || w.isolationFailures > 0 || w.unexpected > 0);
    return errors.length > 0 || workshopFailed || results.some((r) => r.failures > 0) ? 1 : 0;
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
