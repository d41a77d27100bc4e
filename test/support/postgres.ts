// A throwaway PostgreSQL cluster for tests: Debian's postgresql binaries, a data directory and unix
// socket under a temp directory, a free TCP port on 127.0.0.1, trust authentication for `postgres`.
// Run as the `postgres` OS user when the tests run as root (initdb and postgres refuse root).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { findNginx } from '@client-auth-lab/lab-server';

const run = promisify(execFile);

/** The bin directory of the newest Debian postgresql installed, if any. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

/**
 * Why PostgreSQL tests cannot run here, or undefined when they can. Under CI the binaries must be
 * there (.ci/run installs them): a missing PostgreSQL fails instead of skipping.
 */
export function postgresUnavailableReason(): string | undefined {
  if (findPostgresBin() !== undefined) return undefined;
  const reason = 'PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): apt-get install postgresql';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason}; CI must run the PostgreSQL tests`);
  return reason;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  directory: string;
  /** Starts the cluster again after stop(), on the same port. */
  start(): Promise<void>;
  /** Stops the cluster (fast shutdown: sessions are ended, as when a database server goes down). */
  stop(): Promise<void>;
  /** A fresh database in the cluster, for a test that needs its own. */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster and removes its directory. */
  destroy(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const directory = await mkdtemp(join(tmpdir(), 'authlab-pg-'));
  const data = join(directory, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(directory, Number(stdout.trim()), Number(gid.trim()));
  }
  // As root, every command runs as the postgres OS user; otherwise as ourselves.
  const pgRun = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args));
  await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100`;
  const start = async (): Promise<void> => {
    await pgRun('pg_ctl', ['-D', data, '-l', join(directory, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const stop = async (): Promise<void> => {
    await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  await start();
  let running = true;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    directory,
    async start() {
      await start();
      running = true;
    },
    async stop() {
      await stop();
      running = false;
    },
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`database name '${name}' is not a plain identifier`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async destroy() {
      if (running) await stop().catch(() => {});
      running = false;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  /** The plain HTTP listener, e.g. http://localhost:40123. */
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Ends the process (SIGKILL unless told otherwise) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const authlab = fileURLToPath(new URL('../../bin/authlab.js', import.meta.url));

/** `authlab server` as a child process on free ports, resolved once it prints its listener. */
export function startServerProcess(args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [authlab, 'server', '--port', '0', '--tls-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.on('data', (d: Buffer) => { err += d.toString('utf8'); });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`authlab server did not start within 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const match = /^http {2}(http:\/\/\S+)/m.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string, stderr: () => err, kill });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`authlab server exited (${code ?? signal}) before listening:\n${out}\n${err}`));
    });
  });
}

/** examples/nginx/two-processes.conf, made runnable in a temp directory in front of `servers`, on a free port. */
export async function startTwoProcessNginx(servers: readonly ServerProcess[]): Promise<{ url: string; stop(): Promise<void> }> {
  const binary = findNginx();
  if (binary === undefined) throw new Error('nginx is not installed (apt-get install nginx)');
  const template = await readFile(fileURLToPath(new URL('../../examples/nginx/two-processes.conf', import.meta.url)), 'utf8');
  const directory = await mkdtemp(join(tmpdir(), 'authlab-nginx-two-'));
  const port = await freePort();
  const once = (text: string, pattern: RegExp, replacement: string): string => {
    if ((text.match(new RegExp(pattern.source, 'gm')) ?? []).length !== 1) throw new Error(`examples/nginx/two-processes.conf changed: expected one line matching ${pattern}`);
    return text.replace(new RegExp(pattern.source, 'm'), replacement);
  };
  const upstreams = servers.map((s) => `        server 127.0.0.1:${new URL(s.url).port};`).join('\n');
  let text = template;
  text = once(text, /^worker_processes .*;$/, `daemon off;\n${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;`);
  text = once(text, /^error_log .*;$/, `error_log ${join(directory, 'error.log')} warn;`);
  text = once(text, /^pid .*;$/, `pid ${join(directory, 'nginx.pid')};`);
  text = once(text, /^    access_log .*;$/, `    access_log off;\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `    ${n}_temp_path ${join(directory, n)};`).join('\n')}`);
  text = once(text, /^        server 127\.0\.0\.1:4001;\n        server 127\.0\.0\.1:4002;$/, upstreams);
  text = once(text, /^        listen 8080;$/, `        listen 127.0.0.1:${port};`);
  const configuration = join(directory, 'nginx.conf');
  await writeFile(configuration, text);
  const child = spawn(binary, ['-p', directory, '-c', configuration], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    await exited;
    await rm(directory, { recursive: true, force: true });
  };
  // Ready once it accepts connections (bounded: 100 tries).
  for (let attempt = 0; attempt < 100 && child.exitCode === null; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return { url: `http://127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`nginx did not start: ${stderr}`);
}
