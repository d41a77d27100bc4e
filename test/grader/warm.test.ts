/**
 * The warm grader (what the notebook app checks with): the same verdicts as the one-shot grader of
 * `authlab check`, a learner's edit seen at the next check, an endless loop stopped at the time limit
 * with the warm vitest process replaced, two checks at once kept apart, and nothing left running
 * once it is closed.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWarmGrader, findCourseRoot, grade, type GradeResult, type WarmGrader } from '@client-auth-lab/grader';
import { groupAlive } from '../support/processes.js';

const root = findCourseRoot();
const work = join(root, '.lab', 'test-grader', `warm-${process.pid}`);
const CHAPTER = '02-client-secrets';
const solution = readFileSync(join(root, 'solutions', CHAPTER, 'basic-header.ts'), 'utf8');
const starting = readFileSync(join(root, 'exercises', CHAPTER, 'basic-header.ts'), 'utf8');

let warm: WarmGrader;
beforeAll(() => {
  warm = createWarmGrader({ root });
});
afterAll(async () => {
  await warm?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A learner's working copy of the chapter, with basic-header.ts replaced by `text`. */
function workingCopy(name: string, text?: string): string {
  const dir = join(work, name);
  const chapter = join(dir, 'exercises', CHAPTER);
  mkdirSync(chapter, { recursive: true });
  cpSync(join(root, 'exercises', CHAPTER), chapter, { recursive: true });
  if (text !== undefined) writeFileSync(join(chapter, 'basic-header.ts'), text);
  return dir;
}

/** What a learner is shown: everything but timings and the run's identity. */
function verdict(result: GradeResult) {
  return {
    points: result.points,
    maxPoints: result.maxPoints,
    chapters: result.chapters,
    exercises: result.exercises.map((e) => ({
      id: e.id, status: e.status, points: e.points, maxPoints: e.maxPoints, reason: e.reason,
      tests: e.tests.map((t) => ({ name: t.name, passed: t.passed, message: t.message, points: t.points, maxPoints: t.maxPoints })),
    })),
  };
}

/** Whether the group `pgid` is gone within a few seconds (killed processes are reaped a moment later). */
async function groupEnds(pgid: number): Promise<boolean> {
  for (let i = 0; i < 250 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 20));
  return !groupAlive(pgid);
}

describe('the warm grader', () => {
  it('accepts the same files as the one-shot grader with the same verdict: starting files, reference solutions, a type error and a syntax error', async () => {
    const broken = workingCopy('broken', starting.replace("throw new Error('TODO", "const n: number = clientId;\n  throw new Error('TODO"));
    const unparsable = workingCopy('unparsable', starting.replace("throw new Error('TODO", "const n: number = clientId;\n  if (n > {) return '';\n  throw new Error('TODO"));
    const cases = [
      { select: CHAPTER },
      { select: CHAPTER, solutions: true },
      { select: '02-basic-header', dir: broken },
      { select: '02-basic-header', dir: unparsable },
    ];
    for (const options of cases) {
      const cold = await grade({ root, ...options });
      const warmed = await grade({ root, ...options, warm });
      expect(verdict(warmed), JSON.stringify(options)).toEqual(verdict(cold));
    }
    const compileError = (await grade({ root, select: '02-basic-header', dir: broken, warm })).exercises[0];
    expect(compileError?.status).toBe('compile-error');
    expect(compileError?.reason).toMatch(/^does not compile: exercises\/02-client-secrets\/basic-header\.ts:\d+ — Type 'string' is not assignable to type 'number' \(TS2322\)/);
    // A syntax error hides the type errors, as tsc reports it.
    const syntaxError = (await grade({ root, select: '02-basic-header', dir: unparsable, warm })).exercises[0];
    expect(syntaxError?.status).toBe('compile-error');
    expect(syntaxError?.reason).toMatch(/\(TS1\d{3}\)/);
  }, 240_000);

  it('sees a learner\'s edit made between two checks', async () => {
    const dir = workingCopy('edits');
    const file = join(dir, 'exercises', CHAPTER, 'basic-header.ts');
    expect((await grade({ root, select: '02-basic-header', dir, warm })).exercises[0]?.status).toBe('failed');
    writeFileSync(file, solution);
    expect((await grade({ root, select: '02-basic-header', dir, warm })).exercises[0]?.status).toBe('passed');
    writeFileSync(file, starting.replace("throw new Error('TODO", "const n: number = clientId;\n  throw new Error('TODO"));
    expect((await grade({ root, select: '02-basic-header', dir, warm })).exercises[0]?.status).toBe('compile-error');
    writeFileSync(file, starting);
    expect((await grade({ root, select: '02-basic-header', dir, warm })).exercises[0]?.status).toBe('failed');
  }, 120_000);

  it('rejects an endless loop at the per-exercise time limit because it never finishes, then grades the next check in a new warm process', async () => {
    const endless = workingCopy('endless', starting.replace("throw new Error('TODO", "while (clientId !== '\\u0000' || clientSecret !== '\\u0000') {\n    // spins\n  }\n  throw new Error('TODO"));
    await warm.warmUp();
    const before = warm.pid as number;
    expect(before).toBeGreaterThan(0);
    const looped = (await grade({ root, select: '02-basic-header', dir: endless, perExerciseMs: 4_000, warm })).exercises[0];
    expect(looped?.status, looped?.reason).toBe('timeout');
    expect(looped?.points).toBe(0);
    expect(looped?.reason).toContain('did not finish within 4 s');
    expect(await groupEnds(before), 'the stopped process group is gone').toBe(true);
    const next = (await grade({ root, select: '02-basic-header', dir: workingCopy('after-loop', solution), warm })).exercises[0];
    expect(next?.status, next?.reason).toBe('passed');
    expect(warm.pid).not.toBe(before);

    // In a chapter, the other exercises still get their verdict (the files not started are run again in the new process), as in a one-shot run.
    const statuses = (r: GradeResult) => r.exercises.map((e) => [e.id, e.status]);
    const cold = await grade({ root, select: CHAPTER, dir: endless, perExerciseMs: 4_000, maxWorkers: 1 });
    const warmed = await grade({ root, select: CHAPTER, dir: endless, perExerciseMs: 4_000, maxWorkers: 1, warm });
    expect(statuses(cold)).toEqual([['02-basic-header', 'timeout'], ['02-parse-basic', 'failed'], ['02-secret-compare', 'failed']]);
    expect(statuses(warmed)).toEqual(statuses(cold));
  }, 120_000);

  it('keeps two checks at once apart: each gets the verdict of its own files', async () => {
    const failing = workingCopy('tab-1');
    const passing = workingCopy('tab-2', solution);
    const [first, second] = await Promise.all([
      grade({ root, select: '02-basic-header', dir: failing, warm }),
      grade({ root, select: '02-basic-header', dir: passing, warm }),
    ]);
    expect(first.source).toBe(failing);
    expect(first.exercises.map((e) => [e.id, e.status])).toEqual([['02-basic-header', 'failed']]);
    expect(second.source).toBe(passing);
    expect(second.exercises.map((e) => [e.id, e.status])).toEqual([['02-basic-header', 'passed']]);
    expect(first.runId).not.toBe(second.runId);
  }, 120_000);

  it('leaves nothing running once closed: the vitest process, its workers and its folders are gone', async () => {
    const grading = join(root, '.lab', 'grading');
    const warmFolders = () => (existsSync(grading) ? readdirSync(grading).filter((n) => n.startsWith('warm-')).sort() : []);
    const before = warmFolders();
    const own = createWarmGrader({ root });
    await own.warmUp();
    const pid = own.pid as number;
    expect(groupAlive(pid)).toBe(true);
    await own.close();
    expect(groupAlive(pid)).toBe(false);
    expect(own.pid).toBeUndefined();
    await expect(own.grade({ select: '02-basic-header' })).rejects.toThrow(TypeError);
    expect(warmFolders()).toEqual(before);
  }, 60_000);

  it.runIf(process.platform === 'linux')('accepts lowPriority: the vitest process and the compiler\'s thread run at nice 19, the caller\'s own thread as before, and a rehearsal leaves the verdicts as they were', async () => {
    const own = createWarmGrader({ root, lowPriority: true });
    try {
      await own.warmUp();
      // /proc/<pid>/task/<tid>/stat: the 19th field is the nice value (after the command in parentheses).
      const nice = (pid: number | string, tid: number | string) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
      const threadsOf = (pid: number) => readdirSync(`/proc/${pid}/task`).map((tid) => nice(pid, tid));
      const pid = own.pid as number;
      expect(new Set(threadsOf(pid))).toEqual(new Set([19]));
      expect(nice(process.pid, process.pid)).toBe(0);
      expect(threadsOf(process.pid).filter((n) => n === 19).length, 'the compiler\'s thread').toBeGreaterThanOrEqual(1);
      await own.rehearse(CHAPTER);
      await own.rehearse('99-nothing');
      const learner = workingCopy('rehearsed', solution);
      const [after, oneShot] = [await own.grade({ select: CHAPTER, dir: learner }), await grade({ root, select: CHAPTER, dir: learner })];
      expect(verdict(after)).toEqual(verdict(oneShot));
    } finally {
      await own.close();
    }
  }, 120_000);
});

