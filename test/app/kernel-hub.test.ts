// The kernel hub's spare kernel on the real tslab kernel: started ahead of need, given to the first
// notebook that asks (its labs announcements then count as that notebook's), replaced only when asked,
// and stopped with the hub.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelHub, projectKernelSpec } from '@client-auth-lab/app';
import { NOTEBOOK_APP_CHECK_ENV } from '@client-auth-lab/grader';
import { NOTEBOOK_APP_LABS_ENV } from '@client-auth-lab/lab-server';
import { processAlive } from '../support/processes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('KernelHub with a spare kernel', () => {
  let cwd = '';
  let hub: KernelHub;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'authlab-hub-test-'));
    hub = new KernelHub({ spec: projectKernelSpec(root), cwd, labsUrl: (name) => `http://127.0.0.1:9/api/labs/${name}` });
  });
  afterAll(async () => {
    await hub?.shutdownAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('accepts a notebook on the spare kernel started before it asked, and counts the spare\'s labs as the notebook\'s', async () => {
    hub.keepSpare();
    const sparePid = await hub.sparePid();
    expect(sparePid).toBeGreaterThan(0);
    // The page's live channel, as the app's /events route gives it.
    const events: string[] = [];
    const page = { status: () => page, setHeader: () => page, flushHeaders: () => {}, write: (text: string) => events.push(text), on: () => page, end: () => {} };
    hub.subscribe('03-client-assertions', page as never);
    const kernel = await hub.kernel('03-client-assertions');
    expect(kernel.pid).toBe(sparePid);
    // The page hears that the kernel is idle, though the spare went idle before the page listened.
    expect(events.at(-1)).toContain('"status":"idle"');
    const result = await hub.execute('03-client-assertions', 'c1', `console.log(process.env.${NOTEBOOK_APP_LABS_ENV})`);
    const printed = result.outputs.map((o) => ('text' in o ? String(o.text) : '')).join('').trim();
    const spareName = /\/api\/labs\/(.+)$/.exec(printed)?.[1] as string;
    expect(hub.ownerOf(spareName)).toBe('03-client-assertions');
    // No new spare until asked (the index page asks): none starts while the chapter runs.
    expect(await hub.sparePid()).toBeUndefined();
  });

  it('stops the spare kernel with the hub', async () => {
    hub.keepSpare();
    const sparePid = (await hub.sparePid()) as number;
    expect(processAlive(sparePid)).toBe(true);
    await hub.shutdownAll();
    expect(processAlive(sparePid)).toBe(false);
  });
});

describe('KernelHub with two editions', () => {
  let notebooks = '';
  let hub: KernelHub;
  beforeAll(() => {
    notebooks = mkdtempSync(join(tmpdir(), 'authlab-hub-editions-'));
    mkdirSync(join(notebooks, 'ja'));
    hub = new KernelHub({
      spec: projectKernelSpec(root),
      cwd: (name) => (name.startsWith('ja/') ? join(notebooks, 'ja') : notebooks),
      labsUrl: (name) => `http://127.0.0.1:9/api/labs/${name}`,
    });
  });
  afterAll(async () => {
    await hub?.shutdownAll();
    rmSync(notebooks, { recursive: true, force: true });
  });

  const cwdOf = async (name: string): Promise<string> => {
    const result = await hub.execute(name, 'c1', 'console.log(process.cwd())');
    return result.outputs.map((o) => ('text' in o ? String(o.text) : '')).join('').trim();
  };

  it('starts a Japanese chapter\'s kernel in notebooks/ja (its outputs read their language from there), not on the English spare', async () => {
    hub.keepSpare();
    const englishSpare = await hub.sparePid();
    expect(await cwdOf('ja/03-client-assertions')).toBe(join(notebooks, 'ja'));
    expect(hub.kernelPid('ja/03-client-assertions')).not.toBe(englishSpare);
    expect(await hub.sparePid()).toBe(englishSpare);
  });

  it('accepts the Japanese index\'s spare for a Japanese chapter, and an English chapter starts where the English ones live', async () => {
    hub.keepSpare('ja/');
    const japaneseSpare = await hub.sparePid();
    expect(await cwdOf('ja/04-jwt-grant-vs-client-auth')).toBe(join(notebooks, 'ja'));
    expect(hub.kernelPid('ja/04-jwt-grant-vs-client-auth')).toBe(japaneseSpare);
    expect(await cwdOf('04-jwt-grant-vs-client-auth')).toBe(notebooks);
  });
});

describe('KernelHub running all the cells of a notebook', () => {
  let cwd = '';
  let hub: KernelHub;
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const NOTEBOOK = 'zz-run-all';
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'authlab-hub-run-all-'));
    hub = new KernelHub({ spec: projectKernelSpec(root), cwd, labsUrl: (name) => `http://127.0.0.1:9/api/labs/${name}`, checkUrl: () => 'http://127.0.0.1:9/api/check', spareKernel: false });
    // The page's live channel, as the app's /events route gives it: each block parsed back.
    const page = {
      status: () => page, setHeader: () => page, flushHeaders: () => {}, on: () => page, end: () => {},
      write: (text: string) => {
        const event = /^event: (.+)$/m.exec(text)?.[1];
        const data = /^data: (.+)$/m.exec(text)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      },
    };
    hub.subscribe(NOTEBOOK, page as never);
  });
  afterAll(async () => {
    await hub?.shutdownAll();
    rmSync(cwd, { recursive: true, force: true });
  });
  const printed = (result: { outputs: { text?: unknown }[] }) => result.outputs.map((o) => String(o.text ?? '')).join('').trim();

  it('accepts every cell in order, goes on past a failure tagged raises-exception, and stops at the first other failure, as nbclient does', { timeout: 60_000 }, async () => {
    events.length = 0;
    const run = await hub.runAll(NOTEBOOK, [
      { cellId: 'a', code: 'let n = 1; console.log(n)', raisesException: false },
      { cellId: 'b', code: "throw new Error('expected')", raisesException: true },
      { cellId: 'c', code: 'n += 1; console.log(n)', raisesException: false },
      { cellId: 'd', code: "throw new Error('unexpected')", raisesException: false },
      { cellId: 'e', code: 'console.log("never")', raisesException: false },
    ]);
    expect(run.outcome).toBe('error');
    expect(run.stoppedAt).toBe('d');
    expect(run.results.map((r) => [r.cellId, r.status])).toEqual([['a', 'ok'], ['b', 'error'], ['c', 'ok'], ['d', 'error']]);
    expect(printed(run.results[2] as never)).toBe('2');
    // The page heard each cell start, its output and its end, in order, under this run's number.
    const lifecycle = events.filter((e) => e.event === 'cell-started' || e.event === 'cell-finished').map((e) => `${e.event}:${String(e.data.cellId)}`);
    expect(lifecycle).toEqual(['a', 'b', 'c', 'd'].flatMap((id) => [`cell-started:${id}`, `cell-finished:${id}`]));
    expect(new Set(events.filter((e) => e.event.startsWith('cell-')).map((e) => e.data.runId))).toEqual(new Set([run.runId]));
    expect(events.some((e) => e.event === 'output' && e.data.cellId === 'c')).toBe(true);
  });

  it('rejects a second Run all of the same notebook while one runs because the kernel would interleave them (ERR_RUN_ALL_RUNNING), and an interrupt ends the first', { timeout: 60_000 }, async () => {
    const first = hub.runAll(NOTEBOOK, [
      { cellId: 'wait', code: 'await new Promise(() => {})', raisesException: false },
      { cellId: 'after', code: 'console.log("after")', raisesException: false },
    ]);
    await expect.poll(() => events.some((e) => e.event === 'cell-started' && e.data.cellId === 'wait'), { timeout: 20_000 }).toBe(true);
    // tslab takes SIGINT once the cell runs (as the kernel manager's own interrupt test waits for).
    await expect.poll(() => hub.status(NOTEBOOK).status, { timeout: 20_000 }).toBe('busy');
    await new Promise((r) => setTimeout(r, 500));
    await expect(hub.runAll(NOTEBOOK, [{ cellId: 'x', code: '1', raisesException: false }])).rejects.toMatchObject({ code: 'ERR_RUN_ALL_RUNNING' });
    await hub.interrupt(NOTEBOOK);
    const run = await first;
    expect(run.outcome).toBe('interrupted');
    expect(run.results.map((r) => r.cellId)).toEqual(['wait']);
  });

  it('gives its kernels the app\'s check URL, where a chapter\'s check cell sends its check', async () => {
    const result = await hub.execute(NOTEBOOK, 'env', `console.log(process.env.${NOTEBOOK_APP_CHECK_ENV})`);
    expect(printed(result as never)).toBe('http://127.0.0.1:9/api/check');
  });
});
