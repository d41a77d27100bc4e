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

const CHAPTERS = ['01-client-types', '02-client-secrets', '03-client-assertions', '04-jwt-grant-vs-client-auth', '05-x509-asn1', '06-mutual-tls', '07-metadata', '08-fapi', '09-private-key-jwt-end-to-end', '10-self-signed-tls-end-to-end'];
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
      // Empty for the learner: `{}`, every member still `undefined`, or a table of empty rows.
      const declared =
        /const (\w+): Prediction = \{(?:\s*|(?:\s*\w+: undefined,?)+\s*)\};/.exec(text(cell)) ??
        /const (\w+): Record<string, Prediction> = \{(?:\s*'[^']+': \{\},?)+\s*\};/.exec(text(cell));
      expect(cell.cell_type, `${cell.id} is a code cell`).toBe('code');
      expect(declared, `${cell.id} declares an empty Prediction`).not.toBeNull();
      const next = text(cells[i + 1]);
      expect(next, `the cell after ${cell.id} compares ${declared?.[1]} with the server's answer`).toMatch(/\bcheckPrediction\w*\(/);
      expect(next, `the cell after ${cell.id} reads ${declared?.[1]}`).toMatch(new RegExp(`\\b${declared?.[1]}\\b`));
    }
  });

  it('has a "Your turn" cell followed by code to change', () => {
    const turns = cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.cell_type === 'markdown' && /^(\*\*Your turn\.\*\*|#+ Your turn:)/m.test(text(cell)));
    expect(turns.length).toBeGreaterThanOrEqual(1);
    for (const { cell, i } of turns) expect(cells[i + 1]?.cell_type, `${cell.id} is followed by a code cell`).toBe('code');
  });
});
