// Every notebook runs top to bottom on the real tslab kernel; cells tagged raises-exception must throw.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  isCI,
  jupyterMissing,
  listNotebooks,
  registerKernel,
  root,
  runNotebook,
} from './run-notebooks.js';

const NOTEBOOK_TIMEOUT_MS = 180_000;
const notebooks = listNotebooks();
const missing = jupyterMissing();
if (missing && !isCI) console.warn(`Notebook tests skipped. ${missing}`);

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}

describe('committed notebooks', () => {
  it('exist', () => {
    expect(notebooks.length, 'no notebooks/*.ipynb found').toBeGreaterThan(0);
  });

  // Outputs belong in test-artifacts/, not in git: a committed output would go stale and bloat diffs.
  it.each(notebooks.map((p) => [basename(p), p]))('%s is committed without outputs', (_name, path) => {
    const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] };
    const dirty = nb.cells
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null))
      .map(({ i }) => i);
    expect(dirty, 'cells with outputs or an execution_count: clear all outputs before committing').toEqual([]);
  });
});

describe.runIf(!missing || isCI)('notebooks on the tslab kernel', () => {
  let jupyterPath = '';

  beforeAll(() => {
    if (missing) throw new Error(`CI=true requires Jupyter and the tslab kernel. ${missing}`);
    const libEntry = join(root, 'lib', 'dist', 'index.js');
    if (!existsSync(libEntry)) {
      throw new Error(`${relative(root, libEntry)} is missing: notebooks import the compiled lib. Run npx tsc -b`);
    }
    if (!existsSync(join(root, 'node_modules', '@client-auth-lab', 'lib'))) {
      throw new Error('node_modules/@client-auth-lab/lib is missing: notebooks import the lib through it. Run npm install');
    }
    jupyterPath = registerKernel();
  });

  it.each(notebooks.map((p) => [relative(root, p), p]))(
    '%s runs top to bottom',
    async (_name, path) => {
      const run = await runNotebook(path, join(artifactsDir, basename(path)), jupyterPath);
      if (run.code !== 0) throw new Error(run.output);
      console.log(run.output);
    },
    NOTEBOOK_TIMEOUT_MS,
  );

  describe('runner rules can fail', () => {
    let scratch = '';
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'notebook-rules-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    const notebook = (cells: { source: string; tags?: string[] }[]) => ({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      cells: cells.map((c, i) => ({
        id: `cell-${i}`,
        cell_type: 'code',
        execution_count: null,
        metadata: c.tags ? { tags: c.tags } : {},
        outputs: [],
        source: c.source,
      })),
    });

    const cases = [
      {
        name: 'an untagged cell that throws',
        cells: [{ source: "console.log('fine')" }, { source: "throw new Error('untagged failure')" }],
        expected: ['cell index 1', "throw new Error('untagged failure')", 'Error: untagged failure'],
      },
      {
        name: 'an untagged cell with a type error',
        cells: [{ source: "const n: number = 'not a number';" }],
        expected: ['cell index 0', "Type 'string' is not assignable to type 'number'"],
      },
      {
        name: 'a raises-exception cell that does not raise',
        cells: [{ source: 'const fine = 1;', tags: ['raises-exception'] }],
        expected: ['cell index 0', "tagged 'raises-exception' but ran without an error"],
      },
    ];

    it.each(cases)(
      'fails a notebook with $name',
      async ({ name, cells, expected }) => {
        const path = join(scratch, `${name.replaceAll(' ', '-')}.ipynb`);
        writeFileSync(path, JSON.stringify(notebook(cells)));
        const run = await runNotebook(path, join(scratch, 'executed', basename(path)), jupyterPath);
        expect(run.code, run.output).toBe(1);
        for (const text of expected) expect(run.output).toContain(text);
      },
      NOTEBOOK_TIMEOUT_MS,
    );
  });
});

if (missing && !isCI) {
  describe('notebooks on the tslab kernel', () => it.skip(`skipped: ${missing}`, () => {}));
}
