// What the English and the Japanese edition's notebook tests share: committed without outputs, and
// executed top to bottom on the real tslab kernel (nbclient), each executed copy kept in test-artifacts/.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { artifactsDir, registerKernel, root, runNotebook } from './run-notebooks.js';

export const NOTEBOOK_TIMEOUT_MS = 180_000;

export interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}

export const cellsOf = (path: string): Cell[] => (JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] }).cells;
export const sourceOf = (cell: Cell | undefined): string => (cell === undefined ? '' : Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/** Outputs belong in test-artifacts/, not in git: a committed output would go stale and bloat diffs. */
export function expectNoOutputs(path: string): void {
  const dirty = cellsOf(path)
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null))
    .map(({ i }) => i);
  expect(dirty, 'cells with outputs or an execution_count: clear all outputs before committing').toEqual([]);
}

/** Registers the kernel (as `npm start` does) once the lib is built; returns the JUPYTER_PATH. */
export function prepareKernel(missing: string | undefined): string {
  if (missing) throw new Error(`CI=true requires Jupyter and the tslab kernel. ${missing}`);
  const libEntry = join(root, 'lib', 'dist', 'index.js');
  if (!existsSync(libEntry)) throw new Error(`${relative(root, libEntry)} is missing: notebooks import the compiled lib. Run npx tsc -b`);
  if (!existsSync(join(root, 'node_modules', '@client-auth-lab', 'lib'))) {
    throw new Error('node_modules/@client-auth-lab/lib is missing: notebooks import the lib through it. Run npm install');
  }
  return registerKernel();
}

/** One test per notebook: it runs top to bottom, its executed copy under test-artifacts/notebooks/ (same sub-folder). */
export function itRunsTopToBottom(notebooks: string[], jupyterPath: () => string): void {
  it.each(notebooks.map((p) => [relative(root, p), p]))(
    '%s runs top to bottom',
    async (name, path) => {
      const run = await runNotebook(path, join(artifactsDir, relative('notebooks', name)), jupyterPath());
      if (run.code !== 0) throw new Error(run.output);
      console.log(run.output);
    },
    NOTEBOOK_TIMEOUT_MS,
  );
}
