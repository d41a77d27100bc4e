/** `authlab check`: run one exercise (or the next unsolved one), with hints and course progress. */
import { watch } from 'node:fs';
import { join } from 'node:path';
import {
  findCourseRoot, formatExercise, grade, loadCourse, nextUnsolved, progressBar, readProgress, recordResults, resetExercise, selectExercises, writeProgress,
  type Exercise,
} from '@client-auth-lab/grader';
import { type Command, type CommandIO, parseOptions, UsageError } from '../command.js';

async function checkOnce(root: string, exercise: Exercise, io: CommandIO, revealHint: boolean): Promise<boolean> {
  const result = await grade({ root, select: exercise.id, perExerciseMs: 20_000 });
  const score = result.exercises[0];
  if (score === undefined) throw new Error(`no result for ${exercise.id}`);
  io.stdout(`${formatExercise(score)}\n`);
  let progress = recordResults(readProgress(root), result.exercises);
  const course = loadCourse(root);
  if (score.status !== 'passed') {
    const shown = progress.hintsShown[exercise.id] ?? 0;
    if (revealHint) {
      if (shown < exercise.hints.length) {
        io.stdout(`\nHint ${shown + 1} of ${exercise.hints.length}: ${exercise.hints[shown]}\n`);
        progress = { ...progress, hintsShown: { ...progress.hintsShown, [exercise.id]: shown + 1 } };
      } else {
        io.stdout(`\nAll ${exercise.hints.length} hints shown:\n${exercise.hints.map((h, i) => `  ${i + 1}. ${h}`).join('\n')}\n`);
      }
    } else {
      io.stdout(`\nEdit exercises/${exercise.chapter}/${exercise.file}. ${exercise.hints.length} hints: authlab check ${exercise.id} --hint${shown > 0 ? ` (${shown} seen)` : ''}\n`);
    }
  } else {
    const next = nextUnsolved(course, progress);
    io.stdout(next === undefined ? '\nEvery exercise is solved.\n' : `\nNext: ${next.id} (${next.title}) — authlab check ${next.id}\n`);
  }
  writeProgress(root, progress);
  const solved = course.exercises.filter((e) => progress.solved[e.id] !== undefined).length;
  io.stdout(`${progressBar(solved, course.exercises.length)}  (${(result.durationMs / 1000).toFixed(1)} s)\n`);
  return score.status === 'passed';
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check one exercise (default: the next unsolved one), with hints and progress',
  help: `Usage: authlab check [exercise-id] [--hint] [--watch]
       authlab check --reset <exercise-id>

Runs the official spec of one exercise against your exercises/NN-topic/<file>.ts and prints each test
with ✓/✗ and, for failures, the rule, its spec section, and what was expected vs what your code gave.

  exercise-id   e.g. 02-basic-header; default: the first exercise not yet solved
  --hint        reveal the next hint for this exercise (two or three, from gentle to nearly the answer)
  --watch       run again every time the exercise file is saved (Ctrl-C to stop)
  --reset       put the exercise file back to its starting version (the committed one); your edits are lost

Progress is kept in .lab/progress.json.
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { hint: { type: 'boolean' }, watch: { type: 'boolean' }, reset: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('give at most one exercise id');
    const root = findCourseRoot();
    const course = loadCourse(root);
    if (values.reset) {
      const id = positionals[0];
      const chosen = id === undefined ? undefined : course.exercises.find((e) => e.id === id);
      if (chosen === undefined) throw new UsageError(`--reset needs one exercise id (e.g. ${course.exercises[0]?.id ?? '02-basic-header'})${id === undefined ? '' : `, not '${id}'`}`);
      const file = resetExercise(root, chosen);
      io.stdout(`Reset ${file.slice(root.length + 1)} to its starting version.\n`);
      return 0;
    }
    const progress = readProgress(root);
    let exercise: Exercise | undefined;
    if (positionals[0] !== undefined) {
      const list = selectExercises(course, positionals[0]);
      exercise = list.find((e) => progress.solved[e.id] === undefined) ?? list[0];
    } else {
      exercise = nextUnsolved(course, progress);
      if (exercise === undefined) {
        io.stdout(`Every exercise is solved.\n${progressBar(course.exercises.length, course.exercises.length)}\n`);
        return 0;
      }
    }
    if (exercise === undefined) throw new UsageError('no exercise matches');
    const target = exercise;
    if (!values.watch) return (await checkOnce(root, target, io, values.hint ?? false)) ? 0 : 1;

    const file = join(root, 'exercises', target.chapter, target.file);
    await checkOnce(root, target, io, values.hint ?? false);
    io.stdout(`\nWatching ${file} (Ctrl-C to stop)\n`);
    return new Promise<number>((resolveExit) => {
      let timer: NodeJS.Timeout | undefined;
      let running = false;
      let again = false;
      const rerun = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        io.stdout(`\n— ${new Date().toLocaleTimeString()} —\n`);
        try {
          await checkOnce(root, target, io, false);
        } catch (error) {
          io.stderr(`${(error as Error).message}\n`);
        }
        running = false;
        if (again) {
          again = false;
          void rerun();
        }
      };
      const watcher = watch(file, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void rerun(), 150);
      });
      process.once('SIGINT', () => {
        watcher.close();
        clearTimeout(timer);
        resolveExit(0);
      });
    });
  },
};
