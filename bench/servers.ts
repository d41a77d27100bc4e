/** Starting the servers under test as child processes and reading the URLs they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunningProcess {
  name: string;
  httpUrl: string;
  httpsUrl: string | undefined;
  child: ChildProcess;
  /** CPU time (user + system) the process has used so far, in ms; undefined where /proc is missing. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** utime + stime of a process from /proc (fields 14 and 15, counted after the parenthesised name). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/**
 * Spawns `node ...args` and waits for its "http  URL" line (and "https URL" when `wantHttps`).
 * `authlab server` and the peer scripts print the same two lines.
 */
export function startProcess(name: string, args: readonly string[], options: { cwd: string; wantHttps: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunningProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let httpUrl: string | undefined;
    let httpsUrl: string | undefined;
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${name} did not print its URL within ${options.timeoutMs ?? 20_000} ms`)), options.timeoutMs ?? 20_000);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(forced);
      }
    };
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\nstdout: ${out.trim()}\nstderr: ${err.trim()}`));
    }
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      httpUrl ??= /^http\s+(http:\/\/\S+)/m.exec(out)?.[1];
      httpsUrl ??= /^https\s+(https:\/\/\S+)/m.exec(out)?.[1];
      if (!settled && httpUrl !== undefined && (!options.wantHttps || httpsUrl !== undefined)) {
        settled = true;
        clearTimeout(timer);
        resolve({ name, httpUrl, httpsUrl, child, stop, cpuMs: () => processCpuMs(child.pid) });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the start of stderr for a failure message; a server under load may log a lot.
      if (err.length < 20_000) err += chunk.toString();
    });
    child.once('error', (error) => fail(error));
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${code ?? signal}) before printing its URL`)));
  });
}
