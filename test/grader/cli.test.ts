import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { commands } from '../../cli/commands/index.js';

const out = mkdtempSync(join(tmpdir(), 'authlab-grade-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function capture() {
  const text = { stdout: '', stderr: '' };
  return { text, io: { stdout: (t: string) => void (text.stdout += t), stderr: (t: string) => void (text.stderr += t), readFile: async () => Buffer.alloc(0) } };
}

describe('authlab grade', () => {
  it('grades one exercise of the solutions and writes the JSON and JUnit reports', async () => {
    const { text, io } = capture();
    const json = join(out, 'grade.json');
    const junit = join(out, 'grade.xml');
    const code = await main(['grade', '02-secret-compare', '--solutions', '--json', json, '--junit', junit], io, commands);
    expect(code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toContain('Total: 2/2 points, 1 of 1 exercises solved');
    expect(JSON.parse(readFileSync(json, 'utf8')).points).toBe(2);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite name="02-secret-compare: Compare secrets in constant time"');
  }, 120_000);

  it('rejects --solutions with --dir as a usage error', async () => {
    const { text, io } = capture();
    expect(await main(['grade', '--solutions', '--dir', out], io, commands)).toBe(2);
    expect(text.stderr).toContain('--solutions and --dir exclude each other');
  });

  it('rejects an unknown chapter with the list of chapters', async () => {
    const { text, io } = capture();
    expect(await main(['grade', '99-nothing', '--solutions'], io, commands)).toBe(1);
    expect(text.stderr).toContain("'99-nothing' is neither an exercise id nor a chapter");
  });
});
