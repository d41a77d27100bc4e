// The built-in notebook app as a learner meets it, in Chromium: every chapter opened and run, its
// diagrams drawn, its tables readable, Save and Revert, a dead kernel, and nothing leaving 127.0.0.1.
// It works on copies of the notebooks under .lab/ (so the kernel finds the project's packages), never
// on the committed files.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectKernelSpec, startNotebookApp, type RunningNotebookApp } from '@client-auth-lab/app';
import { isCI, listNotebooks, root } from '../notebooks/run-notebooks.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const chapters = listNotebooks().map((f) => f.slice(f.lastIndexOf('/') + 1, -'.ipynb'.length))
  .filter((stem) => process.env.AUTHLAB_APP_CHAPTERS === undefined || process.env.AUTHLAB_APP_CHAPTERS.split(',').some((c) => stem.startsWith(c)));
/** The Japanese chapter the app test runs end to end (the others run through nbclient in test/notebooks). */
const JAPANESE_CHAPTER = 'ja/02-client-secrets';
const DIAGRAM_SOURCE = /^\s*(sequenceDiagram|flowchart\s+(TD|TB|LR|RL|BT)|graph\s+(TD|TB|LR|RL|BT)|stateDiagram(-v2)?|classDiagram|erDiagram)\b/m;

let app: RunningNotebookApp;
let context: BrowserContext;
let scratch = '';
let notebooks = '';
let originals = '';
const leaving: string[] = [];

function fencesIn(stem: string): number {
  const nb = JSON.parse(readFileSync(join(originals, `${stem}.ipynb`), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
  return nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
    .reduce((n, text) => n + (text.match(/^```mermaid\s*$/gm)?.length ?? 0), 0);
}

async function openChapter(stem: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${app.url}/notebooks/${stem}`);
  await page.locator('#app[data-loaded="true"]').waitFor();
  await page.locator('[data-kernel-status="idle"]').waitFor({ timeout: 90_000 });
  return page;
}

const runAllEnded = (page: Page, timeout: number) =>
  page.waitForFunction(() => { const s = document.getElementById('app')?.dataset.runAll; return s !== undefined && s !== 'running'; }, null, { timeout });

/**
 * Clicks Run all and waits for it to end. A Run all that has not ended after 180 s is reported with the
 * cell it is stuck on, the kernel is restarted and Run all runs once more: the second run must end.
 */
async function runAll(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Run all' }).click();
  try {
    await runAllEnded(page, 180_000);
  } catch {
    const stuck = await page.locator('[data-cell-index].running').first().getAttribute('data-cell-index').catch(() => null);
    console.warn(`Run all did not end within 180 s (stuck on cell ${stuck ?? '?'}); restarting the kernel and running all again`);
    await page.getByRole('button', { name: 'Restart kernel' }).click();
    await page.locator('[data-kernel-status="idle"]').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Run all' }).click();
    await runAllEnded(page, 240_000);
  }
  return (await page.locator('#app').getAttribute('data-run-all')) ?? '';
}

/**
 * Scrolls through the page as a reader would until every diagram is drawn: the app draws a diagram
 * when it comes near the viewport, so one never scrolled to stays a placeholder.
 */
async function diagramsSettled(page: Page): Promise<void> {
  const undrawn = page.locator('.mermaid-diagram:not([data-drawn="svg"]):not([data-drawn="error"])');
  for (let left = await undrawn.count(); left > 0; left = await undrawn.count()) {
    await undrawn.first().scrollIntoViewIfNeeded();
    // The one in view (and its neighbours within a screen) is drawn; the count must go down.
    await page.waitForFunction((before) => document.querySelectorAll('.mermaid-diagram:not([data-drawn="svg"]):not([data-drawn="error"])').length < before, left, { timeout: 60_000 });
  }
}

const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install chromium`;

describe.runIf(!missing || isCI)('the built-in notebook app in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(join(root, '.lab'), { recursive: true });
    scratch = mkdtempSync(join(root, '.lab', 'app-test-'));
    notebooks = join(scratch, 'notebooks');
    originals = join(scratch, 'originals');
    cpSync(join(root, 'notebooks'), notebooks, { recursive: true, filter: (f) => !f.includes('.ipynb_checkpoints') });
    cpSync(join(root, 'notebooks'), originals, { recursive: true, filter: (f) => !f.includes('.ipynb_checkpoints') });
    // Cells read files next to the notebooks' folder (../examples/nginx/nginx.conf): the copy sees the same ones.
    for (const dir of ['examples', 'exercises', 'solutions', 'docs']) if (existsSync(join(root, dir))) symlinkSync(join(root, dir), join(scratch, dir));
    app = await startNotebookApp({ root, notebooksDir: notebooks, pristineDir: originals, kernelSpec: projectKernelSpec(root), port: 0 });
    context = await chromium.launchPersistentContext(join(scratch, 'chromium-profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1000 } });
    // Nothing may leave the machine: every request not to loopback is recorded and refused.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      leaving.push(url.href);
      return route.abort();
    });
  }, 120_000);

  // A failed test still leaves nothing running: its pages are closed and its kernels stopped.
  afterEach(async () => {
    for (const page of context?.pages() ?? []) await page.close().catch(() => {});
    for (const stem of chapters) await app?.hub.shutdown(stem);
    for (const stem of ['00-welcome', '01-client-types', '02-client-secrets', JAPANESE_CHAPTER]) await app?.hub.shutdown(stem);
  });

  afterAll(async () => {
    await context?.close();
    await app?.stop();
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('lists the chapters in order with their titles, progress marks and exercises; every link names its notebook stem', async () => {
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    const english = page.locator('ol.chapters[data-edition="en"] > li.chapter > a');
    const hrefs = await english.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBe(listNotebooks().length);
    listNotebooks().forEach((file, i) => expect(hrefs[i]).toContain(file.slice(file.lastIndexOf('/') + 1, -'.ipynb'.length)));
    expect(await english.first().textContent()).toBe('Welcome to client-auth-lab');
    expect(await page.locator('ol.chapters[data-edition="ja"] > li.chapter > a').count()).toBe(listNotebooks().length);
    expect(await page.locator('.progress[data-total]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-exercise-id]').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('shows the requests a cell sends in the trace panel, and a click opens the full trace in the viewer', { timeout: 180_000 }, async () => {
    const stem = chapters.find((c) => c.startsWith('02')) ?? '02-client-secrets';
    const page = await openChapter(stem);
    // Cell by cell from the top until the first trace shows: the chapter's last cell stops its lab server,
    // and the viewer is read from that server, so Run all would race the click below.
    const trace = page.locator('a.trace').first();
    const cellCount = await page.locator('[data-cell-index]').count();
    for (let index = 0; index < cellCount && (await trace.count()) === 0; index += 1) {
      await page.getByRole('button', { name: 'Run cell', exact: true }).click();
      await page.waitForFunction((i) => {
        const cell = document.querySelector(`[data-cell-index="${i}"]`);
        return cell !== null && !cell.classList.contains('running') && (cell.getAttribute('data-cell-type') !== 'code' || cell.hasAttribute('data-execution-count'));
      }, index, { timeout: 120_000 });
    }
    await trace.waitFor({ timeout: 30_000 });
    const href = (await trace.getAttribute('href')) ?? '';
    expect(href).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):\d+\/lab#\/trace\//);
    const [viewer] = await Promise.all([context.waitForEvent('page'), trace.click()]);
    await viewer.waitForLoadState();
    const id = decodeURIComponent(href.slice(href.indexOf('#/trace/') + '#/trace/'.length));
    await viewer.waitForFunction((traceId) => document.body.innerText.includes(traceId) || document.body.innerText.includes('checks'), id, { timeout: 60_000 });
    await viewer.close();
    await page.close();
    await app.hub.shutdown(stem);
  });

  it.each(chapters)('runs %s to the end with no unexpected error, every diagram drawn as SVG and no table cell squeezed', { timeout: 560_000 }, async (stem) => {
    const page = await openChapter(stem);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const name of ['Run all', 'Save', 'Restart kernel', 'Revert to original']) expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    const outcome = await runAll(page);
    const failed = await page.locator('[data-cell-type="code"]').evaluateAll((cells) => cells
      .filter((c) => !(c.getAttribute('data-tags') ?? '').split(' ').includes('raises-exception'))
      .filter((c) => c.querySelector('[data-output-type="error"]') !== null)
      .map((c) => `cell ${c.getAttribute('data-cell-index')}: ${c.querySelector('[data-output-type="error"]')?.textContent ?? ''}\n${[...c.querySelectorAll('[data-output-type]')].map((e) => e.textContent).join('\n')}`.slice(0, 2500)));
    // A failure says what the cell printed and what the kernel process wrote outside the protocol.
    expect(failed, `code cells with an error output (kernel log: ${app.hub.log(stem).slice(-2000) || 'empty'})`).toEqual([]);
    expect(outcome).toBe('done');
    const code = page.locator('[data-cell-type="code"]');
    const counts = await code.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-execution-count')));
    expect(counts.every((n) => n !== null && Number(n) > 0), 'every code cell has run').toBe(true);
    for (const type of await page.locator('[data-output-type]').evaluateAll((os) => [...new Set(os.map((o) => o.getAttribute('data-output-type')))])) {
      expect(['stream', 'display_data', 'execute_result', 'error']).toContain(type);
    }

    // Each trace brings its stylesheet along; the page keeps one copy of each, in its head, none in the outputs.
    expect(await page.locator('main.cells .outputs style').count(), 'stylesheets left in outputs').toBe(0);
    const sheets = await page.locator('head style[data-from-output]').evaluateAll((list) => list.map((e) => e.textContent));
    expect(new Set(sheets).size, 'stylesheets kept twice').toBe(sheets.length);
    // A chapter's last cell checks its exercises, sent to the app's warm grader (which then runs).
    if ((await page.locator('.authlab-check').count()) > 0) expect(app.grader.pid, 'the app graded the chapter\'s check').toBeDefined();

    // A code cell's editor is made as it nears the viewport: the last one, scrolled to, is highlighted TypeScript.
    const lastCode = page.locator('[data-cell-type="code"]').last();
    await lastCode.scrollIntoViewIfNeeded();
    await lastCode.locator('.cm-content').waitFor({ timeout: 10_000 });
    expect(await lastCode.locator('.cm-content span[class]').count(), 'highlighted tokens').toBeGreaterThan(0);

    await diagramsSettled(page);
    const fences = fencesIn(stem);
    expect(await page.locator('.markdown-view .mermaid-diagram[data-drawn="svg"] svg').count(), 'Markdown mermaid fences drawn').toBe(fences);
    expect(await page.locator('.mermaid-diagram[data-drawn="error"]').count(), 'diagrams that failed to draw').toBe(0);
    const visible = await page.locator('main.cells').evaluate((el) => (el as HTMLElement).innerText);
    expect(DIAGRAM_SOURCE.exec(visible)?.[0], 'diagram source visible as text').toBeUndefined();

    const squeezed = await page.locator('main.cells td, main.cells th').evaluateAll((cells) => cells
      .filter((c) => c.getClientRects().length > 0 && (c.textContent ?? '').trim() !== '')
      .map((c) => ({ width: c.getBoundingClientRect().width, text: (c.textContent ?? '').trim().slice(0, 40) }))
      .filter((c) => c.width < 40));
    expect(squeezed, 'table cells under 40 px').toEqual([]);
    expect(errors, 'page errors').toEqual([]);
    await page.close();
    await app.hub.shutdown(stem);
  });

  it('stops Run all at a cell that raises unless it is tagged raises-exception, as nbclient does', { timeout: 120_000 }, async () => {
    const stem = 'zz-run-all';
    const code = (source: string, tags: string[] = []) => ({ cell_type: 'code', metadata: tags.length === 0 ? {} : { tags }, source: [source], outputs: [], execution_count: null });
    const notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [code('1'), code("throw new Error('expected');", ['raises-exception']), code('2'), code("throw new Error('unexpected');"), code('3')] };
    writeFileSync(join(notebooks, `${stem}.ipynb`), JSON.stringify(notebook));
    try {
      const page = await openChapter(stem);
      expect(await runAll(page)).toBe('error');
      const counts = await page.locator('[data-cell-type="code"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-execution-count')));
      expect(counts.slice(0, 4).every((n) => n !== null), 'cells up to the failing one ran').toBe(true);
      expect(counts[4], 'the cell after the failing one did not run').toBeNull();
      expect(await page.locator('[data-cell-index="1"][data-tags="raises-exception"] [data-output-type="error"]').count()).toBe(1);
      await page.close();
    } finally {
      rmSync(join(notebooks, `${stem}.ipynb`), { force: true });
      await app.hub.shutdown(stem);
    }
  });

  it('saves an edit as nbformat 4 JSON, then reverts to the original after a confirmation', { timeout: 120_000 }, async () => {
    const stem = '00-welcome';
    const file = join(notebooks, `${stem}.ipynb`);
    const original = readFileSync(file, 'utf8');
    const page = await openChapter(stem);
    const editor = page.locator('[data-cell-type="code"] .cm-content').first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.type('// an edit made in the app\n');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('app')?.dataset.saved !== undefined);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { nbformat: number; cells: { cell_type: string; source: string[] }[] };
    expect(saved.nbformat).toBe(4);
    expect(saved.cells.find((c) => c.cell_type === 'code')?.source[0]).toBe('// an edit made in the app\n');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revert to original' }).click();
    await page.waitForFunction(() => document.getElementById('app')?.dataset.reverted !== undefined);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(await page.locator('[data-cell-type="code"] .cm-content').first().textContent()).not.toContain('an edit made in the app');
    await page.close();
    await app.hub.shutdown(stem);
  });

  it('rejects a save over a file that is no longer a notebook because it is never overwritten, and keeps the edits in the page', { timeout: 120_000 }, async () => {
    const stem = '01-client-types';
    const file = join(notebooks, `${stem}.ipynb`);
    const page = await openChapter(stem);
    await page.locator('[data-cell-type="code"] .cm-content').first().click();
    await page.keyboard.type('const kept = 1; ');
    writeFileSync(file, '{ "cells": [ broken');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.message.error').waitFor();
    expect(await page.locator('.message.error').textContent()).toMatch(/Not saved: .*not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{ "cells": [ broken');
    expect(await page.locator('[data-cell-type="code"] .cm-content').first().textContent()).toContain('const kept = 1;');

    const reopened = await context.newPage();
    await reopened.goto(`${app.url}/notebooks/${stem}`);
    await reopened.locator('.notebook-problem').waitFor();
    expect(await reopened.locator('.notebook-problem').textContent()).toContain('not valid JSON');
    await reopened.close();
    await page.close();
    cpSync(join(originals, `${stem}.ipynb`), file);
    await app.hub.shutdown(stem);
  });

  it('shows a kernel that dies as dead, with a Restart button that brings it back', { timeout: 120_000 }, async () => {
    const stem = '00-welcome';
    const page = await openChapter(stem);
    process.kill(app.hub.kernelPid(stem) as number, 'SIGKILL');
    await page.locator('[data-kernel-status="dead"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Restart kernel' }).click();
    await page.locator('[data-kernel-status="idle"]').waitFor({ timeout: 90_000 });
    await page.close();
    await app.hub.shutdown(stem);
  });

  it('shows the Japanese edition in Japanese after the switch: index, buttons, panels, diagrams and the trace\'s fixed words', { timeout: 300_000 }, async () => {
    const index = await context.newPage();
    await index.goto(`${app.url}/`);
    await index.locator('[data-switch-language="ja"]').click();
    await index.waitForURL(/lang=ja/);
    expect(await index.locator('html').getAttribute('lang')).toBe('ja');
    expect(await index.locator('section.edition').first().getAttribute('data-edition')).toBe('ja');
    const link = index.locator(`ol.chapters[data-edition="ja"] > li.chapter > a[href="/notebooks/${JAPANESE_CHAPTER}"]`);
    expect(await link.count()).toBe(1);
    await index.close();
    try {
      const page = await openChapter(JAPANESE_CHAPTER);
      for (const [ja, en] of [['すべて実行', 'Run all'], ['保存', 'Save'], ['カーネル再起動', 'Restart kernel'], ['元に戻す', 'Revert to original']] as const) {
        expect(await page.getByRole('button', { name: `${ja} (${en})`, exact: true }).count(), ja).toBe(1);
        expect(await page.getByRole('button', { name: en }).count(), en).toBe(1);
      }
      expect(await page.locator('.tabs .tab').allTextContents()).toEqual(['トレース', expect.stringMatching(/^演習/)]);
      const glossary = await page.locator('.markdown-view a[href$="glossary.md"]').first().getAttribute('href');
      expect(new URL(glossary ?? '', page.url()).pathname).toBe('/docs/glossary.md');
      expect(await runAll(page)).toBe('done');
      expect(await page.locator('[data-cell-type="code"] [data-output-type="error"]').count()).toBe(0);
      const trace = page.locator('.lab-trace[lang="ja"]').first();
      expect(await trace.textContent()).toMatch(/サーバーが行ったチェック|チェック/);
      expect(await page.locator('.lab-trace[lang="en"]').count()).toBe(0);
      await diagramsSettled(page);
      expect(await page.locator('.markdown-view .mermaid-diagram[data-drawn="svg"] svg').count()).toBe(fencesIn(JAPANESE_CHAPTER));
      expect(await page.locator('.mermaid-diagram[data-drawn="error"]').count()).toBe(0);
      await page.close();

      const doc = await context.newPage();
      await doc.goto(`${app.url}${new URL(glossary ?? '', `${app.url}/notebooks/${JAPANESE_CHAPTER}`).pathname}`);
      await doc.locator('#doc[data-loaded="true"]').waitFor();
      expect(await doc.locator('#doc table').count()).toBeGreaterThan(5);
      expect(await doc.locator('#doc').textContent()).toContain('機密クライアント');
      await doc.close();
    } finally {
      await context.clearCookies();
      await app.hub.shutdown(JAPANESE_CHAPTER);
    }
  });

  it('sent no request to any address but 127.0.0.1', () => {
    expect(leaving).toEqual([]);
  });
});
