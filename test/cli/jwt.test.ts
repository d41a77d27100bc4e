import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { processIO } from '../../cli/main.js';
import { KNOWLEDGE_BASE_ASSERTION, KNOWLEDGE_BASE_PUBLIC_JWK } from '../fixtures/seeds/knowledge-base.js';

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { ...processIO, stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

describe('authlab jwt inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authlab-jwt-'));
  const keyFile = join(dir, 'key.jwk');
  writeFileSync(keyFile, JSON.stringify(KNOWLEDGE_BASE_PUBLIC_JWK));

  it('reports the knowledge-base assertion as valid and expired in JSON', async () => {
    const { code, stdout } = await run(['jwt', 'inspect', KNOWLEDGE_BASE_ASSERTION, '--jwk-file', keyFile, '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.signature).toBe('valid');
    expect(out.problems).toEqual(['expired']);
    expect(out.header).toEqual({ alg: 'ES256' });
    expect(out.payload.exp).toBe(1536165540);
  });

  it('judges at a given instant with --at', async () => {
    const { stdout } = await run(['jwt', 'inspect', KNOWLEDGE_BASE_ASSERTION, '--jwk-file', keyFile, '--at', '2018-09-05T08:00:00Z', '--json']);
    expect(JSON.parse(stdout).problems).toEqual([]);
  });

  it('says unchecked without a key, and prints dates in text mode', async () => {
    const { stdout } = await run(['jwt', 'inspect', KNOWLEDGE_BASE_ASSERTION]);
    expect(stdout).toContain('Signature  unchecked');
    expect(stdout).toContain('2018-09-05T16:39:00Z');
    expect(stdout).toMatch(/expired\s+expired at 2018-09-05T16:39:00Z/);
  });

  it('fails with a coded error on a value that is not a JWT', async () => {
    const { code, stderr } = await run(['jwt', 'inspect', 'hello']);
    expect(code).toBe(1);
    expect(stderr).toContain('ERR_JWT_MALFORMED');
  });

  it('prints its help', async () => {
    const { code, stdout } = await run(['jwt', 'inspect', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--jwk-file');
  });
});
