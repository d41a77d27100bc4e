// `authlab server` as a user runs it: a child process, real ports, stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { basic, postForm } from './support.js';

const bin = fileURLToPath(new URL('../../bin/authlab.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../cli/dist/commands/server.js', import.meta.url)));

describe.skipIf(!built)('authlab server', () => {
  it('prints one line per listener, serves pre-loaded clients, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
    const clients = join(dir, 'clients.json');
    await writeFile(clients, JSON.stringify([{ client_id: 'preloaded', client_secret: 'preloaded-secret', grant_types: ['client_credentials'] }]));
    const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--tls-port', '0', '--data', join(dir, 'data'), '--clients', clients], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          const complete = out.split('\n').filter((l) => l !== '');
          if (complete.length >= 2) resolve(complete);
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      expect(lines[0]).toMatch(/^http  http:\/\/localhost:\d+ /);
      expect(lines[1]).toMatch(/^https https:\/\/localhost:\d+ /);
      const httpUrl = /http:\/\/localhost:\d+/.exec(lines[0] as string)?.[0] as string;
      const answer = await postForm(`${httpUrl}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('preloaded', 'preloaded-secret') } });
      expect(answer.status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(existsSync(join(dir, 'data', 'lab-ca.pem'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('refuses an unknown profile with a usage error', async () => {
    const child = spawn(process.execPath, [bin, 'server', '--profile', 'fapi3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain("unknown profile 'fapi3'");
  });
});
