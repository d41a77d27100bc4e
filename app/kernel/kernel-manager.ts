/**
 * A kernel manager in Node: starts the kernel a kernelspec describes (Jupyter client docs, "Kernel
 * specs"), talks to it over ZeroMQ with the Jupyter messaging protocol v5.3 (shell, iopub, control,
 * stdin and heartbeat channels, signed messages), runs code, interrupts, restarts and shuts it down.
 * Kernels it started are killed when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import * as zmq from 'zeromq';
import { endpoint, newConnectionInfo, writeConnectionFile, type ConnectionInfo } from './connection.js';
import { deserialize, newMessage, serialize, type JupyterMessage } from './messages.js';
import { randomUUID } from 'node:crypto';

/** The fields of kernel.json that starting a kernel needs. */
export interface KernelSpec {
  argv: string[];
  display_name?: string;
  language?: string;
  /** "signal" (SIGINT, the default) or "message" (interrupt_request on the control channel). */
  interrupt_mode?: 'signal' | 'message';
  env?: Record<string, string>;
}

export type KernelStatus = 'starting' | 'idle' | 'busy' | 'dead';

/** An output as nbformat 4 stores it. */
export type NotebookOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface ExecuteResult {
  /** execute_reply's status; "dead" when the kernel died before replying. */
  status: 'ok' | 'error' | 'abort' | 'dead';
  executionCount: number | null;
  outputs: NotebookOutput[];
}

export class KernelError extends Error {
  override name = 'KernelError';
  constructor(readonly code: 'ERR_KERNEL_START' | 'ERR_KERNEL_DEAD' | 'ERR_KERNEL_TIMEOUT', message: string) {
    super(message);
  }
}

/** The nbformat output an iopub message stands for, if it is one. */
export function outputOf(message: JupyterMessage): NotebookOutput | undefined {
  const c = message.content as Record<string, unknown>;
  switch (message.header.msg_type) {
    case 'stream':
      return { output_type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') };
    case 'display_data':
      return { output_type: 'display_data', data: (c.data ?? {}) as Record<string, unknown>, metadata: (c.metadata ?? {}) as Record<string, unknown> };
    case 'execute_result':
      return {
        output_type: 'execute_result', execution_count: typeof c.execution_count === 'number' ? c.execution_count : null,
        data: (c.data ?? {}) as Record<string, unknown>, metadata: (c.metadata ?? {}) as Record<string, unknown>,
      };
    case 'error':
      return { output_type: 'error', ename: String(c.ename ?? 'Error'), evalue: String(c.evalue ?? ''), traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [] };
    default:
      return undefined;
  }
}

/** Appends an output as Jupyter front ends keep them: consecutive stream text of one name is merged. */
export function appendOutput(outputs: NotebookOutput[], output: NotebookOutput): void {
  const last = outputs[outputs.length - 1];
  if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
    last.text += output.text;
    return;
  }
  outputs.push(output.output_type === 'stream' ? { ...output } : output);
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

interface Pending {
  outputs: NotebookOutput[];
  reply: Record<string, unknown> | undefined;
  idle: boolean;
  onOutput: ((output: NotebookOutput, message: JupyterMessage) => void) | undefined;
  done: (result: ExecuteResult) => void;
  /** Set once execute_reply came: how long the idle status may still take. */
  grace?: NodeJS.Timeout;
}

/**
 * How long after execute_reply the idle status may take before the cell is settled without it, as
 * nbclient does (its iopub_timeout, 4 s). Seen on tslab before the project's kernels ran with
 * app/kernel/tslab-serial-send.cjs: zeromq.js refused the idle status's send (EBUSY), and Run all
 * waited for ever. A kernel started some other way can still lose it.
 */
export const IDLE_GRACE_MS = 4_000;

export interface KernelOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for kernel_info_reply (default 60 s). */
  startTimeoutMs?: number;
  /** Called with every line the kernel process prints on its own stdout/stderr (not cell output). */
  log?: (text: string) => void;
}

export class KernelSession {
  status: KernelStatus = 'starting';
  /** Why the kernel is dead, when it is. */
  deathReason: string | undefined;
  private child: ChildProcess | undefined;
  private info: ConnectionInfo | undefined;
  private dir: string | undefined;
  private shell: zmq.Dealer | undefined;
  private control: zmq.Dealer | undefined;
  private stdin: zmq.Dealer | undefined;
  private iopub: zmq.Subscriber | undefined;
  private hb: zmq.Request | undefined;
  private readonly session = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly replies = new Map<string, (message: JupyterMessage) => void>();
  private readonly statusListeners = new Set<(status: KernelStatus) => void>();
  private readonly iopubListeners = new Set<(message: JupyterMessage) => void>();
  private stopping = false;
  private generation = 0;

  constructor(readonly spec: KernelSpec, readonly options: KernelOptions) {}

  static async start(spec: KernelSpec, options: KernelOptions): Promise<KernelSession> {
    const kernel = new KernelSession(spec, options);
    await kernel.launch();
    return kernel;
  }

  onStatus(listener: (status: KernelStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Every iopub message, whoever's request it answers. */
  onIopub(listener: (message: JupyterMessage) => void): () => void {
    this.iopubListeners.add(listener);
    return () => this.iopubListeners.delete(listener);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get connection(): ConnectionInfo | undefined {
    return this.info;
  }

  private setStatus(status: KernelStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  /** Starts (or starts again) the kernel process and waits until it answers kernel_info_request. */
  async launch(): Promise<void> {
    const generation = ++this.generation;
    this.stopping = false;
    this.deathReason = undefined;
    this.setStatus('starting');
    const info = await newConnectionInfo('tslab');
    this.info = info;
    this.dir = mkdtempSync(join(tmpdir(), 'authlab-kernel-'));
    const file = join(this.dir, 'kernel.json');
    writeConnectionFile(file, info);
    const [command, ...args] = this.spec.argv.map((a) => a.replace('{connection_file}', file));
    if (command === undefined) throw new KernelError('ERR_KERNEL_START', 'the kernelspec has an empty argv');
    const base = this.options.env ?? process.env;
    // tslab's launcher is `#!/usr/bin/env node`: the node running this process is always on its PATH.
    const path = [dirname(process.execPath), base.PATH].filter((p) => p !== undefined && p !== '').join(delimiter);
    const child = spawn(command, args, { cwd: this.options.cwd, env: { ...base, PATH: path, ...this.spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    killOnExit(child);
    const log = this.options.log;
    child.stdout?.on('data', (d: Buffer) => log?.(d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => log?.(d.toString('utf8')));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new KernelError('ERR_KERNEL_START', `the kernel could not be started (${command}): ${error.message}`)));
      child.once('exit', (code, signal) => reject(new KernelError('ERR_KERNEL_START', `the kernel exited while starting (${code ?? signal})`)));
    });
    exited.catch(() => {});
    child.once('exit', (code, signal) => {
      if (generation !== this.generation) return;
      this.closeSockets();
      this.deathReason = this.stopping ? 'shut down' : `the kernel process exited (${code === null ? `signal ${String(signal)}` : `exit code ${code}`})`;
      this.setStatus('dead');
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.done({ status: 'dead', executionCount: null, outputs: p.outputs });
      }
    });

    this.shell = new zmq.Dealer({ linger: 0 });
    this.control = new zmq.Dealer({ linger: 0 });
    this.stdin = new zmq.Dealer({ linger: 0 });
    // No high-water mark: a burst of output (thousands of lines) is all kept, as the kernel sends it.
    this.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    this.hb = new zmq.Request({ linger: 0, receiveTimeout: 5_000 });
    this.iopub.subscribe();
    this.shell.connect(endpoint(info, info.shell_port));
    this.control.connect(endpoint(info, info.control_port));
    this.stdin.connect(endpoint(info, info.stdin_port));
    this.iopub.connect(endpoint(info, info.iopub_port));
    this.hb.connect(endpoint(info, info.hb_port));
    void this.readReplies(this.shell, info.key);
    void this.readReplies(this.control, info.key);
    void this.readIopub(this.iopub, info.key);

    // kernel_info_request until one is answered and iopub delivers its status (the subscriber may join late).
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    let iopubSeen = false;
    const offIopub = this.onIopub(() => (iopubSeen = true));
    try {
      for (;;) {
        if (Date.now() > deadline) throw new KernelError('ERR_KERNEL_TIMEOUT', 'the kernel did not answer kernel_info_request in time');
        const reply = await Promise.race([this.request(this.shell, 'kernel_info_request', {}, 1_000), exited]);
        if (reply !== undefined && iopubSeen) break;
      }
    } catch (error) {
      offIopub();
      this.stopping = true;
      child.kill('SIGKILL');
      throw error;
    }
    offIopub();
    this.setStatus('idle');
  }

  private async readReplies(socket: zmq.Dealer, key: string): Promise<void> {
    try {
      for await (const frames of socket) {
        // One unreadable message is dropped; it must not end the loop that every later reply needs.
        let message: JupyterMessage;
        try {
          message = deserialize(key, frames);
        } catch {
          continue;
        }
        const id = message.parent_header.msg_id;
        if (id === undefined) continue;
        this.replies.get(id)?.(message);
        const p = this.pending.get(id);
        if (p !== undefined && message.header.msg_type === 'execute_reply') {
          p.reply = message.content;
          this.settle(id, p);
        }
      }
    } catch {
      // The socket was closed.
    }
  }

  private async readIopub(socket: zmq.Subscriber, key: string): Promise<void> {
    try {
      for await (const frames of socket) {
        try {
          this.onIopubMessage(deserialize(key, frames));
        } catch {
          // One unreadable message (or a failing listener) must not end the loop that every later output needs.
        }
      }
    } catch {
      // The socket was closed.
    }
  }

  private onIopubMessage(message: JupyterMessage): void {
    for (const l of this.iopubListeners) l(message);
    const type = message.header.msg_type;
    if (type === 'status') {
      const state = (message.content as { execution_state?: string }).execution_state;
      if (state === 'busy' || state === 'idle') this.setStatus(state);
    }
    const id = message.parent_header.msg_id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (p === undefined || id === undefined) return;
    if (type === 'status' && (message.content as { execution_state?: string }).execution_state === 'idle') {
      p.idle = true;
      this.settle(id, p);
      return;
    }
    if (type === 'clear_output') {
      p.outputs.length = 0;
      return;
    }
    const output = outputOf(message);
    if (output === undefined) return;
    if (p.grace !== undefined) this.awaitIdle(id, p);
    appendOutput(p.outputs, output);
    try {
      p.onOutput?.(output, message);
    } catch {
      // A listener's failure does not lose the output: it is in the result.
    }
  }

  private settle(id: string, p: Pending): void {
    if (p.reply !== undefined && !p.idle) return this.awaitIdle(id, p);
    if (p.reply === undefined || !p.idle) return;
    clearTimeout(p.grace);
    this.pending.delete(id);
    const status = p.reply.status === 'ok' || p.reply.status === 'abort' ? p.reply.status : 'error';
    p.done({ status, executionCount: typeof p.reply.execution_count === 'number' ? p.reply.execution_count : null, outputs: p.outputs });
  }

  /** After execute_reply: settles the cell IDLE_GRACE_MS after its last output if the idle status does not come. */
  private awaitIdle(id: string, p: Pending): void {
    clearTimeout(p.grace);
    p.grace = setTimeout(() => {
      if (this.pending.get(id) !== p) return;
      this.options.log?.(`kernel: no idle status ${IDLE_GRACE_MS} ms after the execute_reply of ${id}; settled without it\n`);
      p.idle = true;
      this.settle(id, p);
    }, IDLE_GRACE_MS);
    p.grace.unref();
  }

  /** Sends a request and resolves with its reply, or undefined after `timeoutMs`. */
  private async request(socket: zmq.Dealer, msgType: string, content: object, timeoutMs: number): Promise<JupyterMessage | undefined> {
    const info = this.info;
    if (info === undefined) throw new KernelError('ERR_KERNEL_DEAD', 'the kernel is not running');
    const message = newMessage(msgType, content, this.session);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replies.delete(message.header.msg_id);
        resolve(undefined);
      }, timeoutMs);
      this.replies.set(message.header.msg_id, (reply) => {
        clearTimeout(timer);
        this.replies.delete(message.header.msg_id);
        resolve(reply);
      });
      socket.send(serialize(info.key, message)).catch(() => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }

  /** Runs code (execute_request) and resolves once execute_reply and the idle status both arrived. */
  async execute(code: string, onOutput?: (output: NotebookOutput, message: JupyterMessage) => void): Promise<ExecuteResult> {
    const info = this.info;
    if (this.status === 'dead' || this.shell === undefined || info === undefined) throw new KernelError('ERR_KERNEL_DEAD', `the kernel is dead (${this.deathReason ?? 'not started'}): restart it`);
    const message = newMessage('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, this.session);
    const result = new Promise<ExecuteResult>((done) => {
      this.pending.set(message.header.msg_id, { outputs: [], reply: undefined, idle: false, onOutput, done });
    });
    await this.shell.send(serialize(info.key, message));
    return result;
  }

  /** Interrupts the running cell: SIGINT, or interrupt_request where the kernelspec asks for messages. */
  async interrupt(): Promise<void> {
    if (this.spec.interrupt_mode === 'message') {
      if (this.control !== undefined) await this.request(this.control, 'interrupt_request', {}, 5_000);
      return;
    }
    this.child?.kill('SIGINT');
  }

  /** One heartbeat round trip: true when the kernel echoed within `timeoutMs`. */
  async heartbeat(): Promise<boolean> {
    const hb = this.hb;
    if (hb === undefined) return false;
    try {
      await hb.send('ping');
      const [echo] = await hb.receive();
      return echo?.toString() === 'ping';
    } catch {
      return false;
    }
  }

  private closeSockets(): void {
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) {
      if (s !== undefined && !s.closed) s.close();
    }
    this.shell = this.control = this.stdin = this.hb = undefined;
    this.iopub = undefined;
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** shutdown_request on control, then SIGTERM and SIGKILL if the process is still there. */
  async shutdown(): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      this.closeSockets();
      this.setStatus('dead');
      return;
    }
    const gone = new Promise<void>((done) => child.once('exit', () => done()));
    const within = (ms: number): Promise<boolean> => Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    if (this.control !== undefined) await this.request(this.control, 'shutdown_request', { restart: false }, 1_000);
    // tslab closes its sockets but a cell's server may keep its event loop alive.
    if (!(await within(300))) {
      child.kill('SIGTERM');
      if (!(await within(2_000))) {
        child.kill('SIGKILL');
        await gone;
      }
    }
  }

  /** A fresh kernel process in place of this one (all variables are lost). */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.launch();
  }
}
