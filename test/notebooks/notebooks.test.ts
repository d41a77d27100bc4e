// Every notebook runs top to bottom on the real tslab kernel; cells tagged raises-exception must throw.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCI, jupyterMissing, listNotebooks, runNotebook } from './run-notebooks.js';
import { expectNoOutputs, itRunsTopToBottom, NOTEBOOK_TIMEOUT_MS, prepareKernel } from './suite.js';

const notebooks = listNotebooks();
const missing = jupyterMissing();
if (missing && !isCI) console.warn(`Notebook tests skipped. ${missing}`);

describe('committed notebooks', () => {
  it('exist', () => {
    expect(notebooks.length, 'no notebooks/*.ipynb found').toBeGreaterThan(0);
  });

  it.each(notebooks.map((p) => [basename(p), p]))('%s is committed without outputs', (_name, path) => expectNoOutputs(path));
});

describe.runIf(!missing || isCI)('notebooks on the tslab kernel', () => {
  let jupyterPath = '';

  beforeAll(() => {
    jupyterPath = prepareKernel(missing);
  });

  itRunsTopToBottom(notebooks, () => jupyterPath);

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
