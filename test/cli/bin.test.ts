import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('bin/authlab.js', () => {
  it('runs the built CLI: x509 --json on the deck certificate', { timeout: 180_000 }, () => {
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    } catch (error) {
      throw new Error(`npx tsc -b failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
    const stdout = execFileSync(process.execPath, ['bin/authlab.js', 'x509', 'test/fixtures/x509/deck-client-example.pem', '--json'], { cwd: root, encoding: 'utf8' });
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      version: 3,
      serialNumber: '7516c7f84948f222e39d1f5e2700a9214f1ef316',
      subject: 'CN=client.example.com',
      selfSigned: true,
      notBefore: '2020-06-27T11:38:03.000Z',
    });
  });
});
