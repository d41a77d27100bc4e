// The Japanese edition (notebooks/ja/) and the English one are one course: the same chapters, the same
// code cells (source, id, tags) in the same order, each linked to the bilingual glossary, and the
// Japanese edition also runs top to bottom on the real kernel (its outputs in Japanese, from its folder).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCI, japaneseNotebooksDir, jupyterMissing, listNotebooks, root } from './run-notebooks.js';
import { cellsOf, expectNoOutputs, itRunsTopToBottom, prepareKernel, sourceOf, type Cell } from './suite.js';

const english = listNotebooks();
const japanese = listNotebooks(japaneseNotebooksDir);
const twin = (path: string) => join(japaneseNotebooksDir, basename(path));
const codeCells = (path: string) => cellsOf(path).filter((c) => c.cell_type === 'code')
  .map((c: Cell) => ({ id: c.id, tags: c.metadata?.tags ?? [], metadata: c.metadata ?? {}, source: sourceOf(c) }));
const markdown = (path: string) => cellsOf(path).filter((c) => c.cell_type === 'markdown').map(sourceOf).join('\n');
const JAPANESE_TEXT = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('the two editions', () => {
  it('have the same chapters, file for file', () => {
    expect(japanese.map((p) => basename(p))).toEqual(english.map((p) => basename(p)));
  });

  it.each(english.map((p) => [basename(p), p]))('%s: the Japanese chapter has the English code cells, unchanged and in order', (_name, path) => {
    expect(existsSync(twin(path)), `${basename(path)} has no Japanese twin in notebooks/ja/`).toBe(true);
    const en = codeCells(path);
    const ja = codeCells(twin(path));
    // Cell by cell, so a failure names the first cell that drifted.
    for (let i = 0; i < Math.max(en.length, ja.length); i += 1) {
      expect(ja[i], `code cell ${i} (${en[i]?.id ?? ja[i]?.id}) differs between notebooks/ and notebooks/ja/: copy the English code cell`).toEqual(en[i]);
    }
  });

  it.each(japanese.map((p) => [basename(p), p]))('ja/%s is committed without outputs, with unique cell ids', (_name, path) => {
    expectNoOutputs(path);
    const ids = cellsOf(path).map((c) => c.id);
    expect(ids.filter((id, i) => id === undefined || ids.indexOf(id) !== i), 'cells without an id or with a repeated one').toEqual([]);
  });

  it.each(japanese.map((p) => [basename(p), p]))('ja/%s is written in Japanese and links the glossary and its English chapter', (name, path) => {
    const text = markdown(path);
    expect(text).toMatch(JAPANESE_TEXT);
    expect(text).toContain('](../../docs/glossary.md)');
    expect(text).toContain(`](../${name})`);
  });

  it.each(english.map((p) => [basename(p), p]))('%s links the glossary and its Japanese chapter', (name, path) => {
    const text = markdown(path);
    expect(text).toContain('](../docs/glossary.md)');
    expect(text).toContain(`](ja/${name})`);
  });

  it('share one glossary whose every term has an English and a Japanese name, a definition in each, and a spec', () => {
    const rows = readFileSync(join(root, 'docs', 'glossary.md'), 'utf8').split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| English') && !l.startsWith('|---'));
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      const [en, ja, definition, spec] = row.split(' | ').map((c) => c.replace(/^\| |\s\|$/g, '').trim());
      expect(en, row).toMatch(/[A-Za-z]/);
      // A wire name (`client_secret_basic`) is its own Japanese term.
      expect(ja, row).not.toBe('');
      expect(definition?.split('<br>'), row).toHaveLength(2);
      expect(definition?.split('<br>')[1], row).toMatch(JAPANESE_TEXT);
      expect(spec, row).toMatch(/RFC|OIDC|FAPI|X\.|CIBA|lab|ラボ|ITU|OpenID|nginx/);
    }
  });
});

describe('the Japanese edition\'s learner cells', () => {
  it.each(japanese.map((p) => [basename(p), p]))('ja/%s has a やってみよう cell followed by code to change', (_name, path) => {
    const cells = cellsOf(path);
    const turns = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.cell_type === 'markdown' && /\*\*やってみよう。\*\*/.test(sourceOf(cell)));
    expect(turns.length).toBeGreaterThanOrEqual(1);
    for (const { cell, i } of turns) expect(cells[i + 1]?.cell_type, `${cell.id} is followed by a code cell`).toBe('code');
  });
});

const missing = jupyterMissing();
describe.runIf(!missing || isCI)('the Japanese edition on the tslab kernel', () => {
  let jupyterPath = '';
  beforeAll(() => {
    jupyterPath = prepareKernel(missing);
  });
  itRunsTopToBottom(japanese, () => jupyterPath);
});

// A file left in notebooks/ja/ that is not a chapter (a scratch copy) would escape the checks above.
it('keeps nothing but chapters in notebooks/ja/', () => {
  expect(readdirSync(japaneseNotebooksDir).filter((f) => !f.endsWith('.ipynb') && f !== '.ipynb_checkpoints')).toEqual([]);
});
