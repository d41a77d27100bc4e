/** Where the course lives: the repository root holds exercises/, solutions/ and node_modules/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from `start` to the folder whose package.json is the client-auth-lab root. */
export function findCourseRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'client-auth-lab') return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no client-auth-lab checkout above ${start}`);
    dir = parent;
  }
}

/** The folder that holds the chapter folders of a working copy: `<dir>/exercises` if present, else `<dir>`. */
export function exercisesFolderOf(dir: string): string {
  const nested = join(dir, 'exercises');
  return existsSync(nested) ? nested : dir;
}
