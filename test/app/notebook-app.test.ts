// The built-in app's server as a browser (or any external check) talks to it, over HTTP on a real
// listening socket: the index contract, notebook files saved so Jupyter opens them unchanged, broken
// files never overwritten, Revert, hints one at a time, Reset, loopback only, no cross-origin writes.
// The course root is a temporary git checkout holding one chapter's exercises; kernels are never started.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNotebook, projectKernelSpec, readNotebook, startNotebookApp, type RunningNotebookApp } from '@client-auth-lab/app';

const project = fileURLToPath(new URL('../../', import.meta.url));
const CHAPTER = '03-client-assertions';
const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';
const nbformatMissing = spawnSync(PYTHON, ['-c', 'import nbformat']).status !== 0;

let root = '';
let app: RunningNotebookApp;

const notebookPath = (stem: string): string => join(root, 'notebooks', `${stem}.ipynb`);
const post = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
const put = (stem: string, notebook: unknown): Promise<Response> =>
  fetch(`${app.url}/api/notebooks/${stem}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook }) });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'authlab-app-'));
  cpSync(join(project, 'notebooks'), join(root, 'notebooks'), { recursive: true, filter: (f) => !f.includes('.ipynb_checkpoints') });
  cpSync(join(project, 'exercises', CHAPTER), join(root, 'exercises', CHAPTER), { recursive: true });
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'cheat-sheet.md'), '# Cheat sheet\n');
  writeFileSync(join(root, 'docs', 'glossary.md'), '# Glossary · 用語集\n');
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=lab', '-c', 'user.email=lab@example.test', ...args], { cwd: root, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'course');
  app = await startNotebookApp({ root, kernelSpec: projectKernelSpec(project), port: 0, spareKernel: false });
});

afterAll(async () => {
  await app?.stop();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('the index page', () => {
  const stemsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => f.slice(0, -'.ipynb'.length));
  const chapterLinks = (html: string, edition: string) => {
    const list = new RegExp(`<ol class="chapters" data-edition="${edition}">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '';
    return [...list.matchAll(/<li class="chapter"><a href="([^"]+)">([^<]*(?:<[^/][^>]*>[^<]*<\/[^>]+>[^<]*)*)<\/a>/g)];
  };

  it('accepts a visit: every chapter in order, linked by its file stem, titled from its first heading, with progress marks, the exercise list and the cheat sheet', async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    const hrefs = chapterLinks(html, 'en');
    expect(hrefs.map((m) => m[1])).toEqual(stemsIn(join(root, 'notebooks')).map((s) => `/notebooks/${s}`));
    expect(hrefs[0]?.[2]).toBe('Welcome to client-auth-lab');
    expect(html).toMatch(new RegExp(`data-solved="0" data-total="3"`));
    for (const id of ['03-make-assertion', '03-audience-policy', '03-replay-store']) expect(html).toContain(`data-exercise-id="${id}"`);
    expect(html).toContain('href="/docs/cheat-sheet.md"');
    expect((await fetch(`${app.url}/docs/cheat-sheet.md`)).status).toBe(200);
  });

  it('accepts a visit in English by default and lists both editions, the English one first', async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    expect(html).toContain('<html lang="en">');
    expect(html.indexOf('data-edition="en"')).toBeLessThan(html.indexOf('data-edition="ja"'));
    const japanese = chapterLinks(html, 'ja');
    expect(japanese.map((m) => m[1])).toEqual(stemsIn(join(root, 'notebooks', 'ja')).map((s) => `/notebooks/ja/${s}`));
    expect(japanese[0]?.[2]).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(html).toContain('href="/?lang=ja"');
    expect(html).toContain('<a href="#edition-ja">');
    expect(html).toContain('id="edition-ja"');
  });

  it('accepts a browser that prefers Japanese: the index in Japanese, the Japanese edition first', async () => {
    const html = await (await fetch(`${app.url}/`, { headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' } })).text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('日本語版');
    expect(html.indexOf('data-edition="ja"')).toBeLessThan(html.indexOf('data-edition="en"'));
    expect(html).toContain('href="/?lang=en"');
  });

  it('accepts the switch: ?lang= sets the language and a cookie keeps it over the browser\'s', async () => {
    const switched = await fetch(`${app.url}/?lang=ja`);
    const cookie = switched.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^authlab_lang=ja;/);
    expect(await switched.text()).toContain('<html lang="ja">');
    const later = await fetch(`${app.url}/notebooks/${CHAPTER}`, { headers: { cookie: cookie.split(';')[0] as string, 'accept-language': 'en' } });
    expect(await later.text()).toContain('data-lang="ja"');
  });

  it('accepts a Japanese chapter at /notebooks/ja/<stem>, its API at ja%2F<stem>, and the chapter\'s exercises for both editions', async () => {
    const page = await (await fetch(`${app.url}/notebooks/ja/${CHAPTER}`)).text();
    expect(page).toContain(`data-notebook="ja/${CHAPTER}"`);
    const { notebook } = (await (await fetch(`${app.url}/api/notebooks/ja%2F${CHAPTER}`)).json()) as { notebook: { cells: { source: string[] }[] } };
    expect(notebook.cells[0]?.source.join('')).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    const ids = async (stem: string) => ((await (await fetch(`${app.url}/api/chapters/${encodeURIComponent(stem)}/exercises`)).json()) as { exercises: { id: string }[] }).exercises.map((e) => e.id);
    expect(await ids(`ja/${CHAPTER}`)).toEqual(await ids(CHAPTER));
    expect((await ids(CHAPTER)).length).toBe(3);
  });

  it('accepts the glossary and the cheat sheet as pages, and their Markdown raw', async () => {
    const page = await fetch(`${app.url}/docs/glossary.md`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('data-doc="glossary.md"');
    const raw = await fetch(`${app.url}/docs/raw/glossary.md`);
    expect(await raw.text()).toBe('# Glossary · 用語集\n');
  });

  it('rejects a docs file that is not one of the course\'s documents because only the glossary and cheat sheet are served (ERR_NOT_FOUND)', async () => {
    for (const path of ['/docs/raw/..%2Fpackage.json', '/docs/secret.md', '/docs/raw/notes.md']) {
      const answer = await fetch(`${app.url}${path}`);
      expect(answer.status, path).toBe(404);
      expect(((await answer.json()) as { error: string }).error).toBe('ERR_NOT_FOUND');
    }
  });

  it('listens on 127.0.0.1 only when no host is given', () => {
    expect((app.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('notebook files', () => {
  it('accepts a save and writes nbformat 4 in the layout Jupyter writes (byte for byte for an unchanged notebook)', async () => {
    const before = readFileSync(notebookPath(CHAPTER), 'utf8');
    const loaded = (await (await fetch(`${app.url}/api/notebooks/${CHAPTER}`)).json()) as { notebook: unknown };
    expect((await put(CHAPTER, loaded.notebook)).status).toBe(200);
    expect(readFileSync(notebookPath(CHAPTER), 'utf8')).toBe(before);
    expect(formatNotebook(readNotebook(notebookPath(CHAPTER)))).toBe(before);
  });

  it.skipIf(nbformatMissing)('accepts an edited notebook that nbformat validates as version 4', async () => {
    const { notebook } = (await (await fetch(`${app.url}/api/notebooks/00-welcome`)).json()) as { notebook: { cells: { cell_type: string; source: string | string[] }[] } };
    const code = notebook.cells.find((c) => c.cell_type === 'code');
    if (code === undefined) throw new Error('00-welcome has no code cell');
    code.source = `// an edit\n${Array.isArray(code.source) ? code.source.join('') : code.source}`;
    expect((await put('00-welcome', notebook)).status).toBe(200);
    const check = spawnSync(PYTHON, ['-c', 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], 4)); print("valid")', notebookPath('00-welcome')], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('valid');
  });

  it('rejects a save of something that is not a notebook because cells must be an array (ERR_NOTEBOOK_FORMAT), leaving the file as it was', async () => {
    const before = readFileSync(notebookPath('01-client-types'), 'utf8');
    const answer = await put('01-client-types', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: 'none' });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { error: string }).error).toBe('ERR_NOTEBOOK_FORMAT');
    expect(readFileSync(notebookPath('01-client-types'), 'utf8')).toBe(before);
  });

  it('rejects a save over a file that is not valid JSON because it is never overwritten (ERR_NOTEBOOK_JSON)', async () => {
    const good = readNotebook(notebookPath('02-client-secrets'));
    writeFileSync(notebookPath('02-client-secrets'), '{ "cells": [ broken');
    const answer = await put('02-client-secrets', good);
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { error: string }).error).toBe('ERR_NOTEBOOK_JSON');
    expect(readFileSync(notebookPath('02-client-secrets'), 'utf8')).toBe('{ "cells": [ broken');
    const opened = await fetch(`${app.url}/api/notebooks/02-client-secrets`);
    expect(((await opened.json()) as { error: string }).error).toBe('ERR_NOTEBOOK_JSON');
  });

  it('rejects a save over a read-only notebook because its permissions allow no writing (ERR_NOTEBOOK_READONLY), leaving the file as it was', async () => {
    const file = notebookPath('01-client-types');
    const before = readFileSync(file, 'utf8');
    const notebook = readNotebook(file);
    notebook.cells.unshift({ cell_type: 'markdown', metadata: {}, source: ['an edit'] });
    chmodSync(file, 0o444);
    try {
      const answer = await put('01-client-types', notebook);
      expect(answer.status).toBe(403);
      const body = (await answer.json()) as { error: string; message: string };
      expect(body.error).toBe('ERR_NOTEBOOK_READONLY');
      expect(body.message).toContain('01-client-types.ipynb is read-only');
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(statSync(file).mode & 0o777).toBe(0o444);
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it('accepts a save and keeps the permissions the file had', async () => {
    const file = notebookPath('01-client-types');
    chmodSync(file, 0o600);
    try {
      expect((await put('01-client-types', readNotebook(file))).status).toBe(200);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it('accepts Revert: the committed version is back on disk and in the answer', async () => {
    const original = execFileSync('git', ['show', `HEAD:notebooks/02-client-secrets.ipynb`], { cwd: root, encoding: 'utf8' });
    const answer = await post('/api/notebooks/02-client-secrets/revert');
    expect(answer.status).toBe(200);
    expect(readFileSync(notebookPath('02-client-secrets'), 'utf8')).toBe(original);
    expect(((await answer.json()) as { notebook: { nbformat: number } }).notebook.nbformat).toBe(4);
  });

  it('rejects a notebook name that walks out of the folder because only plain .ipynb names are served (ERR_NOTEBOOK_NAME)', async () => {
    for (const name of ['..%2Fpackage.json', 'ja%2F..%2F..%2Fpackage.json', 'fr%2F00-welcome', 'ja%2Fja%2F00-welcome']) {
      const answer = await fetch(`${app.url}/api/notebooks/${name}`);
      expect(answer.status, name).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toBe('ERR_NOTEBOOK_NAME');
    }
  });

  it('accepts Revert of a Japanese chapter: its own committed version, not the English one', async () => {
    const file = join(root, 'notebooks', 'ja', `${CHAPTER}.ipynb`);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"cells": [', '"cells": [\n  {"cell_type": "markdown", "id": "scratch", "metadata": {}, "source": ["scratch"]},'));
    const answer = await post(`/api/notebooks/ja%2F${CHAPTER}/revert`);
    expect(answer.status).toBe(200);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('rejects a write from another site\'s page because a cross-origin page must not drive the app (ERR_CROSS_ORIGIN)', async () => {
    const answer = await post('/api/notebooks/02-client-secrets/revert', { origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toBe('ERR_CROSS_ORIGIN');
  });
});

describe('the exercises panel', () => {
  it('accepts a chapter\'s exercise list without starting the grader (a Run all needs the cores), and a request to warm it', async () => {
    expect((await fetch(`${app.url}/api/chapters/${CHAPTER}/exercises`)).status).toBe(200);
    expect(app.grader.pid).toBeUndefined();
    // The Exercises tab sends this; the browser test sees the grader warm up from the click.
    expect((await post('/api/grader/warm')).status).toBe(204);
  });

  it('accepts hint requests one at a time, up to the last hint, and remembers them', async () => {
    const first = (await (await post('/api/exercises/03-make-assertion/hint')).json()) as { hints: string[]; hintCount: number };
    expect(first.hints).toHaveLength(1);
    const second = (await (await post('/api/exercises/03-make-assertion/hint')).json()) as { hints: string[] };
    expect(second.hints).toHaveLength(2);
    expect(second.hints[0]).toBe(first.hints[0]);
    for (let i = 0; i < first.hintCount; i++) await post('/api/exercises/03-make-assertion/hint');
    const all = (await (await post('/api/exercises/03-make-assertion/hint')).json()) as { hints: string[] };
    expect(all.hints).toHaveLength(first.hintCount);
    const listed = (await (await fetch(`${app.url}/api/chapters/${CHAPTER}/exercises`)).json()) as { exercises: { id: string; hints: string[] }[] };
    expect(listed.exercises.find((e) => e.id === '03-make-assertion')?.hints).toHaveLength(first.hintCount);
  });

  it('accepts Reset: the exercise is back to its starting file', async () => {
    const file = join(root, 'exercises', CHAPTER, 'replay-store.ts');
    const start = readFileSync(file, 'utf8');
    writeFileSync(file, '// my attempt\n');
    const answer = await post('/api/exercises/03-replay-store/reset');
    expect(answer.status).toBe(200);
    expect(readFileSync(file, 'utf8')).toBe(start);
  });

  it('rejects an unknown exercise because there is nothing to check, hint or reset (ERR_UNKNOWN_EXERCISE)', async () => {
    for (const action of ['check', 'hint', 'reset']) {
      const answer = await post(`/api/exercises/99-nothing/${action}`);
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: string }).error).toBe('ERR_UNKNOWN_EXERCISE');
    }
  });
});

describe('a chapter\'s check and Run all, as the kernels and the page send them', () => {
  const send = (path: string, body: unknown): Promise<Response> =>
    fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const refusal = async (answer: Response): Promise<[number, string]> => [answer.status, ((await answer.json()) as { error: string }).error];

  it('rejects a check without a chapter because there is nothing to grade (ERR_BAD_REQUEST)', async () => {
    expect(await refusal(await send('/api/check', { root }))).toEqual([400, 'ERR_BAD_REQUEST']);
    expect(await refusal(await send('/api/check', { chapter: 3, root }))).toEqual([400, 'ERR_BAD_REQUEST']);
  });

  it('rejects a check from another checkout\'s kernel because this app grades only its own course (ERR_OTHER_CHECKOUT), so that kernel grades by itself', async () => {
    expect(await refusal(await send('/api/check', { chapter: CHAPTER, root: project }))).toEqual([409, 'ERR_OTHER_CHECKOUT']);
  });

  it('rejects a check of a chapter the course does not have (ERR_UNKNOWN_EXERCISE)', async () => {
    expect(await refusal(await send('/api/check', { chapter: '99-nothing', root }))).toEqual([404, 'ERR_UNKNOWN_EXERCISE']);
  });

  it('rejects a Run all whose cells are not a list of {cellId, code, raisesException} (ERR_BAD_REQUEST), starting no kernel', async () => {
    for (const body of [{}, { cells: 'all' }, { cells: [{ cellId: 'a', code: '1' }] }, { cells: [null] }]) {
      expect(await refusal(await send(`/api/notebooks/${CHAPTER}/run-all`, body))).toEqual([400, 'ERR_BAD_REQUEST']);
    }
    expect(app.hub.kernelPid(CHAPTER)).toBeUndefined();
  });
});
