/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Every chapter of both editions, executed by Jupyter and exported with nbconvert's `lab` template (JupyterLab's own
// output CSS), looked at in Chromium: no squeezed table cell, no header stacked one letter per line,
// no diagram source shown as text in an output, and every diagram a text/vnd.mermaid output whose
// text/plain fallback (what nbconvert 6.5 shows) is a sentence.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, isCI, japaneseNotebooksDir, jupyterMissing, listNotebooks, notebooksDir, python, registerKernel, root, runNotebook } from './run-notebooks.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const exportDir = join(root, 'test-artifacts', 'nbconvert-lab');
const screenshotDir = join(root, 'test-artifacts', 'screenshots');
const ownExecutedDir = join(exportDir, 'executed');
const SCREENSHOTS = ['03-client-assertions', '06-mutual-tls'];
const MIN_CELL_PX = 40;
/** The first line of mermaid source, as a learner would see it if a diagram were not drawn. */
const DIAGRAM_SOURCE = /^\s*(sequenceDiagram|flowchart\s|graph\s+(TD|TB|LR|RL|BT)|classDiagram|stateDiagram|erDiagram)/m;

// Both editions: a Japanese chapter is named ja/NN-topic, its export is ja/NN-topic.html.
const notebooks = [...listNotebooks(), ...listNotebooks(japaneseNotebooksDir)];
const nameOf = (p: string) => relative(notebooksDir, p).replace(/\.ipynb$/, '');
const missing = jupyterMissing() ?? (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install chromium`);

interface Output { output_type: string; data?: Record<string, string | string[]>; text?: string | string[] }
interface Notebook { cells: { cell_type: string; outputs?: Output[] }[] }

const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('') : v ?? '');
const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function outputsOf(path: string): Output[] {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  return nb.cells.flatMap((c) => c.outputs ?? []);
}

/** What the page shows: table cells and their geometry, stacked headers, visible diagram source. */
interface PageReport {
  cells: number;
  narrow: { text: string; width: number }[];
  stacked: string[];
  /** Trace names (first column) that wrap, and trace values that overflow their cell. */
  wrappedNames: string[];
  overflowing: string[];
  sourceInOutputs: string[];
  outputText: string;
}

describe.runIf(!missing || isCI)('chapters exported with nbconvert --template lab, seen in Chromium', () => {
  let browser: Browser;
  const executed = new Map<string, string>();
  const reports = new Map<string, PageReport>();

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true requires Jupyter, tslab and Chromium. ${missing}`);
    // Reuse the notebook test's executed copies when they are newer than the chapter and the renderer;
    // otherwise execute into a folder of our own, so two test files never write the same copy.
    const renderer = Math.max(...['trace-render.js', 'trace-labels.js', 'notebook-helpers.js'].map((f) => mtime(join(root, 'lab-server', 'dist', f))));
    const fresh = (p: string, copy: string) => mtime(copy) > Math.max(mtime(p), renderer);
    const stale: string[] = [];
    for (const p of notebooks) {
      const name = nameOf(p);
      const candidates = [join(artifactsDir, `${name}.ipynb`), join(ownExecutedDir, `${name}.ipynb`)];
      const copy = candidates.find((c) => fresh(p, c));
      if (copy === undefined) stale.push(p);
      executed.set(name, copy ?? candidates[1] as string);
    }
    if (stale.length > 0) {
      const jupyterPath = registerKernel();
      const queue = [...stale];
      const worker = async () => {
        for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
          const run = await runNotebook(p, join(ownExecutedDir, `${nameOf(p)}.ipynb`), jupyterPath);
          if (run.code !== 0) throw new Error(run.output);
        }
      };
      await Promise.all([worker(), worker()]);
    }

    // One nbconvert per edition: the two editions' files share their names.
    for (const edition of ['', 'ja/']) {
      const inputs = [...executed].filter(([name]) => (edition === '' ? !name.includes('/') : name.startsWith(edition))).map(([, copy]) => copy);
      mkdirSync(join(exportDir, edition), { recursive: true });
      const convert = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', '--template', 'lab', '--output-dir', join(exportDir, edition), ...inputs], { encoding: 'utf8' });
      if (convert.status !== 0) throw new Error(`nbconvert failed: ${convert.stderr}`);
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Offline: the exported page may name CDN scripts (require.js, MathJax); nothing leaves the machine.
    await page.route(/^https?:/, (route) => route.abort());
    mkdirSync(screenshotDir, { recursive: true });
    for (const name of executed.keys()) {
      await page.goto(`file://${join(exportDir, `${name}.html`)}`, { waitUntil: 'load' });
      if (SCREENSHOTS.includes(name)) {
        // The first trace as a learner first meets it: folded, its diagram's output below it.
        await page.evaluate(() => document.querySelector('.lab-trace')?.closest('.jp-Cell')?.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
      }
      // Open every <details>: folded inputs must not be squeezed either once a learner opens them.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      reports.set(name, await page.evaluate(({ min, source }) => {
        const diagram = new RegExp(source, 'm');
        const visible = (el: Element) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
        const cells = [...document.querySelectorAll('td, th')].filter(visible);
        const narrow = cells.map((c) => ({ text: (c.textContent ?? '').trim().slice(0, 40), width: Math.round(c.getBoundingClientRect().width) }))
          .filter((c) => c.width < min);
        // A header or name stacked one letter per line: its text breaks into about as many lines as letters.
        const stacked = [...document.querySelectorAll('th, td.k')].filter(visible).filter((el) => {
          const text = (el.textContent ?? '').trim();
          if (text.length < 3) return false;
          // Line boxes of the text itself (text nodes only: an inline <code> box would count twice).
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const tops: number[] = [];
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < 4)) tops.push(r.top);
          }
          return tops.length >= 2 && tops.length >= Math.ceil(text.length / 2);
        }).map((el) => (el.textContent ?? '').trim().slice(0, 40));
        const lineCount = (el: Element) => {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const tops: number[] = [];
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) if (r.width > 0 && !tops.some((t) => Math.abs(t - r.top) < 4)) tops.push(r.top);
          }
          return tops.length;
        };
        const wrappedNames = [...document.querySelectorAll('.lab-trace td.k')].filter(visible).filter((el) => lineCount(el) > 1).map((el) => (el.textContent ?? '').trim().slice(0, 40));
        const overflowing = [...document.querySelectorAll('.lab-trace td')].filter(visible)
          .filter((el) => [el, ...el.querySelectorAll('code')].some((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > el.getBoundingClientRect().right + 1))
          .map((el) => (el.textContent ?? '').trim().slice(0, 40));
        const outputs = [...document.querySelectorAll('.jp-OutputArea-output')] as HTMLElement[];
        const sourceInOutputs = outputs.map((o) => o.innerText).filter((t) => diagram.test(t)).map((t) => t.slice(0, 80));
        return { cells: cells.length, narrow, stacked, wrappedNames, overflowing, sourceInOutputs, outputText: outputs.map((o) => o.innerText).join('\n') };
      }, { min: MIN_CELL_PX, source: DIAGRAM_SOURCE.source }));
    }
    await page.close();
    // What was measured, per chapter, for a person to read when an assertion fails.
    writeFileSync(join(exportDir, 'geometry.json'), JSON.stringify(Object.fromEntries([...reports].map(([n, r]) => [n, { ...r, outputText: undefined }])), null, 1));
  }, 900_000);
  afterAll(() => browser?.close());

  it.each(notebooks.map((p) => [nameOf(p)]))('%s: no table cell narrower than 40 px, no header stacked one letter per line', (name) => {
    const report = reports.get(name);
    expect(report, 'page not seen').toBeDefined();
    expect(report?.narrow, `cells under ${MIN_CELL_PX} px`).toEqual([]);
    expect(report?.stacked, 'text stacked one letter per line').toEqual([]);
  });

  it.each(notebooks.map((p) => [nameOf(p)]))('%s: trace names stay on one line and long values wrap inside their cell', (name) => {
    expect(reports.get(name)?.wrappedNames, 'names that wrap').toEqual([]);
    expect(reports.get(name)?.overflowing, 'values wider than their cell').toEqual([]);
  });

  it.each(notebooks.map((p) => [nameOf(p)]))('%s: no diagram source shown as text in an output', (name) => {
    expect(reports.get(name)?.sourceInOutputs).toEqual([]);
  });

  it.each(notebooks.map((p) => [nameOf(p)]))('%s: every diagram is a text/vnd.mermaid output whose sentence nbconvert shows', (name) => {
    const outputs = outputsOf(executed.get(name) as string);
    const diagrams = outputs.filter((o) => o.data?.['text/vnd.mermaid'] !== undefined);
    for (const o of outputs) {
      // Diagram source may appear only under text/vnd.mermaid: not in HTML, Markdown, plain text or streams.
      const elsewhere = [...Object.entries(o.data ?? {}).filter(([type]) => type !== 'text/vnd.mermaid').map(([, v]) => joined(v)), joined(o.text)];
      expect(elsewhere.filter((t) => DIAGRAM_SOURCE.test(t) || t.includes('class="mermaid')).map((t) => t.slice(0, 80))).toEqual([]);
    }
    for (const d of diagrams) {
      expect(joined(d.data?.['text/vnd.mermaid'])).toMatch(/^sequenceDiagram\n/);
      const sentence = joined(d.data?.['text/plain']);
      expect(sentence).toMatch(name.startsWith('ja/') ? /^クライアント.*を送りました。.*サーバーは \d{3}.*を返しました。$/ : /^[A-Z].* sent .* the server answered \d{3}.*\.$/);
      expect(reports.get(name)?.outputText).toContain(sentence);
    }
    // Every trace a shared helper displayed is followed by its diagram.
    outputs.forEach((o, i) => {
      if (o.data?.['text/plain'] !== undefined && joined(o.data?.['text/html']).startsWith('<div class="lab-trace lab-trace-compact"')) {
        expect(outputs[i + 1]?.data?.['text/vnd.mermaid'], `output ${i}`).toBeDefined();
      }
    });
  });

  it('found trace tables and diagrams in the chapters that use the shared helpers', () => {
    for (const name of ['01-client-types', '02-client-secrets', '03-client-assertions', '04-jwt-grant-vs-client-auth', '09-private-key-jwt-end-to-end'].flatMap((n) => [n, `ja/${n}`])) {
      expect(outputsOf(executed.get(name) as string).filter((o) => o.data?.['text/vnd.mermaid'] !== undefined).length, name).toBeGreaterThan(0);
      expect(reports.get(name)?.cells, name).toBeGreaterThan(20);
    }
  });
});

if (missing && !isCI) {
  describe('chapters exported with nbconvert --template lab, seen in Chromium', () => it.skip(`skipped: ${missing}`, () => {}));
}
