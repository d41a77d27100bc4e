// Crash safety: SIGKILL the server at random moments during a burst of registrations and token
// requests on a --data directory. After each restart the store must load, and every registration that
// was acknowledged with 201 must still be there.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeClientSecretBasic } from '@client-auth-lab/lib';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'authlab.js');
const KILLS = 8;

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--tls-port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

async function register(url: string): Promise<{ client_id: string; client_secret: string } | undefined> {
  try {
    const response = await fetch(`${url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], client_name: 'crash test' }),
    });
    return response.status === 201 ? ((await response.json()) as { client_id: string; client_secret: string }) : undefined;
  } catch {
    return undefined; // the server died mid-request: not acknowledged
  }
}

describe('crash safety with --data', () => {
  it.runIf(existsSync(join(root, 'cli', 'dist', 'main.js')))(`keeps every acknowledged registration across ${KILLS} SIGKILLs`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'authlab-crash-'));
    const acknowledged: { client_id: string; client_secret: string }[] = [];
    try {
      for (let round = 0; round < KILLS; round++) {
        const { child, url } = await startServer(dataDir);
        // Every client acknowledged so far is still registered and still authenticates.
        const listed = (await (await fetch(`${url}/lab/clients`)).json()) as { clients: { client_id: string }[] };
        const ids = new Set(listed.clients.map((c) => c.client_id));
        for (const client of acknowledged) expect(ids.has(client.client_id), `client ${client.client_id} acknowledged before a crash is gone`).toBe(true);
        const survivor = acknowledged.at(-1);
        if (survivor !== undefined) {
          const token = await fetch(`${url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: encodeClientSecretBasic(survivor.client_id, survivor.client_secret) },
            body: 'grant_type=client_credentials',
          });
          expect(token.status).toBe(200);
        }
        // A burst of registrations and token requests, killed at a random moment.
        const burst = Array.from({ length: 25 }, () => register(url).then((c) => c && acknowledged.push(c)));
        const tokens = acknowledged.slice(-5).map((c) => fetch(`${url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: encodeClientSecretBasic(c.client_id, c.client_secret) },
          body: 'grant_type=client_credentials',
        }).catch(() => undefined));
        await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 60)));
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await Promise.allSettled([...burst, ...tokens]);
        await exited;
        // The store file, if written at all, is whole JSON.
        const store = join(dataDir, 'store.json');
        if (existsSync(store)) expect(() => JSON.parse(readFileSync(store, 'utf8'))).not.toThrow();
        // Every journal line parses, except possibly a last one that the kill cut short (no newline yet).
        for (const name of readdirSync(dataDir).filter((f) => /^journal\.\d+\.jsonl$/.test(f))) {
          const text = readFileSync(join(dataDir, name), 'utf8');
          const whole = text.slice(0, text.lastIndexOf('\n') + 1);
          for (const line of whole.split('\n').slice(0, -1)) expect(() => JSON.parse(line), `${name}: ${line.slice(0, 80)}`).not.toThrow();
        }
      }
      const { child, url } = await startServer(dataDir);
      const listed = (await (await fetch(`${url}/lab/clients`)).json()) as { clients: { client_id: string }[] };
      const ids = new Set(listed.clients.map((c) => c.client_id));
      expect(acknowledged.filter((c) => !ids.has(c.client_id))).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
      console.info(`crash safety: ${KILLS} kills survived, ${acknowledged.length} acknowledged registrations all present`);
      child.kill('SIGKILL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
