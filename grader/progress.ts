/** What a learner has solved and how many hints they have seen, kept in `<root>/.lab/progress.json`. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Course, Exercise } from './manifest.js';
import type { ExerciseScore } from './grade.js';

export interface Progress {
  solved: Record<string, string>;
  hintsShown: Record<string, number>;
}

export function progressFile(root: string): string {
  return join(root, '.lab', 'progress.json');
}

export function readProgress(root: string): Progress {
  const file = progressFile(root);
  if (!existsSync(file)) return { solved: {}, hintsShown: {} };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<Progress>;
    return { solved: data.solved ?? {}, hintsShown: data.hintsShown ?? {} };
  } catch {
    return { solved: {}, hintsShown: {} };
  }
}

export function writeProgress(root: string, progress: Progress): void {
  const file = progressFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}

/** Records the outcome of graded exercises: solved ones are marked, failing ones unmarked. */
export function recordResults(progress: Progress, scores: readonly ExerciseScore[], at = new Date()): Progress {
  const solved = { ...progress.solved };
  for (const s of scores) {
    if (s.status === 'passed') solved[s.id] = at.toISOString();
    else delete solved[s.id];
  }
  return { ...progress, solved };
}

export function nextUnsolved(course: Course, progress: Progress): Exercise | undefined {
  return course.exercises.find((e) => progress.solved[e.id] === undefined);
}

/** "[██████░░░░░░░░] 6 of 25 solved (24%)" */
export function progressBar(solved: number, total: number, width = 24): string {
  const ratio = total === 0 ? 0 : solved / total;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${solved} of ${total} solved (${Math.round(ratio * 100)}%)`;
}
