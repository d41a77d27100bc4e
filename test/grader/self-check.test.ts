/**
 * The course checks itself (rustlings' `dev check`): every reference solution passes all of its
 * tests and scores full marks, every untouched exercise fails at least one test, and a submission
 * that edits a spec (and the manifest) to pass still scores zero on that exercise, because grading
 * always uses this checkout's own specs and manifests.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCourseRoot, grade, loadCourse, toClassroomResult, toJsonReport, toJUnitXml, type GradeResult } from '@client-auth-lab/grader';

const root = findCourseRoot();
const course = loadCourse(root);
const work = join(root, '.lab', 'test-grader', `self-check-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function failing(result: GradeResult): string {
  return result.exercises
    .filter((e) => e.status !== 'passed')
    .map((e) => `${e.id}: ${e.status}${e.reason === undefined ? '' : ` (${e.reason})`}\n${e.tests.filter((t) => !t.passed).map((t) => `    ✗ ${t.name}: ${(t.message ?? '').split('\n')[0]}`).join('\n')}`)
    .join('\n');
}

describe('the course manifests', () => {
  it('describe at least the first three chapters, two exercises or more each', () => {
    for (const chapter of ['01-client-types', '02-client-secrets', '03-client-assertions']) {
      const c = course.chapters.find((x) => x.chapter === chapter);
      expect(c?.exercises.length ?? 0, `${chapter} needs at least two exercises`).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('self-check', () => {
  let solutions: GradeResult;

  it('accepts every reference solution: all tests pass and grade --solutions scores full marks', async () => {
    solutions = await grade({ root, solutions: true, perExerciseMs: 60_000, totalMs: 600_000 });
    expect(failing(solutions), 'every solution passes all of its tests').toBe('');
    expect(solutions.exercises.length).toBe(course.exercises.length);
    expect(solutions.points, 'full marks').toBe(solutions.maxPoints);
    expect(solutions.maxPoints).toBe(course.maxPoints);
  }, 600_000);

  it('rejects every untouched exercise, and a spec edited to pass changes nothing', async () => {
    // A submission folder: the untouched exercises, with one spec and the manifest "improved".
    const submission = join(work, 'tampered');
    mkdirSync(submission, { recursive: true });
    cpSync(join(root, 'exercises'), join(submission, 'exercises'), { recursive: true });
    const target = course.exercises.find((e) => e.id === '02-basic-header');
    expect(target, 'the tamper test uses 02-basic-header').toBeDefined();
    writeFileSync(join(submission, 'exercises', '02-client-secrets', 'basic-header.test.ts'), "import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\n");
    writeFileSync(join(submission, 'exercises', '02-client-secrets', 'manifest.json'), JSON.stringify({ chapter: '02-client-secrets', title: 'x', exercises: [{ id: '02-basic-header', file: 'basic-header.ts', title: 'x', points: 1000, side: 'client', hints: ['a', 'b'] }] }));

    const untouched = await grade({ root, dir: submission, perExerciseMs: 60_000, totalMs: 600_000 });
    const passing = untouched.exercises.filter((e) => e.status === 'passed' || (e.tests.length > 0 && e.tests.every((t) => t.passed)));
    expect(passing.map((e) => e.id), 'every untouched exercise fails at least one of its tests').toEqual([]);
    for (const e of untouched.exercises) expect(e.tests.length, `${e.id} ran its spec (${e.reason ?? ''})`).toBeGreaterThan(0);
    const tampered = untouched.exercises.find((e) => e.id === '02-basic-header');
    expect(tampered?.points, 'the edited spec was ignored: the untouched exercise scores zero').toBe(0);
    expect(tampered?.maxPoints, 'points come from the official manifest').toBe(target?.points);
    expect(tampered?.tests.length, 'the official spec ran, not the one-test copy').toBeGreaterThan(1);
  }, 600_000);

  it('writes JSON, JUnit XML and Classroom reports that add up', () => {
    const json = JSON.parse(toJsonReport(solutions)) as GradeResult;
    expect(json.points).toBe(solutions.maxPoints);
    expect(json.exercises.map((e) => e.id)).toEqual(course.exercises.map((e) => e.id));

    const junit = toJUnitXml(solutions);
    const testCount = solutions.exercises.reduce((s, e) => s + e.tests.length, 0);
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(junit).toContain(`tests="${testCount}" failures="0" errors="0"`);
    expect(junit.match(/<testsuite /g)?.length).toBe(course.exercises.length);
    expect(junit.match(/<testcase /g)?.length).toBe(testCount);

    const classroom = toClassroomResult(solutions);
    expect(classroom.version).toBe(1);
    expect(classroom.status).toBe('pass');
    expect(classroom.max_score).toBe(course.maxPoints);
    expect(classroom.tests.length).toBe(testCount);
    expect(Math.round(classroom.tests.reduce((s, t) => s + t.score, 0) * 100) / 100, 'per-test scores add up to the maximum').toBe(course.maxPoints);
  });
});
