/**
 * One tslab kernel per open notebook, and the live channel to the page: kernel status, outputs as they
 * arrive, and the traces of every lab server a cell of that kernel started (announced through
 * NOTEBOOK_APP_LABS_ENV, followed on the lab's own /lab/traces/stream). A spare kernel is kept started
 * ahead of need, so that opening a chapter does not wait for tslab to start (about 2 to 3 s). Run all
 * runs here, cell after cell, as nbclient runs a notebook.
 */
import type { Response } from 'express';
import { NOTEBOOK_APP_CHECK_ENV } from '@client-auth-lab/grader';
import { NOTEBOOK_APP_LABS_ENV } from '@client-auth-lab/lab-server';
import { KernelSession, type ExecuteResult, type KernelSpec, type KernelStatus } from '../kernel/kernel-manager.js';

export interface TraceSummary {
  id: string;
  time: string;
  endpoint: string;
  clientId: string | undefined;
  method: string | undefined;
  ok: boolean;
  error: string | undefined;
  code: string | undefined;
  status: number | undefined;
  /** The lab's own viewer, open on this trace. */
  viewerUrl: string;
  /** The trace as JSON from the lab server. */
  jsonUrl: string;
}

/** One code cell of a Run all, as the page sends it. */
export interface RunAllCell {
  cellId: string;
  code: string;
  /** Tagged raises-exception: its error is expected and the run goes on (as nbclient does). */
  raisesException: boolean;
}

export interface RunAllCellResult extends ExecuteResult {
  cellId: string;
}

export interface RunAllResult {
  /** This run's number, as its cell-started and cell-finished events carry it. */
  runId: number;
  /** done: every cell ran; error: a cell failed that was not tagged raises-exception; interrupted: stopped by Interrupt or Restart; dead: the kernel died. */
  outcome: 'done' | 'error' | 'interrupted' | 'dead';
  /** The cell the run stopped at (outcome error or dead, or interrupted in a cell). */
  stoppedAt?: string;
  /** Each cell that ran, in order, with its outputs. */
  results: RunAllCellResult[];
}

export class RunAllError extends Error {
  override name = 'RunAllError';
  constructor(readonly code: 'ERR_RUN_ALL_RUNNING', message: string) {
    super(message);
  }
}

/**
 * tslab refuses (status abort) the requests that come within about 200 ms of a failed cell: such a
 * cell is sent again after this pause, and a failed cell is followed by it before the next.
 */
const AFTER_FAILURE_MS = 300;
const afterFailure = (): Promise<void> => new Promise((done) => setTimeout(done, AFTER_FAILURE_MS));

interface Room {
  notebook: string;
  /** The Run all in progress: Interrupt and Restart set stopped, and it ends before its next cell. */
  run: { id: number; stopped: boolean } | undefined;
  kernel: KernelSession | undefined;
  starting: Promise<KernelSession> | undefined;
  clients: Set<Response>;
  labs: Map<string, AbortController>;
  traces: TraceSummary[];
  log: string;
}

/** A URL a lab may announce: plain HTTP on a loopback address (the kernel runs on this machine). */
export function isLoopbackHttpUrl(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.pathname === '/' && url.search === '';
  } catch {
    return false;
  }
}

export function summarizeTrace(trace: Record<string, unknown>, labUrl: string): TraceSummary {
  const outcome = (trace.outcome ?? {}) as { ok?: boolean; error?: string; code?: string };
  const response = (trace.response ?? {}) as { status?: number };
  const id = String(trace.id);
  return {
    id, time: String(trace.time), endpoint: String(trace.endpoint),
    clientId: typeof trace.clientId === 'string' ? trace.clientId : undefined,
    method: typeof trace.method === 'string' ? trace.method : undefined,
    ok: outcome.ok === true, error: outcome.error, code: outcome.code,
    status: typeof response.status === 'number' ? response.status : undefined,
    viewerUrl: `${labUrl}/lab#/trace/${encodeURIComponent(id)}`,
    jsonUrl: `${labUrl}/lab/traces/${encodeURIComponent(id)}`,
  };
}

export interface KernelHubOptions {
  spec: KernelSpec;
  /**
   * A kernel's working directory: Jupyter's, the notebook's folder (so notebooks/ja for the Japanese
   * edition, whose outputs read their language from it). A string is one folder for every notebook.
   */
  cwd: string | ((notebook: string) => string);
  /** Where kernels announce the labs their cells start (this app's /api/labs/<notebook>). */
  labsUrl: (notebook: string) => string;
  /** Where a chapter's check cell has the app's warm grader grade it (NOTEBOOK_APP_CHECK_ENV); none: the kernel grades. */
  checkUrl?: () => string;
  env?: NodeJS.ProcessEnv;
  /** Keep one kernel started ahead of the next notebook that needs one (default true). */
  spareKernel?: boolean;
}

const KEEP_TRACES = 200;

/** A kernel started before any notebook asked: its labs URL names it until a notebook takes it. */
interface Spare {
  name: string;
  /** The folder it was started in: only a notebook of that folder takes it. */
  cwd: string;
  kernel: KernelSession;
  launched: Promise<void>;
  /** Where its log goes: nowhere until a notebook takes it. */
  log: { to: ((text: string) => void) | undefined };
}

export class KernelHub {
  private readonly rooms = new Map<string, Room>();
  /** Spare kernels' names, and the notebook each was given to (their labs announce themselves by name). */
  private readonly spareOwners = new Map<string, string>();
  private spare: Spare | undefined;
  private spares = 0;
  private runs = 0;
  private closed = false;

  constructor(private readonly options: KernelHubOptions) {}

  /** The environment of a kernel started under `name` (a notebook, or a spare's name). */
  private kernelEnv(name: string): NodeJS.ProcessEnv {
    const check = this.options.checkUrl?.();
    return { ...(this.options.env ?? process.env), [NOTEBOOK_APP_LABS_ENV]: this.options.labsUrl(name), ...(check === undefined ? {} : { [NOTEBOOK_APP_CHECK_ENV]: check }) };
  }

  private cwdOf(notebook: string): string {
    return typeof this.options.cwd === 'string' ? this.options.cwd : this.options.cwd(notebook);
  }

  /**
   * Starts the spare kernel if there is none (and the hub keeps one), in the folder of `forNotebook`'s
   * edition: a learner on the Japanese index is about to open a Japanese chapter.
   */
  keepSpare(forNotebook = ''): void {
    if (this.options.spareKernel === false || this.closed) return;
    const cwd = this.cwdOf(forNotebook);
    if (this.spare !== undefined && this.spare.cwd === cwd) return;
    if (this.spare !== undefined) {
      // One spare at a time: the one for the other edition gives way.
      const old = this.spare;
      this.spare = undefined;
      void old.launched.catch(() => {}).then(() => old.kernel.shutdown()).catch(() => {});
    }
    const name = `~spare-${++this.spares}`;
    const log: Spare['log'] = { to: undefined };
    const kernel = new KernelSession(this.options.spec, {
      cwd,
      env: this.kernelEnv(name),
      log: (text) => log.to?.(text),
    });
    const spare: Spare = { name, cwd, kernel, log, launched: kernel.launch() };
    // A spare that fails to start is dropped; the next notebook starts its own kernel.
    spare.launched.catch(() => {
      if (this.spare === spare) this.spare = undefined;
    });
    this.spare = spare;
  }

  /** The spare kernel's process once it runs (for tests and the launcher's cleanup checks). */
  async sparePid(): Promise<number | undefined> {
    const spare = this.spare;
    if (spare === undefined) return undefined;
    await spare.launched.catch(() => {});
    return spare.kernel.pid;
  }

  /** The notebook a labs announcement is for: a spare kernel's name stands for the notebook that took it. */
  ownerOf(name: string): string {
    return this.spareOwners.get(name) ?? name;
  }

  private room(notebook: string): Room {
    let room = this.rooms.get(notebook);
    if (room === undefined) {
      room = { notebook, run: undefined, kernel: undefined, starting: undefined, clients: new Set(), labs: new Map(), traces: [], log: '' };
      this.rooms.set(notebook, room);
    }
    return room;
  }

  private broadcast(room: Room, event: string, data: unknown): void {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of room.clients) res.write(text);
  }

  /** The last 8,000 characters the notebook's kernel process wrote outside the messaging protocol (and the hub's notes on it). */
  log(notebook: string): string {
    return this.rooms.get(notebook)?.log ?? '';
  }

  status(notebook: string): { status: KernelStatus; reason: string | undefined } {
    const kernel = this.rooms.get(notebook)?.kernel;
    if (kernel === undefined) return { status: this.rooms.get(notebook)?.starting === undefined ? 'dead' : 'starting', reason: kernel === undefined ? 'not started' : undefined };
    return { status: kernel.status, reason: kernel.status === 'dead' ? kernel.deathReason : undefined };
  }

  /** The notebook's kernel, started on first use. */
  kernel(notebook: string): Promise<KernelSession> {
    const room = this.room(notebook);
    if (room.kernel !== undefined) return Promise.resolve(room.kernel);
    if (room.starting !== undefined) return room.starting;
    this.broadcast(room, 'status', { status: 'starting' });
    const appendLog = (text: string) => (room.log = `${room.log}${text}`.slice(-8000));
    const spare = this.spare?.cwd === this.cwdOf(notebook) ? this.spare : undefined;
    if (spare !== undefined) this.spare = undefined;
    let kernel: KernelSession;
    let launched: Promise<void>;
    if (spare !== undefined) {
      kernel = spare.kernel;
      spare.log.to = appendLog;
      this.spareOwners.set(spare.name, notebook);
      // A spare that failed to start is replaced by a kernel of the notebook's own.
      launched = spare.launched.catch(() => kernel.launch());
    } else {
      kernel = new KernelSession(this.options.spec, {
        cwd: this.cwdOf(notebook),
        env: this.kernelEnv(notebook),
        log: appendLog,
      });
      launched = kernel.launch();
    }
    kernel.onStatus((status) => {
      if (status === 'dead' || status === 'starting') this.dropLabs(room);
      this.broadcast(room, 'status', { status, reason: status === 'dead' ? kernel.deathReason : undefined });
    });
    room.starting = (async () => {
      try {
        await launched;
        room.kernel = kernel;
        // A spare kernel was idle before this room listened: say so now.
        this.broadcast(room, 'status', { status: kernel.status, reason: kernel.status === 'dead' ? kernel.deathReason : undefined });
        return kernel;
      } catch (error) {
        this.broadcast(room, 'status', { status: 'dead', reason: (error as Error).message });
        throw error;
      } finally {
        room.starting = undefined;
      }
    })();
    return room.starting;
  }

  /** The page's live channel (server-sent events). */
  subscribe(notebook: string, res: Response): void {
    const room = this.room(notebook);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.flushHeaders();
    room.clients.add(res);
    const { status, reason } = this.status(notebook);
    res.write(`event: status\ndata: ${JSON.stringify({ status, reason })}\n\n`);
    for (const trace of room.traces) res.write(`event: trace\ndata: ${JSON.stringify(trace)}\n\n`);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      room.clients.delete(res);
    });
  }

  async execute(notebook: string, cellId: string, code: string): Promise<ExecuteResult> {
    const kernel = await this.kernel(notebook);
    return this.executeIn(this.room(notebook), kernel, cellId, code);
  }

  /** One cell on the room's kernel, each output told to the page as it comes. */
  private executeIn(room: Room, kernel: KernelSession, cellId: string, code: string): Promise<ExecuteResult> {
    return kernel.execute(code, (output) => this.broadcast(room, 'output', { cellId, output }));
  }

  /**
   * Runs the cells one after the other in the notebook's kernel, as nbclient does: the next request
   * goes as soon as the kernel is done with the one before, without a round trip to the page. The page
   * hears `cell-started` and `cell-finished` (and each output) on its live channel; the result has
   * every cell's outputs. A cell that fails stops the run unless it raises-exception.
   */
  async runAll(notebook: string, list: readonly RunAllCell[]): Promise<RunAllResult> {
    const room = this.room(notebook);
    if (room.run !== undefined) throw new RunAllError('ERR_RUN_ALL_RUNNING', `${notebook} is already running all its cells`);
    const run = { id: ++this.runs, stopped: false };
    room.run = run;
    const results: RunAllCellResult[] = [];
    try {
      // A kernel that cannot start is shown dead, with its reason, on the live channel.
      const kernel = await this.kernel(notebook).catch(() => undefined);
      if (kernel === undefined) return { runId: run.id, outcome: 'dead', results };
      for (const cell of list) {
        if (run.stopped) return { runId: run.id, outcome: 'interrupted', results };
        const once = async (): Promise<ExecuteResult> => {
          this.broadcast(room, 'cell-started', { runId: run.id, cellId: cell.cellId });
          return this.executeIn(room, kernel, cell.cellId, cell.code)
            .catch((error: Error): ExecuteResult => ({ status: 'dead', executionCount: null, outputs: [{ output_type: 'error', ename: 'KernelError', evalue: error.message, traceback: [] }] }));
        };
        let result = await once();
        if (result.status === 'abort' && !run.stopped) {
          await afterFailure();
          result = await once();
        }
        results.push({ cellId: cell.cellId, ...result });
        this.broadcast(room, 'cell-finished', { runId: run.id, cellId: cell.cellId, status: result.status, executionCount: result.executionCount });
        if (result.status === 'error') await afterFailure();
        // Interrupt or Restart ends the run whatever the cell it stopped did (a restart kills the kernel under it).
        if (run.stopped && result.status !== 'ok') return { runId: run.id, outcome: 'interrupted', stoppedAt: cell.cellId, results };
        if (result.status === 'dead') return { runId: run.id, outcome: 'dead', stoppedAt: cell.cellId, results };
        if ((result.status === 'error' || result.status === 'abort') && !cell.raisesException) return { runId: run.id, outcome: 'error', stoppedAt: cell.cellId, results };
      }
      return { runId: run.id, outcome: 'done', results };
    } finally {
      room.run = undefined;
    }
  }

  async interrupt(notebook: string): Promise<void> {
    const room = this.rooms.get(notebook);
    if (room?.run !== undefined) room.run.stopped = true;
    await room?.kernel?.interrupt();
  }

  async restart(notebook: string): Promise<void> {
    const room = this.room(notebook);
    if (room.run !== undefined) room.run.stopped = true;
    if (room.kernel === undefined) {
      await this.kernel(notebook);
      return;
    }
    await room.kernel.restart();
  }

  /** A lab started in one of this notebook's cells: follow its trace stream. */
  followLab(notebook: string, httpUrl: string): void {
    const room = this.room(notebook);
    const base = httpUrl.replace(/\/$/, '');
    if (room.labs.has(base)) return;
    const abort = new AbortController();
    room.labs.set(base, abort);
    this.broadcast(room, 'lab', { httpUrl: base });
    void (async () => {
      try {
        const response = await fetch(`${base}/lab/traces/stream`, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
        if (response.body === null) return;
        const decoder = new TextDecoder();
        let buffer = '';
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (!/^event: trace$/m.test(block) || data === '') continue;
            const summary = summarizeTrace(JSON.parse(data) as Record<string, unknown>, base);
            room.traces.push(summary);
            if (room.traces.length > KEEP_TRACES) room.traces.shift();
            this.broadcast(room, 'trace', summary);
          }
        }
      } catch {
        // The lab stopped (its cell's lab.stop(), or the kernel went away).
      } finally {
        room.labs.delete(base);
      }
    })();
  }

  /** The labs of a kernel that stopped are gone with it: their traces can no longer be opened. */
  private dropLabs(room: Room): void {
    for (const abort of room.labs.values()) abort.abort();
    room.labs.clear();
    if (room.traces.length === 0) return;
    room.traces = [];
    this.broadcast(room, 'traces-cleared', {});
  }

  /** The process id of a notebook's kernel, while it runs. */
  kernelPid(notebook: string): number | undefined {
    return this.rooms.get(notebook)?.kernel?.pid;
  }

  /** Stops one notebook's kernel (the page shows it dead until Restart). */
  async shutdown(notebook: string): Promise<void> {
    const room = this.rooms.get(notebook);
    if (room === undefined) return;
    this.dropLabs(room);
    const kernel = room.kernel ?? (await room.starting?.catch(() => undefined));
    room.kernel = undefined;
    await kernel?.shutdown();
  }

  async shutdownAll(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined) await spare.launched.catch(() => {}).then(() => spare.kernel.shutdown());
    await Promise.all([...this.rooms.values()].map(async (room) => {
      this.dropLabs(room);
      for (const res of room.clients) res.end();
      room.clients.clear();
      const kernel = room.kernel ?? (await room.starting?.catch(() => undefined));
      await kernel?.shutdown();
    }));
  }
}
