// The exercises panel and Save in Chromium, as a learner uses them: Check an exercise and read the
// verdict (twice: the second check runs on the warm grader), a save that fails keeps the edits and
// says why, and stopping the app ends the grader's processes. The app works on copies of the
// notebooks under .lab/ and grades this checkout's exercises/ (the learner's progress file is put back).
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectKernelSpec, startNotebookApp, type RunningNotebookApp } from '@client-auth-lab/app';
import { isCI, root } from '../notebooks/run-notebooks.js';
import { groupAlive } from '../support/processes.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install chromium`;
const progressFile = join(root, '.lab', 'progress.json');

let app: RunningNotebookApp | undefined;
let context: BrowserContext;
let scratch = '';
let notebooks = '';
let savedProgress: Buffer | undefined;

async function openChapter(stem: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${(app as RunningNotebookApp).url}/notebooks/${stem}`);
  await page.locator('#app[data-loaded="true"]').waitFor();
  return page;
}

describe.runIf(!missing || isCI)('the exercises panel and Save in Chromium', () => {
  beforeAll(async () => {
    savedProgress = existsSync(progressFile) ? readFileSync(progressFile) : undefined;
    mkdirSync(join(root, '.lab'), { recursive: true });
    scratch = mkdtempSync(join(root, '.lab', 'app-panel-test-'));
    notebooks = join(scratch, 'notebooks');
    cpSync(join(root, 'notebooks'), notebooks, { recursive: true, filter: (f) => !f.includes('.ipynb_checkpoints') });
    app = await startNotebookApp({ root, notebooksDir: notebooks, pristineDir: join(root, 'notebooks'), kernelSpec: projectKernelSpec(root), port: 0 });
    context = await chromium.launchPersistentContext(join(scratch, 'chromium-profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await app?.stop();
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
    if (savedProgress === undefined) rmSync(progressFile, { force: true });
    else writeFileSync(progressFile, savedProgress);
  });

  it('shows the verdict of Check in the exercises panel, again at the second check', { timeout: 180_000 }, async () => {
    const page = await openChapter('03-client-assertions');
    const running = app as RunningNotebookApp;
    // Opening the chapter leaves the grader cold; opening the Exercises tab warms it.
    expect(running.grader.pid).toBeUndefined();
    await page.locator('button.tab[data-tab="exercises"]').click();
    for (let i = 0; i < 300 && running.grader.pid === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    expect(running.grader.pid).toBeGreaterThan(0);
    const card = page.locator('[data-exercise-id="03-make-assertion"]');
    const report = card.locator('pre.report');
    for (let round = 1; round <= 2; round++) {
      await card.getByRole('button', { name: 'Check', exact: true }).click();
      await page.locator('[data-exercise-id="03-make-assertion"] pre.report:not([hidden])').waitFor();
      await page.waitForFunction(() => {
        const text = document.querySelector('[data-exercise-id="03-make-assertion"] pre.report')?.textContent ?? '';
        return text !== '' && text !== 'Checking…';
      }, null, { timeout: 120_000 });
      const text = (await report.textContent()) ?? '';
      // The starting file of the checkout is not solved: the verdict names the failing tests.
      expect(text, `round ${round}`).toContain('03-make-assertion');
      expect(text, `round ${round}`).toContain('✗ sets iss and sub to the client_id');
      expect(text, `round ${round}`).not.toContain('The check could not run');
      expect(await report.getAttribute('class')).toBe('report failed');
    }
    expect(app?.grader.pid, 'the second check ran on the warm vitest process').toBeGreaterThan(0);
    await page.close();
    await app?.hub.shutdown('03-client-assertions');
  });

  it('keeps the edits in the page and says why when a save fails (the notebook file is read-only)', { timeout: 120_000 }, async () => {
    const stem = '01-client-types';
    const file = join(notebooks, `${stem}.ipynb`);
    const before = readFileSync(file, 'utf8');
    const page = await openChapter(stem);
    await page.locator('[data-cell-type="code"] .cm-content').first().click();
    await page.keyboard.type('const kept = 1; ');
    chmodSync(file, 0o444);
    try {
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('.message.error').waitFor();
      expect(await page.locator('.message.error').textContent()).toMatch(/^Not saved: 01-client-types\.ipynb is read-only .*Your edits are still here/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(await page.locator('[data-cell-type="code"] .cm-content').first().textContent()).toContain('const kept = 1;');
    } finally {
      chmodSync(file, 0o644);
    }
    // Writable again, the same page saves what was kept.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('app')?.dataset.saved !== undefined);
    expect(readFileSync(file, 'utf8')).toContain('const kept = 1;');
    await page.close();
    await app?.hub.shutdown(stem);
  });

  it('ends the warm grader\'s vitest process and its workers when the app stops', { timeout: 60_000 }, async () => {
    const running = app as RunningNotebookApp;
    await running.grader.warmUp();
    const pid = running.grader.pid as number;
    expect(groupAlive(pid)).toBe(true);
    await running.stop();
    app = undefined;
    expect(groupAlive(pid)).toBe(false);
  });
});
