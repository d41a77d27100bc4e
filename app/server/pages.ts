/** The app's HTML pages: the index of chapters (rendered here) and the shell of a notebook page (the bundle fills it). */
import type { Course, Progress } from '@client-auth-lab/grader';
import type { Chapter } from './notebook-files.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown inline code and emphasis in a heading, as plain HTML. */
function inlineTitle(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

function page(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/static/app.css"></head>
<body>${body}${script === undefined ? '' : `<script type="module" src="${script}"></script>`}</body></html>`;
}

export interface IndexData {
  chapters: Chapter[];
  course: Course | undefined;
  progress: Progress;
  labServerUrl: string | undefined;
  cheatSheet: boolean;
}

export function indexPage(data: IndexData): string {
  const exercises = data.course?.exercises ?? [];
  const rows = data.chapters.map((c) => {
    const own = exercises.filter((e) => e.chapter === c.stem);
    const solved = own.filter((e) => data.progress.solved[e.id] !== undefined).length;
    const mark = own.length === 0 ? '<span class="progress none" title="no exercises">·</span>'
      : `<span class="progress${solved === own.length ? ' done' : ''}" data-solved="${solved}" data-total="${own.length}" title="${solved} of ${own.length} exercises solved">${solved === own.length ? '✓' : '○'} ${solved}/${own.length}</span>`;
    const list = own.length === 0 ? '' : `<ul class="exercises">${own.map((e) => `<li data-exercise-id="${escapeHtml(e.id)}">${data.progress.solved[e.id] !== undefined ? '✓' : '○'} <code>${escapeHtml(e.id)}</code> ${escapeHtml(e.title)}</li>`).join('')}</ul>`;
    const broken = c.problem === undefined ? '' : `<div class="problem">${escapeHtml(c.problem)}</div>`;
    return `<li class="chapter"><a href="/notebooks/${encodeURIComponent(c.stem)}">${inlineTitle(c.title)}</a> ${mark} <span class="stem">${escapeHtml(c.file)}</span>${broken}${list}</li>`;
  });
  const total = exercises.length;
  const solved = exercises.filter((e) => data.progress.solved[e.id] !== undefined).length;
  const links = [
    data.labServerUrl === undefined ? '' : `<a href="${escapeHtml(data.labServerUrl)}/lab">Trace viewer</a>`,
    data.cheatSheet ? '<a href="/docs/cheat-sheet.md">Cheat sheet</a>' : '',
  ].filter((l) => l !== '').join(' · ');
  return page('client-auth-lab', `<main class="index">
<h1>client-auth-lab</h1>
<p>OAuth 2.0 client authentication, one notebook per chapter, on the TypeScript kernel. ${total === 0 ? '' : `<b>${solved} of ${total}</b> exercises solved.`} ${links}</p>
<ol class="chapters">${rows.join('\n')}</ol>
<p class="foot">Exercises: edit <code>exercises/NN-topic/*.ts</code>, then check them from the chapter's Exercises panel or with <code>npx authlab check</code>.</p>
</main>`);
}

export function notebookPage(stem: string): string {
  return page(stem, `<div id="app" data-notebook="${escapeHtml(stem)}"><p class="loading">Loading ${escapeHtml(stem)}…</p></div>`, '/static/notebook.js');
}
