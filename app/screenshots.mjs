// `npm run screenshots`: every chapter of both editions in the built-in app after Run all, as PNGs in
// docs/screenshots/ (NN-topic.png and ja-NN-topic.png: the first trace the chapter shows, or its top;
// trace-panel.png: the trace panel of chapter 03; index.png and index-ja.png: the index in each
// language). Works on copies of the notebooks under .lab/, in Debian's Chromium (/usr/bin/chromium).
// AUTHLAB_APP_CHAPTERS=03,ja/03 limits the chapters (a Japanese chapter's name starts with ja/).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { projectKernelSpec, startNotebookApp } from '@client-auth-lab/app';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'screenshots');
const only = process.env.AUTHLAB_APP_CHAPTERS?.split(',');
const chaptersIn = (dir, prefix) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => `${prefix}${f.slice(0, -6)}`) : []);
const stems = [...chaptersIn(join(root, 'notebooks'), ''), ...chaptersIn(join(root, 'notebooks', 'ja'), 'ja/')]
  .filter((s) => only === undefined || only.some((o) => s.startsWith(o)));
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

mkdirSync(out, { recursive: true });
mkdirSync(join(root, '.lab'), { recursive: true });
const scratch = mkdtempSync(join(root, '.lab', 'screenshots-'));
cpSync(join(root, 'notebooks'), join(scratch, 'notebooks'), { recursive: true });
// Cells read files next to the notebooks' folder (../examples/nginx/nginx.conf): the copy sees the same ones.
for (const dir of ['examples', 'exercises', 'solutions', 'docs']) if (existsSync(join(root, dir))) symlinkSync(join(root, dir), join(scratch, dir));
const app = await startNotebookApp({ root, notebooksDir: join(scratch, 'notebooks'), kernelSpec: projectKernelSpec(root), port: 0 });
const context = await chromium.launchPersistentContext(join(scratch, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: flags, viewport: { width: 1440, height: 960 } });
await context.route('**/*', (route) => (['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort()));
try {
  for (const language of ['en', 'ja']) {
    const page = await context.newPage();
    await page.goto(`${app.url}/?lang=${language}`);
    await page.screenshot({ path: join(out, language === 'en' ? 'index.png' : 'index-ja.png') });
    await page.close();
  }
  for (const stem of stems) {
    const page = await context.newPage();
    // The app's frame in the edition's language: the switch's cookie, as a learner would set it.
    await page.goto(`${app.url}/?lang=${stem.startsWith('ja/') ? 'ja' : 'en'}`);
    await page.goto(`${app.url}/notebooks/${stem}`);
    await page.locator('[data-kernel-status="idle"]').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.waitForFunction(() => { const s = document.getElementById('app')?.dataset.runAll; return s !== undefined && s !== 'running'; }, null, { timeout: 300_000 });
    // A trace in the notebook when there is one (its checks table), else the chapter's top.
    const trace = page.locator('.output .html-output table').first();
    if ((await trace.count()) > 0) {
      await trace.evaluate((el) => {
        const cell = el.closest('.cell');
        (cell ?? el).scrollIntoView({ block: 'start' });
        window.scrollBy(0, -60);
      });
    } else {
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    // Diagrams are drawn once near the viewport: wait for the ones in view.
    await page.waitForTimeout(300);
    await page.waitForFunction(() => document.querySelectorAll('.mermaid-diagram[data-drawn="pending"]').length === 0, null, { timeout: 60_000 });
    await page.evaluate(() => document.querySelectorAll('.cell.selected').forEach((c) => c.classList.remove('selected')));
    const file = `${stem.replace('/', '-')}.png`;
    await page.screenshot({ path: join(out, file) });
    if (stem.startsWith('03')) await page.locator('aside.side').screenshot({ path: join(out, 'trace-panel.png') });
    process.stdout.write(`${join('docs', 'screenshots', file)} (Run all: ${await page.locator('#app').getAttribute('data-run-all')})\n`);
    await page.close();
    await app.hub.shutdown(stem);
  }
} finally {
  await context.close();
  await app.stop();
  rmSync(scratch, { recursive: true, force: true });
}
