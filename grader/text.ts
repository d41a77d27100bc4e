/** Plain-text views of a grade for the terminal. */
import { roundPoints, type ExerciseScore, type GradeResult } from './grade.js';

const MARK: Record<ExerciseScore['status'], string> = { passed: '✓', failed: '✗', 'compile-error': '!', 'load-error': '!', timeout: '⏱', crashed: '!', missing: '?' };

function indent(text: string, prefix: string): string {
  return text.split('\n').map((l) => `${prefix}${l}`).join('\n');
}

/** One exercise: its tests with ✓/✗ and, for failures, the teaching message. */
export function formatExercise(e: ExerciseScore, options: { messages?: boolean; maxMessageLines?: number } = {}): string {
  const lines = [`${MARK[e.status]} ${e.id}  ${e.title}  ${roundPoints(e.points)}/${roundPoints(e.maxPoints)} points`];
  if (e.reason !== undefined) lines.push(`    ${e.status === 'compile-error' ? e.reason : `${e.status === 'failed' ? 'note' : e.status}: ${e.reason}`}`);
  for (const t of e.tests) {
    lines.push(`    ${t.passed ? '✓' : '✗'} ${t.name.replace(/^[^>]*> /, '')}`);
    if (!t.passed && options.messages !== false && t.message !== undefined) {
      lines.push(indent(t.message.split('\n').slice(0, options.maxMessageLines ?? 6).join('\n'), '        '));
    }
  }
  return lines.join('\n');
}

/** The grade of a whole working copy: per exercise, per chapter, and the total. */
export function formatGrade(result: GradeResult, options: { messages?: boolean } = {}): string {
  const out: string[] = [`Grading ${result.source}`];
  for (const chapter of result.chapters) {
    out.push('', `${chapter.chapter}  ${chapter.title}  ${roundPoints(chapter.points)}/${roundPoints(chapter.maxPoints)}`);
    for (const e of result.exercises.filter((x) => x.chapter === chapter.chapter)) out.push(indent(formatExercise(e, { messages: options.messages ?? false }), '  '));
  }
  const solved = result.exercises.filter((e) => e.status === 'passed').length;
  out.push('', `Total: ${roundPoints(result.points)}/${roundPoints(result.maxPoints)} points, ${solved} of ${result.exercises.length} exercises solved (${(result.durationMs / 1000).toFixed(1)} s)`);
  return `${out.join('\n')}\n`;
}
