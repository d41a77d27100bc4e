// The authlab tools on random and mutated bytes: a coded error (exit 1, "[ERR_…]" on stderr) or a
// result, never an uncaught exception, and each run in bounded time.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main, processIO } from '../../cli/main.js';

const deckCertificate = readFileSync(new URL('../fixtures/x509/deck-client-example.pem', import.meta.url), 'utf8');
const der = Buffer.from(deckCertificate.replace(/-----[^-]+-----|\s/g, ''), 'base64');

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(args, { ...processIO, stdout: () => undefined, stderr: (t) => { stderr += t; } });
  return { code, stderr };
}

/** A certificate with a few bytes flipped, cut short, or grown. */
const mutated = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => {
    const copy = Buffer.from(der);
    for (const [at, value] of flips) copy[at] = value;
    return copy;
  }),
  fc.nat(der.length).map((n) => der.subarray(0, n)),
  fc.integer({ min: 2, max: 5000 }).map((depth) => Buffer.concat([Buffer.alloc(depth, 0x30).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)), Buffer.from([0, 0])])),
);

describe('authlab tools on hostile bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authlab-fuzz-'));
  let cases = 0;

  for (const command of [['asn1'], ['x509'], ['x509', '--json'], ['key', 'show']]) {
    it(`authlab ${command.join(' ')} answers with a coded error or a result`, async () => {
      await fc.assert(fc.asyncProperty(mutated, async (bytes) => {
        const file = join(dir, 'input.der');
        writeFileSync(file, bytes);
        const started = Date.now();
        const { code, stderr } = await run([...command.slice(0, command[0] === 'key' ? 2 : 1), file, ...command.slice(command[0] === 'key' ? 2 : 1)]);
        cases++;
        expect(Date.now() - started, 'one run must finish quickly').toBeLessThan(5_000);
        expect([0, 1]).toContain(code);
        if (code === 1) expect(stderr).toMatch(/\[ERR_[A-Z0-9_]+\]/);
      }), { numRuns: 100 });
    });
  }

  it('ran every case', () => {
    console.info(`tools fuzz: ${cases} cases`);
    expect(cases).toBe(400);
    rmSync(dir, { recursive: true, force: true });
  });
});
