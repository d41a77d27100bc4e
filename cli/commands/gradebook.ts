/** `authlab gradebook`: grade every submission folder of a class into one CSV. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gradebookCsv, roundPoints, runGradebook } from '@client-auth-lab/grader';
import { type Command, onePositional, parseOptions, UsageError } from '../command.js';

export const gradebookCommand: Command = {
  name: 'gradebook',
  summary: 'grade a folder of student submissions into a CSV (one row per student)',
  help: `Usage: authlab gradebook <dir-of-submissions> [--out grades.csv] [--parallel N] [--time-limit S] [--timeout S]

Every sub-folder of <dir-of-submissions> is one student's working copy (with exercises/, or the
chapter folders directly). Each is graded with this checkout's own specs, several at a time, each
within its time limit. A submission that does not compile (a type error counts), does not load or
hangs scores zero for the affected exercises, with the reason in the CSV; the other submissions are
graded as usual.

  --out F          the CSV (default grades.csv): student, one column per exercise, total, reasons
  --parallel N     submissions graded at the same time (default 2)
  --time-limit S   per submission, seconds (default 180)
  --timeout S      per exercise, seconds (default 20)
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { out: { type: 'string' }, parallel: { type: 'string' }, 'time-limit': { type: 'string' }, timeout: { type: 'string' } });
    const dir = resolve(onePositional(positionals, 'folder of submissions'));
    const number = (v: string | undefined, name: string, fallback: number) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got '${v}'`);
      return n;
    };
    const book = await runGradebook(dir, {
      parallel: Math.floor(number(values.parallel, '--parallel', 2)),
      perSubmissionMs: number(values['time-limit'], '--time-limit', 180) * 1000,
      perExerciseMs: number(values.timeout, '--timeout', 20) * 1000,
    });
    const out = values.out ?? 'grades.csv';
    await writeFile(out, gradebookCsv(book));
    const max = Object.values(book.maxPoints).reduce((a, b) => a + b, 0);
    for (const row of book.rows) io.stdout(`${row.student}: ${roundPoints(row.total)}/${roundPoints(max)}${row.reasons.length > 0 ? `  (${row.reasons.length} problem${row.reasons.length === 1 ? '' : 's'})` : ''}\n`);
    io.stdout(`wrote ${out}: ${book.rows.length} submissions in ${(book.durationMs / 1000).toFixed(1)} s\n`);
    return 0;
  },
};
