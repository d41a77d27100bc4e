/** `authlab grade`: grade a whole working copy (or the solutions) with the official specs. */
import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { classroomOutputLine, findCourseRoot, formatGrade, grade, readProgress, recordResults, toClassroomResult, toJsonReport, toJUnitXml, writeProgress } from '@client-auth-lab/grader';
import { type Command, parseOptions, UsageError } from '../command.js';

function seconds(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of seconds, got '${value}'`);
  return n * 1000;
}

export const gradeCommand: Command = {
  name: 'grade',
  summary: 'grade the exercises of a working copy (points per test, exercise and chapter)',
  help: `Usage: authlab grade [chapter|exercise-id] [--solutions] [--dir PATH] [--json F] [--junit F] [--classroom [--classroom-file F]]

Runs this checkout's own specs (never a copy from the graded folder) against the exercise files of
a working copy, in a temporary grading tree under .lab/grading/, and prints the points. An
exercise whose file has a TypeScript error scores zero ("does not compile", with the first error
and its line). The graded code runs under Node's permission model: it reads the grading tree, the
lib, the lab server and the installed packages, never solutions/.

  chapter          e.g. 02-client-secrets or 02; an exercise id such as 02-basic-header; default all
  --solutions      grade the reference solutions (they must score full marks)
  --dir PATH       a student's working copy (a folder with exercises/, or the chapter folders)
  --json F         write the full result as JSON
  --junit F        write JUnit XML (one testsuite per exercise)
  --classroom      GitHub Classroom: append result=<base64> to $GITHUB_OUTPUT (autograding reporter format)
  --classroom-file F   also write the Classroom result JSON to F
  --messages       print the failing tests' messages too
  --timeout S      per exercise, seconds (default 20); --total S for the whole run (default 300)

Exit code 0 when every graded exercise passes, 1 otherwise.
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      solutions: { type: 'boolean' }, dir: { type: 'string' }, json: { type: 'string' }, junit: { type: 'string' },
      classroom: { type: 'boolean' }, 'classroom-file': { type: 'string' }, messages: { type: 'boolean' },
      timeout: { type: 'string' }, total: { type: 'string' }, keep: { type: 'boolean' },
    });
    if (positionals.length > 1) throw new UsageError('give at most one chapter or exercise id');
    if (values.solutions && values.dir !== undefined) throw new UsageError('--solutions and --dir exclude each other');
    const root = findCourseRoot();
    const result = await grade({
      root,
      ...(positionals[0] === undefined ? {} : { select: positionals[0] }),
      ...(values.solutions ? { solutions: true } : {}),
      ...(values.dir === undefined ? {} : { dir: resolve(values.dir) }),
      perExerciseMs: seconds(values.timeout, '--timeout', 20),
      totalMs: seconds(values.total, '--total', 300),
      ...(values.keep ? { keepTree: true } : {}),
    });
    io.stdout(formatGrade(result, { messages: values.messages ?? false }));
    if (!values.solutions && values.dir === undefined) writeProgress(root, recordResults(readProgress(root), result.exercises));
    if (values.json !== undefined) await writeFile(values.json, toJsonReport(result));
    if (values.junit !== undefined) await writeFile(values.junit, toJUnitXml(result));
    if (values['classroom-file'] !== undefined) await writeFile(values['classroom-file'], `${JSON.stringify(toClassroomResult(result), null, 2)}\n`);
    if (values.classroom) {
      const output = process.env.GITHUB_OUTPUT;
      if (output !== undefined && output !== '') {
        await appendFile(output, classroomOutputLine(result));
        io.stdout(`Classroom result appended to $GITHUB_OUTPUT (step output "result")\n`);
      } else {
        io.stdout(classroomOutputLine(result));
      }
    }
    return result.exercises.every((e) => e.status === 'passed') ? 0 : 1;
  },
};
