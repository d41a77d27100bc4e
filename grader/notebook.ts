/**
 * The in-notebook check a chapter's last cell runs:
 *
 *   import * as tslab from 'tslab';
 *   import { checkChapter, renderCheckHtml } from '@client-auth-lab/grader';
 *   tslab.display.html(renderCheckHtml(await checkChapter('02-client-secrets')));
 */
import { grade, roundPoints, type GradeOptions, type GradeResult } from './grade.js';
import { findCourseRoot } from './paths.js';

export type CheckResult = GradeResult;

/**
 * Set by the built-in notebook app in the environment of the kernels it starts: where a chapter's
 * check is sent (POST `{"chapter": …, "root": …}`), to be graded by the app's warm grader.
 */
export const NOTEBOOK_APP_CHECK_ENV = 'AUTHLAB_APP_CHECK_URL';

/**
 * The app's answer for this checkout's chapter, or undefined when there is no app to ask, or it could
 * not grade this checkout (another course root, a stopped app): the kernel then grades by itself.
 */
async function checkInApp(url: string, chapter: string, root: string): Promise<CheckResult | undefined> {
  try {
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chapter, root }) });
    if (!answer.ok) return undefined;
    const { result } = (await answer.json()) as { result?: CheckResult };
    return result !== undefined && Array.isArray(result.exercises) ? result : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Grades one chapter of the learner's working copy (its exercises/ folder) with the official specs.
 * In the built-in app (NOTEBOOK_APP_CHECK_ENV set) the app's warm grader does it, with the same result
 * as a one-shot grading here; options other than the defaults always grade here.
 */
export async function checkChapter(chapter: string, options: Omit<GradeOptions, 'select' | 'solutions'> = {}): Promise<CheckResult> {
  const url = process.env[NOTEBOOK_APP_CHECK_ENV];
  if (url !== undefined && url !== '' && Object.keys(options).length === 0) {
    const result = await checkInApp(url, chapter, findCourseRoot());
    if (result !== undefined) return result;
  }
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
