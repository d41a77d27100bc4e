// The kernel manager against the real tslab kernel: connection file, signed messages, execute, interrupt, restart, shutdown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserialize, IDLE_GRACE_MS, KernelError, KernelMessageError, KernelSession, newMessage, projectKernelSpec, serialize, type JupyterMessage } from '@client-auth-lab/app';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('Jupyter wire messages', () => {
  it('accepts a message signed with the connection key', () => {
    const message = newMessage('execute_request', { code: '1' }, 's');
    const read = deserialize('k', [Buffer.from('topic'), ...serialize('k', message)]);
    expect(read.header.msg_type).toBe('execute_request');
    expect(read.content).toEqual({ code: '1' });
  });

  it('rejects a message signed with another key because its HMAC does not match (ERR_BAD_SIGNATURE)', () => {
    const frames = serialize('other', newMessage('status', {}, 's'));
    expect(() => deserialize('k', frames)).toThrowError(expect.objectContaining({ code: 'ERR_BAD_SIGNATURE' }) as Error);
  });

  it('rejects frames without the <IDS|MSG> delimiter (ERR_NO_DELIMITER)', () => {
    expect(() => deserialize('k', [Buffer.from('{}')])).toThrow(KernelMessageError);
  });
});

describe('KernelSession on the tslab kernel', () => {
  let kernel: KernelSession;
  let cwd = '';
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'authlab-kernel-test-'));
    kernel = await KernelSession.start(projectKernelSpec(root), { cwd });
  }, 90_000);
  afterAll(async () => {
    await kernel?.shutdown();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('accepts execute_request and collects stream output (tslab prints the last value on stdout)', async () => {
    expect(kernel.status).toBe('idle');
    const seen: string[] = [];
    const result = await kernel.execute('console.log("hello"); const answer: number = 6 * 7; answer', (o) => seen.push(o.output_type));
    expect(result.status).toBe('ok');
    expect(result.executionCount).toBeGreaterThan(0);
    expect(result.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'hello\n42\n' }]);
    expect(seen).toContain('stream');
  });

  it('starts tslab after the project\'s preloads: zeromq sends one at a time, and V8 optimizes only hot functions (their files run before tslab)', async () => {
    const result = await kernel.execute('console.log(process.execArgv.join(" "))');
    const argv = String((result.outputs[0] as { text?: unknown } | undefined)?.text ?? '');
    expect(argv).toContain('tslab-serial-send.cjs');
    expect(argv).toContain('tslab-tier-up.cjs');
  });

  it('keeps display_data from tslab.display', async () => {
    const result = await kernel.execute('import * as tslab from "tslab"; tslab.display.html("<b>x</b>")');
    expect(result.outputs).toContainEqual(expect.objectContaining({ output_type: 'display_data', data: expect.objectContaining({ 'text/html': '<b>x</b>' }) as unknown }));
  });

  it('rejects a cell with a type error because tslab does not run it (status error, diagnostics on stderr)', async () => {
    const result = await kernel.execute('const n: number = "text";');
    expect(result.status).toBe('error');
    expect(result.outputs.some((o) => o.output_type === 'stream' && o.name === 'stderr')).toBe(true);
  });

  it('accepts a cell that prints 3,000 lines at once: every line arrives, then its idle status (the kernel\'s sends wait their turn)', { timeout: 60_000 }, async () => {
    const notes: string[] = [];
    const loud = await KernelSession.start(projectKernelSpec(root), { cwd, log: (text) => notes.push(text) });
    try {
      const result = await loud.execute('for (let i = 0; i < 3000; i++) console.log(`line ${i}`);\nconsole.error("and the end on stderr");');
      const stdout = result.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stdout').map((o) => String((o as { text: string }).text)).join('');
      const lines = stdout.split('\n').filter((l) => l !== '');
      expect(lines.length).toBe(3000);
      expect(lines.at(-1)).toBe('line 2999');
      expect(result.outputs.some((o) => o.output_type === 'stream' && o.name === 'stderr')).toBe(true);
      // Without the preload, zeromq.js refused every send made while one was pending (EBUSY): the tail and the idle status were lost.
      expect(notes.join('')).not.toMatch(/no idle status|Socket is busy writing/);
    } finally {
      await loud.shutdown();
    }
  });

  it('answers the heartbeat', async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(await kernel.heartbeat()).toBe(true);
  });

  it('interrupts a cell that waits forever (SIGINT per the kernelspec)', async () => {
    const running = kernel.execute('await new Promise(() => {})');
    await new Promise((r) => setTimeout(r, 500));
    expect(kernel.status).toBe('busy');
    await kernel.interrupt();
    const result = await running;
    expect(result.status).toBe('error');
    await new Promise((r) => setTimeout(r, 300));
    expect((await kernel.execute('1 + 1')).status).toBe('ok');
  });

  it('accepts a cell whose idle status never arrives once IDLE_GRACE_MS pass after its reply, as nbclient does', async () => {
    // Drop the idle status of the next cell, as a lost iopub message would.
    const session = kernel as unknown as { onIopubMessage(message: JupyterMessage): void };
    const deliver = session.onIopubMessage;
    session.onIopubMessage = function (message: JupyterMessage) {
      if (message.header.msg_type === 'status' && (message.content as { execution_state?: string }).execution_state === 'idle') return;
      deliver.call(this, message);
    };
    try {
      const started = Date.now();
      const result = await kernel.execute('console.log("still here")');
      expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_GRACE_MS - 100);
      expect(result.status).toBe('ok');
      expect(result.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('')).toContain('still here');
    } finally {
      session.onIopubMessage = deliver;
    }
    expect((await kernel.execute('1 + 1')).status).toBe('ok');
  });

  it('restarts with a fresh process: earlier variables are gone', { timeout: 90_000 }, async () => {
    await kernel.execute('const kept = 1;');
    const before = kernel.pid;
    await kernel.restart();
    expect(kernel.pid).not.toBe(before);
    expect(kernel.status).toBe('idle');
    const result = await kernel.execute('kept');
    expect(result.status).toBe('error');
    expect(result.outputs.map((o) => (o.output_type === 'stream' ? o.text : '')).join('')).toContain("Cannot find name 'kept'");
  });

  it('reports a killed kernel as dead and refuses to run code on it (ERR_KERNEL_DEAD)', { timeout: 90_000 }, async () => {
    const statuses: string[] = [];
    kernel.onStatus((s) => statuses.push(s));
    process.kill(kernel.pid as number, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(kernel.status).toBe('dead');
    expect(statuses).toContain('dead');
    await expect(kernel.execute('1')).rejects.toBeInstanceOf(KernelError);
    await expect(kernel.execute('1')).rejects.toMatchObject({ code: 'ERR_KERNEL_DEAD' });
    await kernel.restart();
    expect(kernel.status).toBe('idle');
  });
});
