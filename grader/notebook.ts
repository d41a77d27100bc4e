/**
 * The in-notebook check a chapter's last cell runs:
 *
 *   import * as tslab from 'tslab';
 *   import { checkChapter, renderCheckHtml } from '@client-auth-lab/grader';
 *   tslab.display.html(renderCheckHtml(await checkChapter('02-client-secrets')));
 */
import { grade, roundPoints, type GradeOptions, type GradeResult } from './grade.js';

export type CheckResult = GradeResult;

/** Grades one chapter of the learner's working copy (its exercises/ folder) with the official specs. */
export function checkChapter(chapter: string, options: Omit<GradeOptions, 'select' | 'solutions'> = {}): Promise<CheckResult> {
  return grade({ ...options, select: chapter });
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STATUS: Record<string, [string, string]> = {
  passed: ['✓', '#1a7f37'], failed: ['✗', '#cf222e'], 'compile-error': ['does not compile', '#cf222e'], 'load-error': ['does not load', '#cf222e'], timeout: ['time limit', '#9a6700'], crashed: ['crashed', '#cf222e'], missing: ['missing', '#9a6700'],
};

/** A table: one row per exercise with its status, points, the failing tests' messages and the first hint. */
export function renderCheckHtml(result: CheckResult): string {
  const rows = result.exercises.map((e) => {
    const [label, colour] = STATUS[e.status] ?? ['?', '#57606a'];
    const failures = e.tests.filter((t) => !t.passed).map((t) => `<li><b>${html(t.name.replace(/^[^>]*> /, ''))}</b><pre style="white-space:pre-wrap;margin:2px 0">${html((t.message ?? '').split('\n').slice(0, 6).join('\n'))}</pre></li>`);
    const reason = e.reason === undefined || e.status === 'passed' ? '' : `<div>${html(e.reason)}</div>`;
    const hint = e.status === 'passed' || e.hints[0] === undefined ? '' : `<div style="color:#57606a">Hint: ${html(e.hints[0])} <i>(more: <code>authlab check ${html(e.id)} --hint</code>)</i></div>`;
    const detail = `${reason}${failures.length > 0 ? `<ul style="margin:4px 0">${failures.join('')}</ul>` : ''}${hint}`;
    return `<tr><td style="color:${colour};font-weight:bold;white-space:nowrap"><span style="display:inline-block;min-width:2.4em">${html(label)}</span></td><td><code>${html(e.id)}</code><br>${html(e.title)}</td><td style="text-align:right">${roundPoints(e.points)}/${roundPoints(e.maxPoints)}</td><td style="text-align:left">${detail || '—'}</td></tr>`;
  });
  const solved = result.exercises.filter((e) => e.status === 'passed').length;
  return `<div class="authlab-check"><table style="border-collapse:collapse"><thead><tr><th></th><th>exercise</th><th>points</th><th style="text-align:left">details</th></tr></thead><tbody>${rows.join('')}</tbody></table><p><b>${roundPoints(result.points)}/${roundPoints(result.maxPoints)} points</b>, ${solved} of ${result.exercises.length} solved.</p></div>`;
}
