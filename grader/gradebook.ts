/**
 * Grading a class: every submission folder (one per student) in parallel, each with its own time
 * limit, into one CSV row per student. A submission that does not compile (type errors included),
 * does not load or hangs gets zero for the affected exercises and a reason; it never stops the others.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { grade, roundPoints, type GradeResult } from './grade.js';
import { loadCourse, selectExercises } from './manifest.js';
import { findCourseRoot } from './paths.js';

export interface GradebookOptions {
  root?: string;
  /** Submissions graded at the same time (default 2). */
  parallel?: number;
  /** Per submission, ms (default 3 min). */
  perSubmissionMs?: number;
  /** Per exercise, ms (default 20 s). */
  perExerciseMs?: number;
  testTimeoutMs?: number;
  /** Grade only one chapter or exercise (default: the whole course). */
  select?: string;
}

export interface GradebookRow {
  student: string;
  points: Record<string, number>;
  total: number;
  reasons: string[];
  result?: GradeResult;
}

export interface Gradebook {
  exerciseIds: string[];
  maxPoints: Record<string, number>;
  rows: GradebookRow[];
  durationMs: number;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gradebookCsv(book: Gradebook): string {
  const header = ['student', ...book.exerciseIds, 'total', 'reasons'];
  const max = ['(max)', ...book.exerciseIds.map((id) => roundPoints(book.maxPoints[id] ?? 0)), roundPoints(Object.values(book.maxPoints).reduce((a, b) => a + b, 0)), ''];
  const rows = book.rows.map((r) => [r.student, ...book.exerciseIds.map((id) => roundPoints(r.points[id] ?? 0)), roundPoints(r.total), r.reasons.join('; ')]);
  return `${[header, max, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runGradebook(submissionsDir: string, options: GradebookOptions = {}): Promise<Gradebook> {
  const started = Date.now();
  const root = options.root ?? findCourseRoot();
  const course = loadCourse(root);
  const selected = selectExercises(course, options.select);
  const students = readdirSync(submissionsDir).filter((name) => !name.startsWith('.') && statSync(join(submissionsDir, name)).isDirectory()).sort();
  const rows = await pool(students, options.parallel ?? 2, async (student): Promise<GradebookRow> => {
    try {
      const result = await grade({
        root,
        dir: join(submissionsDir, student),
        totalMs: options.perSubmissionMs ?? 180_000,
        perExerciseMs: options.perExerciseMs ?? 20_000,
        ...(options.testTimeoutMs === undefined ? {} : { testTimeoutMs: options.testTimeoutMs }),
        maxWorkers: 2,
        ...(options.select === undefined ? {} : { select: options.select }),
      });
      const points = Object.fromEntries(result.exercises.map((e) => [e.id, e.points]));
      const reasons = result.exercises.filter((e) => e.status !== 'passed' && e.status !== 'failed').map((e) => `${e.id}: ${e.status}${e.reason === undefined ? '' : ` (${e.reason})`}`);
      return { student, points, total: result.points, reasons, result };
    } catch (error) {
      return { student, points: {}, total: 0, reasons: [`not graded: ${(error as Error).message}`] };
    }
  });
  return {
    exerciseIds: selected.map((e) => e.id),
    maxPoints: Object.fromEntries(selected.map((e) => [e.id, e.points])),
    rows,
    durationMs: Date.now() - started,
  };
}
