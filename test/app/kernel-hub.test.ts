// The kernel hub's spare kernel on the real tslab kernel: started ahead of need, given to the first
// notebook that asks (its labs announcements then count as that notebook's), replaced only when asked,
// and stopped with the hub.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelHub, projectKernelSpec } from '@client-auth-lab/app';
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
