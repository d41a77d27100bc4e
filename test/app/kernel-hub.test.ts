// The kernel hub's spare kernel on the real tslab kernel: started ahead of need, given to the first
// notebook that asks (its labs announcements then count as that notebook's), replaced only when asked,
// and stopped with the hub.
import { mkdtempSync, rmSync } from 'node:fs';
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
