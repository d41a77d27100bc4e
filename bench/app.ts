/**
 * The built-in notebook app as a learner feels it: `npm start` until the index answers (cold, then
 * warm), Run all of chapter 03 in Chromium against nbclient running the same notebook, and an
 * exercise check from the app (the first, then three on the warm grader: the app's process keeps its
 * compiler and a vitest process up between checks).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface AppTimed {
  name: string;
  ms: number | null;
  status: string;
}

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `npm start -- --ui builtin …` until GET / answers 200; then Ctrl-C. */
async function startToIndex(root: string, data: string): Promise<{ ms: number; status: string }> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--', '--ui', 'builtin', '--ui-port', '0', '--no-browser', '--port', '0', '--tls-port', '0', '--data', data], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  try {
    const url = await new Promise<string>((found, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL after 120 s: ${out.slice(-400)}`)), 120_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /Notebooks +(http:\/\/\S+?)\/ /.exec(out);
        if (match) {
          clearTimeout(timer);
          found(match[1] as string);
        }
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => fail(new Error(`npm start exited with ${code}: ${out.slice(-400)}`)));
    });
    for (;;) {
      const answer = await fetch(`${url}/`).catch(() => undefined);
      if (answer?.status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { ms: performance.now() - started, status: 'ok' };
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    await exited;
  }
}

async function runAllInApp(root: string, notebooksDir: string, stem: string): Promise<{ runAllMs: number; withKernelMs: number; outcome: string }> {
  const { chromium } = await import('playwright-core');
  const { projectKernelSpec, startNotebookApp } = await import('@client-auth-lab/app');
  // The learner's browser is already running when `npm start` opens a tab in it: Chromium first, then the
  // app (whose spare kernel starts with it), then the index, at once: the kernel's start is in the figure.
  const profile = mkdtempSync(join(os.tmpdir(), 'authlab-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 } });
  await (await context.newPage()).goto('about:blank');
  const app = await startNotebookApp({ root, notebooksDir, kernelSpec: projectKernelSpec(root), port: 0 });
  try {
    const page = await context.newPage();
    // The learner's path: the index, then the chapter's link.
    const opened = performance.now();
    await page.goto(app.url);
    await page.locator(`a[href*="${stem}"]`).first().click();
    await page.locator('[data-kernel-status="idle"]').waitFor({ timeout: 90_000 });
    const started = performance.now();
    await page.getByRole('button', { name: 'Run all' }).click();
    // A selector, not a function: the app's Content-Security-Policy refuses evaluated strings.
    await page.locator('#app[data-run-all]:not([data-run-all="running"])').waitFor({ state: 'attached', timeout: 300_000 });
    const done = performance.now();
    return { runAllMs: done - started, withKernelMs: done - opened, outcome: (await page.locator('#app').getAttribute('data-run-all')) ?? '?' };
  } finally {
    await context.close();
    await app.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

function nbclientRun(root: string, notebook: string, jupyterPath: string): { ms: number | null; status: string } {
  const python = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import nbclient, nbformat']).status !== 0) return { ms: null, status: `not available: ${python} cannot import nbclient` };
  const outDir = mkdtempSync(join(os.tmpdir(), 'authlab-bench-nbclient-'));
  try {
    const started = performance.now();
    const run = spawnSync(python, [join(root, 'test', 'notebooks', 'execute_notebook.py'), notebook, '--output', join(outDir, 'out.ipynb'), '--timeout', '120'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: join(root, '.lab', 'jupyter', 'runtime'), PYTHONUNBUFFERED: '1' },
    });
    return { ms: performance.now() - started, status: run.status === 0 ? 'ok' : `exit ${run.status}` };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Checks of one exercise through the app's HTTP API, as the Check button sends them: the first (the
 * warm grader starting up), then three more on the warm grader; the warm figure is their median.
 */
async function checkInApp(root: string, id: string): Promise<{ first: number; warm: number[]; status: string }> {
  const { projectKernelSpec, startNotebookApp } = await import('@client-auth-lab/app');
  const app = await startNotebookApp({ root, kernelSpec: projectKernelSpec(root), port: 0 });
  try {
    const once = async (): Promise<{ ms: number; status: string }> => {
      const started = performance.now();
      const answer = await fetch(`${app.url}/api/exercises/${encodeURIComponent(id)}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await answer.json()) as { status?: string };
      return { ms: performance.now() - started, status: body.status ?? `HTTP ${answer.status}` };
    };
    const first = await once();
    const warm: number[] = [];
    let status = first.status;
    for (let i = 0; i < 3; i++) {
      const next = await once();
      warm.push(next.ms);
      status = next.status;
    }
    return { first: first.ms, warm, status };
  } finally {
    await app.stop();
  }
}

async function checkRows(root: string, id: string, out: AppTimed[], log: (line: string) => void): Promise<void> {
  const check = await checkInApp(root, id);
  const seconds = check.warm.map((ms) => (ms / 1000).toFixed(2));
  out.push({ name: `check ${id} from the app (first)`, ms: check.first, status: check.status });
  out.push({ name: `check ${id} from the app (warm, median of checks 2–4)`, ms: median(check.warm), status: `${check.status}; checks 2–4: ${seconds.join(', ')} s` });
  log(`  check ${id} in the app: first ${(check.first / 1000).toFixed(2)} s, then ${seconds.join(' / ')} s`);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function appTimings(root: string, registerKernel: (root: string) => string, checkId: string | undefined, log: (line: string) => void): Promise<AppTimed[]> {
  const out: AppTimed[] = [];
  const data = mkdtempSync(join(os.tmpdir(), 'authlab-bench-app-data-'));
  // `authlab check` and the app record progress in .lab/progress.json: keep the learner's file as it was.
  const progressFile = join(root, '.lab', 'progress.json');
  const saved = existsSync(progressFile) ? readFileSync(progressFile) : undefined;
  // BENCH_APP=check measures only the check in the app (no npm start, no Run all, no nbclient).
  const onlyCheck = process.env.BENCH_APP === 'check';
  try {
    if (onlyCheck) {
      if (checkId !== undefined) await checkRows(root, checkId, out, log);
      return out;
    }
    const cold = await startToIndex(root, data);
    const warm = await startToIndex(root, data);
    out.push({ name: 'npm start → index answering (first)', ms: cold.ms, status: cold.status });
    out.push({ name: 'npm start → index answering (warm)', ms: warm.ms, status: warm.status });
    log(`  npm start → index: ${(cold.ms / 1000).toFixed(2)} s, warm ${(warm.ms / 1000).toFixed(2)} s`);

    const stem = '03-client-assertions';
    const jupyterPath = registerKernel(root);
    // Rounds alternate nbclient and the app, so a slow spell of the machine falls on both; medians are compared.
    const rounds = Math.max(1, Number(process.env.BENCH_APP_ROUNDS ?? 3));
    if (existsSync(CHROMIUM)) {
      mkdirSync(join(root, '.lab'), { recursive: true });
      const scratch = mkdtempSync(join(root, '.lab', 'bench-app-'));
      try {
        cpSync(join(root, 'notebooks'), scratch, { recursive: true });
        const nbclient: number[] = [];
        const app: { runAllMs: number; withKernelMs: number; outcome: string }[] = [];
        let nbStatus = 'ok';
        for (let round = 0; round < rounds; round++) {
          const nb = nbclientRun(root, join(root, 'notebooks', `${stem}.ipynb`), jupyterPath);
          if (nb.ms === null || nb.status !== 'ok') nbStatus = nb.status;
          if (nb.ms !== null) nbclient.push(nb.ms);
          app.push(await runAllInApp(root, scratch, stem));
          log(`  ${stem} round ${round + 1}/${rounds}: nbclient ${nb.ms === null ? '—' : (nb.ms / 1000).toFixed(1)} s, app ${(app[round]!.withKernelMs / 1000).toFixed(1)} s (Run all ${(app[round]!.runAllMs / 1000).toFixed(1)} s)`);
        }
        const nbMs = nbclient.length === 0 ? null : median(nbclient);
        const appMs = median(app.map((r) => r.withKernelMs));
        const outcomes = [...new Set(app.map((r) => r.outcome))].join('/');
        const each = (values: number[]) => values.map((v) => (v / 1000).toFixed(1)).join(', ');
        out.push({ name: `${stem}: nbclient (kernel start + every cell), median of ${rounds}`, ms: nbMs, status: `${nbStatus}; rounds: ${each(nbclient)} s` });
        out.push({ name: `${stem}: the app, kernel start + Run all (Chromium), median of ${rounds}`, ms: appMs, status: `${outcomes}${nbMs === null ? '' : `, ${(appMs / nbMs).toFixed(2)}× nbclient`}; rounds: ${each(app.map((r) => r.withKernelMs))} s` });
        out.push({ name: `${stem}: the app, Run all alone, median of ${rounds}`, ms: median(app.map((r) => r.runAllMs)), status: `${outcomes}; rounds: ${each(app.map((r) => r.runAllMs))} s` });
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    } else {
      const nb = nbclientRun(root, join(root, 'notebooks', `${stem}.ipynb`), jupyterPath);
      out.push({ name: `${stem}: nbclient (kernel start + every cell)`, ms: nb.ms, status: nb.status });
      out.push({ name: `${stem}: the app, Run all`, ms: null, status: `not available: ${CHROMIUM} is missing` });
    }

    if (checkId !== undefined) await checkRows(root, checkId, out, log);
  } catch (error) {
    out.push({ name: 'app', ms: null, status: `failed: ${(error as Error).message}` });
  } finally {
    rmSync(data, { recursive: true, force: true });
    if (saved === undefined) rmSync(progressFile, { force: true });
    else writeFileSync(progressFile, saved);
  }
  return out;
}
