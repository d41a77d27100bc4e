/**
 * A throwaway PostgreSQL cluster for the workshop case on two processes: Debian's postgresql under a
 * temporary directory, on a free port of 127.0.0.1, run as the `postgres` OS user when we are root.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BenchPostgres {
  url: string;
  /** The RSS of every postgres process of the cluster, in MiB. */
  rssMiB(): number | undefined;
  destroy(): Promise<void>;
}

export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export async function startBenchPostgres(bin: string): Promise<BenchPostgres> {
  const directory = await mkdtemp(join(tmpdir(), 'authlab-bench-pg-'));
  const data = join(directory, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(directory, uid, gid);
  }
  const pg = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args));
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  await pg('pg_ctl', ['-D', data, '-l', join(directory, 'postgres.log'), '-o', `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1`, '-w', '-t', '60', 'start']);
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    rssMiB() {
      const parent = postmasterPid();
      if (parent === undefined) return undefined;
      let kb = 0;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const status = readFileSync(`/proc/${entry}/status`, 'utf8');
          const pid = Number(entry);
          const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
          if (pid === parent || ppid === parent) kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        } catch {
          // The process ended while we looked.
        }
      }
      return kb / 1024;
    },
    async destroy() {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await rm(directory, { recursive: true, force: true });
    },
  };
}
