// `authlab start --ui builtin` as a process, as a user runs it: the app answers on 127.0.0.1 only
// unless --host says otherwise, and Ctrl-C ends everything it started, the warm grader's vitest
// process and workers included. The check it runs grades this checkout's exercises/ (the progress
// file is put back).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const project = fileURLToPath(new URL('../../', import.meta.url));
const progressFile = join(project, '.lab', 'progress.json');
/** The machine's first non-loopback IPv4 address, if it has one. */
const outside = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address;

interface Started { child: ChildProcess; port: number; data: string; output: () => string }

async function startApp(extra: string[]): Promise<Started> {
  const data = mkdtempSync(join(tmpdir(), 'authlab-start-test-'));
  const child = spawn(process.execPath, [join(project, 'bin', 'authlab.js'), 'start', '--ui', 'builtin', '--ui-port', '0', '--no-browser', '--port', '0', '--tls-port', '0', '--data', data, ...extra], {
    cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: 'none' },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((found, fail) => {
    const timer = setTimeout(() => fail(new Error(`no Notebooks URL after 60 s: ${out.slice(-600)}`)), 60_000);
    const look = () => {
      const match = /Notebooks +http:\/\/[^:/]+:(\d+)\//.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      found(Number(match[1]));
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => fail(new Error(`authlab start exited with ${code}: ${out.slice(-600)}`)));
  });
  return { child, port, data, output: () => out };
}

async function stopApp(app: Started | undefined): Promise<void> {
  if (app === undefined) return;
  if (app.child.exitCode === null && app.child.signalCode === null) {
    const exited = new Promise((done) => app.child.once('exit', done));
    app.child.kill('SIGINT');
    await exited;
  }
  rmSync(app.data, { recursive: true, force: true });
}

/** Whether a TCP connection to host:port is accepted ('open') or refused ('refused'). */
function tryConnect(host: string, port: number): Promise<'open' | 'refused' | string> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      done('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      done('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : String(error.code)));
  });
}

/** Every process below `pid` (its children, theirs, …), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** A process that still runs (a zombie waiting to be reaped does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

let savedProgress: Buffer | undefined;
beforeAll(() => {
  savedProgress = existsSync(progressFile) ? readFileSync(progressFile) : undefined;
});
afterAll(() => {
  if (savedProgress === undefined) rmSync(progressFile, { force: true });
  else writeFileSync(progressFile, savedProgress);
});

describe('authlab start --ui builtin', () => {
  let app: Started | undefined;
  afterAll(() => stopApp(app));

  it.skipIf(outside === undefined)(`refuses a connection to the machine's non-loopback address (${outside}) by default, because the app runs code`, async () => {
    app = await startApp([]);
    expect(await tryConnect('127.0.0.1', app.port)).toBe('open');
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(200);
    expect(await tryConnect(outside as string, app.port)).toBe('refused');
  }, 90_000);

  it('ends every process it started on Ctrl-C, the warm grader\'s vitest process and its workers included', async () => {
    app ??= await startApp([]);
    const answer = await fetch(`http://127.0.0.1:${app.port}/api/exercises/02-basic-header/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status, app.output().slice(-600)).toBe(200);
    expect(((await answer.json()) as { status: string }).status).toBe('failed');
    const pid = app.child.pid as number;
    const below = descendants(pid);
    const warmVitest = below.filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('warm-runner.mjs');
      } catch {
        return false;
      }
    });
    expect(warmVitest, 'the warm vitest process runs below the app').toHaveLength(1);
    await stopApp(app);
    app = undefined;
    let left = below.filter(running);
    for (let i = 0; i < 250 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = left.filter(running);
    }
    expect(left, 'processes left after Ctrl-C').toEqual([]);
  }, 120_000);
});

describe.skipIf(outside === undefined)('authlab start --ui builtin --host 0.0.0.0', () => {
  let app: Started | undefined;
  afterAll(() => stopApp(app));

  it(`answers on the machine's non-loopback address (${outside})`, async () => {
    app = await startApp(['--host', '0.0.0.0']);
    expect(await tryConnect(outside as string, app.port)).toBe('open');
    expect((await fetch(`http://${outside}:${app.port}/`)).status).toBe(200);
  }, 90_000);
});
