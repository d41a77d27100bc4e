// The learner does the work: in chapters 01–05 at least three predict-then-run pairs (a cell tagged
// `predict` that declares an empty Prediction, followed by the cell that sends the request and calls
// checkPrediction with it) and at least one "Your turn" cell followed by code to change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebooksDir } from './run-notebooks.js';

interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata?: { tags?: string[] };
}

const CHAPTERS = ['01-client-types', '02-client-secrets', '03-client-assertions', '04-jwt-grant-vs-client-auth', '05-x509-asn1'];
const text = (cell: Cell | undefined): string => (cell === undefined ? '' : Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const cellsOf = (name: string) => (JSON.parse(readFileSync(join(notebooksDir, `${name}.ipynb`), 'utf8')) as { cells: Cell[] }).cells;

describe.each(CHAPTERS)('%s', (name) => {
  const cells = cellsOf(name);
  const predictions = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.metadata?.tags?.includes('predict'));

  it('has at least three cells tagged predict', () => {
    expect(predictions.length).toBeGreaterThanOrEqual(3);
  });

  it('declares each prediction empty, for the learner to fill in, and checks it in the next cell', () => {
    for (const { cell, i } of predictions) {
      const declared = /const (\w+): Prediction = \{\};/.exec(text(cell));
      expect(cell.cell_type, `${cell.id} is a code cell`).toBe('code');
      expect(declared, `${cell.id} declares an empty Prediction`).not.toBeNull();
      expect(text(cells[i + 1]), `the cell after ${cell.id} calls checkPrediction(${declared?.[1]}, …)`).toContain(`checkPrediction(${declared?.[1]},`);
    }
  });

  it('has a "Your turn" cell followed by code to change', () => {
    const turns = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.cell_type === 'markdown' && text(cell).includes('**Your turn.**'));
    expect(turns.length).toBeGreaterThanOrEqual(1);
    for (const { cell, i } of turns) expect(cells[i + 1]?.cell_type, `${cell.id} is followed by a code cell`).toBe('code');
  });
});
