/** Runs the openssl binary for cross-checks, with inputs in a private temporary directory. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasOpenssl = ((): boolean => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'authlab-openssl-'));

let counter = 0;

/** Writes content to a fresh temporary file and returns its path. */
export function tempFile(content: string | Uint8Array, suffix = '.pem'): string {
  const path = join(dir, `f${counter++}${suffix}`);
  writeFileSync(path, content);
  return path;
}

/** A path in the temporary directory for openssl to write to. */
export function tempPath(suffix = '.pem'): string {
  return join(dir, `o${counter++}${suffix}`);
}

export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Deletes the temporary files; call it from afterAll in each test file that uses this module. */
export function removeTemporaryFiles(): void {
  rmSync(dir, { recursive: true, force: true });
}
