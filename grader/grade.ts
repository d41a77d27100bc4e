/**
 * Grading: build the tree, type-check the candidate files while the official specs run once, and
 * turn test results into points. An exercise's points are shared equally by its tests; a file that
 * does not compile (a type error counts, even when the code would run), fails to load, times out or
 * is missing scores zero with the reason.
 */
import { availableParallelism } from 'node:os';
import { loadCourse, selectExercises, type Course, type Exercise } from './manifest.js';
import { runSpecs, type FileOutcome, type SpecLauncher } from './runner.js';
import { buildGradingTree, removeGradingTree, type CandidateSource, type GradingTree, type Sandbox } from './tree.js';
import { typeCheckTree, type CompileError, type TypeCheckResult } from './typecheck.js';
import type { WarmGrader } from './warm.js';
import { findCourseRoot } from './paths.js';

export type ExerciseStatus = 'passed' | 'failed' | 'compile-error' | 'load-error' | 'timeout' | 'crashed' | 'missing';

export interface TestScore {
  name: string;
  passed: boolean;
  /** The teaching message of the first failure. */
  message?: string;
  points: number;
  maxPoints: number;
  durationMs: number;
}

export interface ExerciseScore {
  id: string;
  chapter: string;
  title: string;
  file: string;
  side: Exercise['side'];
  status: ExerciseStatus;
  points: number;
  maxPoints: number;
  tests: TestScore[];
  reason?: string;
  hints: string[];
  durationMs: number;
}

export interface ChapterScore {
  chapter: string;
  title: string;
  points: number;
  maxPoints: number;
  solved: number;
  exercises: number;
}

export interface GradeResult {
  runId: string;
  /** What was graded: "solutions" or the folder of the learner's exercises. */
  source: string;
  startedAt: string;
  durationMs: number;
  points: number;
  maxPoints: number;
  chapters: ChapterScore[];
  exercises: ExerciseScore[];
}

export interface GradeOptions {
  /** The course checkout whose specs and manifests are official (default: the one this package is in). */
  root?: string;
  /** A chapter, its NN prefix, or an exercise id; default everything. */
  select?: string;
  /** Grade the reference solutions instead of a learner's exercises. */
  solutions?: boolean;
  /** The learner's working copy (a folder with exercises/, or the chapter folders themselves); default the course root. */
  dir?: string;
  /** Per exercise (one spec file), ms. Default 20 s. */
  perExerciseMs?: number;
  /** Per test, ms. Default 10 s. */
  testTimeoutMs?: number;
  /** The whole run, ms. Default 5 min. */
  totalMs?: number;
  maxWorkers?: number;
  /** Keep the grading tree for inspection. */
  keepTree?: boolean;
  /**
   * Grade with a warm grader (see `createWarmGrader`): the compiler and a vitest process stay up
   * between calls, for a long-lived caller such as the notebook app. Same results as without.
   */
  warm?: WarmGrader;
}

/** How one grading run builds, runs and checks its tree; the defaults are the one-shot processes. */
export interface GradingEngine {
  /** The sandbox the tree is built in (a warm vitest process's); default the tree's own. */
  sandbox?: Sandbox;
  launcher?: SpecLauncher;
  typeCheck?: (tree: GradingTree, timeoutMs: number) => Promise<TypeCheckResult>;
  removeTree?: (tree: GradingTree) => void;
}

/** Rounded for display and reports; sums use the exact values. */
export function roundPoints(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Splits an exercise's points over n tests in hundredths that add up exactly (4 over 3 → 1.34, 1.33, 1.33). */
export function sharePoints(points: number, n: number): number[] {
  const hundredths = Math.round(points * 100);
  const base = Math.floor(hundredths / n);
  const extra = hundredths - base * n;
  return Array.from({ length: n }, (_, i) => (base + (i < extra ? 1 : 0)) / 100);
}

function firstFailure(errors: { message: string }[]): string | undefined {
  const message = errors[0]?.message;
  return message === undefined ? undefined : message.trim();
}

/** "does not compile: exercises/02-client-secrets/basic-header.ts:14 — Type 'number' is not assignable to type 'string' (TS2322)", plus how many more. */
export function compileReason(path: string, errors: readonly CompileError[]): string {
  const first = errors[0];
  if (first === undefined) return `does not compile: ${path}`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return `does not compile: ${path}:${first.line} — ${first.message.replace(/\.$/, '')} (${first.code})${more}`;
}

/**
 * Scores one exercise from its spec's outcome. `compileErrors` are the type errors of its candidate
 * file, and `sourceLabel` is how the file is named in the reason (e.g. `exercises`).
 */
export function scoreExercise(exercise: Exercise, outcome: FileOutcome | undefined, compileErrors: readonly CompileError[] = [], sourceLabel = 'exercises'): ExerciseScore {
  const base = { id: exercise.id, chapter: exercise.chapter, title: exercise.title, file: exercise.file, side: exercise.side, maxPoints: exercise.points, hints: exercise.hints };
  if (outcome === undefined) {
    return { ...base, status: 'missing', points: 0, tests: [], reason: `${exercise.chapter}/${exercise.file} is missing`, durationMs: 0 };
  }
  if (compileErrors.length > 0) {
    return { ...base, status: 'compile-error', points: 0, tests: [], reason: compileReason(`${sourceLabel}/${exercise.chapter}/${exercise.file}`, compileErrors), durationMs: outcome.durationMs };
  }
  if (outcome.status !== 'finished') {
    return { ...base, status: outcome.status, points: 0, tests: [], reason: outcome.reason ?? outcome.status, durationMs: outcome.durationMs };
  }
  const share = sharePoints(exercise.points, outcome.tests.length);
  const tests: TestScore[] = outcome.tests.map((t, i) => {
    const passed = t.state === 'passed';
    const message = passed ? undefined : t.state === 'skipped' ? 'skipped' : firstFailure(t.errors);
    return { name: t.name, passed, ...(message === undefined ? {} : { message }), points: passed ? (share[i] as number) : 0, maxPoints: share[i] as number, durationMs: t.duration };
  });
  const points = roundPoints(tests.reduce((sum, t) => sum + t.points, 0));
  const allPassed = tests.every((t) => t.passed);
  return { ...base, status: allPassed ? 'passed' : 'failed', points, tests, ...(outcome.reason === undefined ? {} : { reason: outcome.reason }), durationMs: outcome.durationMs };
}

export function summarise(course: Course, exercises: ExerciseScore[]): ChapterScore[] {
  return course.chapters
    .map((c) => {
      const list = exercises.filter((e) => e.chapter === c.chapter);
      return {
        chapter: c.chapter,
        title: c.title,
        points: list.reduce((s, e) => s + e.points, 0),
        maxPoints: list.reduce((s, e) => s + e.maxPoints, 0),
        solved: list.filter((e) => e.status === 'passed').length,
        exercises: list.length,
      };
    })
    .filter((c) => c.exercises > 0);
}

/** Grades a working copy (or the solutions) against this checkout's specs. */
export function grade(options: GradeOptions = {}): Promise<GradeResult> {
  if (options.warm !== undefined) return options.warm.grade(options);
  return gradeWith(options, {});
}

/** `grade` with the parts of `engine` in place of the one-shot ones. */
export async function gradeWith(options: GradeOptions, engine: GradingEngine): Promise<GradeResult> {
  const started = Date.now();
  const root = options.root ?? findCourseRoot();
  const course = loadCourse(root);
  const selected = selectExercises(course, options.select);
  const source: CandidateSource = options.solutions ? { kind: 'solutions' } : { kind: 'exercises', dir: options.dir ?? root };
  const tree = buildGradingTree(root, selected, source, {
    testTimeoutMs: options.testTimeoutMs ?? 10_000,
    maxWorkers: options.maxWorkers ?? Math.max(2, Math.min(4, availableParallelism())),
  }, engine.sandbox);
  try {
    const totalMs = options.totalMs ?? 300_000;
    // The compiler and the specs run side by side, each in its own process.
    const [outcomes, typeCheck] = await Promise.all([
      runSpecs(tree, tree.staged.map((s) => s.spec), { root, perExerciseMs: options.perExerciseMs ?? 20_000, totalMs, ...(engine.launcher === undefined ? {} : { launcher: engine.launcher }) }),
      (engine.typeCheck ?? ((t, ms) => typeCheckTree(root, t, ms)))(tree, Math.min(totalMs, 120_000)),
    ]);
    const label = options.solutions ? 'solutions' : 'exercises';
    const exercises = selected.map((e) => scoreExercise(e, outcomes.get(`${e.chapter}/${e.spec}`), typeCheck.errors.get(`${e.chapter}/${e.file}`), label));
    return {
      runId: tree.runId,
      source: options.solutions ? 'solutions' : (options.dir ?? root),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      points: roundPoints(exercises.reduce((s, e) => s + e.points, 0)),
      maxPoints: exercises.reduce((s, e) => s + e.maxPoints, 0),
      chapters: summarise(course, exercises),
      exercises,
    };
  } finally {
    if (engine.removeTree !== undefined) engine.removeTree(tree);
    else if (!options.keepTree) removeGradingTree(tree);
  }
}
