/** The app's HTML pages: the index of chapters (rendered here) and the shell of a notebook page (the bundle fills it). */
import type { Course, Progress } from '@client-auth-lab/grader';
import type { Chapter, Edition } from './notebook-files.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown inline code and emphasis in a heading, as plain HTML. */
function inlineTitle(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

/** The app's languages: the index and every page's frame; a chapter's own text is its edition's. */
export type UiLanguage = 'en' | 'ja';

function page(title: string, body: string, script: string | undefined, language: UiLanguage): string {
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/static/app.css"></head>
<body>${body}${script === undefined ? '' : `<script type="module" src="${script}"></script>`}</body></html>`;
}

const INDEX_WORDS = {
  en: {
    intro: 'OAuth 2.0 client authentication, one notebook per chapter, on the TypeScript kernel.',
    solved: (solved: number, total: number) => `<b>${solved} of ${total}</b> exercises solved.`,
    viewer: 'Trace viewer', cheatSheet: 'Cheat sheet', glossary: 'Glossary (English · 日本語)',
    editions: { en: 'English edition', ja: '日本語版 (Japanese edition)' } as Record<Edition, string>,
    switchTo: '日本語で表示', switchLang: 'ja' as UiLanguage,
    noExercises: 'no exercises', solvedOf: (solved: number, total: number) => `${solved} of ${total} exercises solved`,
    foot: 'Exercises: edit <code>exercises/NN-topic/*.ts</code>, then check them from the chapter\'s Exercises panel or with <code>npx authlab check</code>.',
    loading: (name: string) => `Loading ${name}…`,
  },
  ja: {
    intro: 'OAuth 2.0 のクライアント認証を、章ごとのノートブックで、TypeScript カーネルの上で学びます。',
    solved: (solved: number, total: number) => `演習 <b>${total} 問中 ${solved} 問</b>を解きました。`,
    viewer: 'トレースビューアー', cheatSheet: 'チートシート', glossary: '用語集 (English · 日本語)',
    editions: { en: 'English edition (英語版)', ja: '日本語版' } as Record<Edition, string>,
    switchTo: 'Show in English', switchLang: 'en' as UiLanguage,
    noExercises: '演習なし', solvedOf: (solved: number, total: number) => `${total} 問中 ${solved} 問を解答済み`,
    foot: '演習: <code>exercises/NN-topic/*.ts</code> を編集し、章の「演習」パネルか <code>npx authlab check</code> で採点します。',
    loading: (name: string) => `${name} を読み込んでいます…`,
  },
};

export interface IndexData {
  language: UiLanguage;
  /** Each edition's chapters, the learner's language first. */
  editions: { edition: Edition; chapters: Chapter[] }[];
  course: Course | undefined;
  progress: Progress;
  labServerUrl: string | undefined;
  cheatSheet: boolean;
  glossary: boolean;
}

export function indexPage(data: IndexData): string {
  const words = INDEX_WORDS[data.language];
  const exercises = data.course?.exercises ?? [];
  const rows = (chapters: Chapter[]) => chapters.map((c) => {
    const own = exercises.filter((e) => e.chapter === c.chapter);
    const solved = own.filter((e) => data.progress.solved[e.id] !== undefined).length;
    const mark = own.length === 0 ? `<span class="progress none" title="${escapeHtml(words.noExercises)}">·</span>`
      : `<span class="progress${solved === own.length ? ' done' : ''}" data-solved="${solved}" data-total="${own.length}" title="${escapeHtml(words.solvedOf(solved, own.length))}">${solved === own.length ? '✓' : '○'} ${solved}/${own.length}</span>`;
    const list = own.length === 0 ? '' : `<ul class="exercises">${own.map((e) => `<li data-exercise-id="${escapeHtml(e.id)}">${data.progress.solved[e.id] !== undefined ? '✓' : '○'} <code>${escapeHtml(e.id)}</code> ${escapeHtml(e.title)}</li>`).join('')}</ul>`;
    const broken = c.problem === undefined ? '' : `<div class="problem">${escapeHtml(c.problem)}</div>`;
    const href = c.stem.split('/').map(encodeURIComponent).join('/');
    return `<li class="chapter"><a href="/notebooks/${href}">${inlineTitle(c.title)}</a> ${mark} <span class="stem">${escapeHtml(c.edition === 'en' ? c.file : `${c.edition}/${c.file}`)}</span>${broken}${list}</li>`;
  });
  const total = exercises.length;
  const solved = exercises.filter((e) => data.progress.solved[e.id] !== undefined).length;
  const links = [
    data.labServerUrl === undefined ? '' : `<a href="${escapeHtml(data.labServerUrl)}/lab">${escapeHtml(words.viewer)}</a>`,
    data.cheatSheet ? `<a href="/docs/cheat-sheet.md">${escapeHtml(words.cheatSheet)}</a>` : '',
    data.glossary ? `<a href="/docs/glossary.md">${escapeHtml(words.glossary)}</a>` : '',
  ].filter((l) => l !== '').join(' · ');
  const shown = data.editions.filter((e) => e.chapters.length > 0);
  // Both editions are long lists: the top of the page links each.
  const jumps = shown.length < 2 ? '' : ` · ${shown.map((e) => `<a href="#edition-${e.edition}">${escapeHtml(words.editions[e.edition])}</a>`).join(' · ')}`;
  const editions = shown.map((e) => `<section class="edition" id="edition-${e.edition}" lang="${e.edition}" data-edition="${e.edition}">
<h2>${escapeHtml(words.editions[e.edition])}</h2>
<ol class="chapters" data-edition="${e.edition}">${rows(e.chapters).join('\n')}</ol>
</section>`);
  return page('client-auth-lab', `<main class="index">
<nav class="language"><a href="/?lang=${words.switchLang}" hreflang="${words.switchLang}" lang="${words.switchLang}" data-switch-language="${words.switchLang}">${escapeHtml(words.switchTo)}</a>${jumps}</nav>
<h1>client-auth-lab</h1>
<p>${escapeHtml(words.intro)} ${total === 0 ? '' : words.solved(solved, total)} ${links}</p>
${editions.join('\n')}
<p class="foot">${words.foot}</p>
</main>`, undefined, data.language);
}

export function notebookPage(stem: string, language: UiLanguage): string {
  return page(stem, `<div id="app" data-notebook="${escapeHtml(stem)}" data-lang="${language}"><p class="loading">${escapeHtml(INDEX_WORDS[language].loading(stem))}</p></div>`, '/static/notebook.js', language);
}

/** A Markdown file of docs/ (glossary, cheat sheet), drawn by the browser bundle. */
export function documentPage(name: string, language: UiLanguage): string {
  return page(name, `<main class="document markdown-view" id="doc" data-doc="${escapeHtml(name)}"><p class="loading">${escapeHtml(INDEX_WORDS[language].loading(name))}</p></main>`, '/static/document.js', language);
}
