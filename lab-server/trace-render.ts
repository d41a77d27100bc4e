/**
 * A trace as HTML, for notebooks (tslab.display.html) and the trace viewer: the exchange, then each
 * check the server made with ✓/✗, its explanation and its spec section, then the response.
 */
import type { Trace } from './traces.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The checks of a trace as an HTML table, with a one-line summary above it. */
export function renderTraceHtml(trace: Trace | undefined): string {
  if (trace === undefined) return '<p><em>no trace recorded</em></p>';
  const verdict = trace.outcome.ok
    ? `<strong style="color:#137333">accepted</strong>`
    : `<strong style="color:#b3261e">refused: ${escapeHtml(trace.outcome.error ?? '')}</strong> <code>${escapeHtml(trace.outcome.code ?? '')}</code>`;
  const who = trace.clientId === undefined ? '' : ` · client <code>${escapeHtml(trace.clientId)}</code>${trace.method === undefined ? '' : ` (${escapeHtml(trace.method)})`}`;
  const rows = trace.checks.map((check) => `<tr style="background:${check.passed ? 'transparent' : '#fce8e6'}">`
    + `<td>${check.passed ? '✓' : '✗'}</td><td><code>${escapeHtml(check.name)}</code></td>`
    + `<td>${escapeHtml(check.detail)}</td><td>${escapeHtml(check.spec ?? '')}</td></tr>`).join('');
  const notes = trace.notes.map((n) => `<p>note: ${escapeHtml(n)}</p>`).join('');
  return `<div class="lab-trace"><p><code>${escapeHtml(trace.request.method)} ${escapeHtml(trace.request.path)}</code> on ${trace.request.listener} → `
    + `${trace.response.status} ${verdict}${who}</p>${notes}`
    + `<table><thead><tr><th></th><th>check</th><th>what the server found</th><th>rule</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
