/**
 * Grading kept warm for a long-lived caller (the built-in notebook app): the compiler lives in the
 * caller's process (WarmCompiler) and one vitest process stays up between checks, started once under
 * the same permission model as a one-shot run. Each check still gets its own grading tree (a fresh
 * folder, so no module of an earlier check is ever reused) inside the warm sandbox, and checks run one
 * after the other, so two checks at once never share a tree, a reporter or a result. A run that hits
 * its time limit kills the warm process (an endless loop blocks its worker); a new one is started at
 * once for the next check.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gradeWith, type GradeOptions, type GradeResult } from './grade.js';
import { findCourseRoot } from './paths.js';
import { lowerPriority } from './priority.js';
import { sandboxEnv, type LaunchedRun, type SpecLauncher } from './runner.js';
import { newRunId, removeGradingTree, writeSandbox, type GradingTree, type Sandbox, type TreeOptions } from './tree.js';
import { newestSource } from './typecheck.js';
import { WarmCompiler } from './warm-compiler.js';

export interface WarmGraderOptions {
  /** The course checkout (default: the one this package is in). */
  root?: string;
  /** A warm vitest process is replaced after this many checks, so what it keeps per check stays bounded. Default 200. */
  recycleAfter?: number;
  /**
   * Run the compiler's thread and the vitest process (with the workers it starts) at the lowest CPU
   * priority, so warming up beside a running kernel takes only the CPU the kernel leaves idle; on an
   * idle machine a check runs as fast as at normal priority. Default false.
   */
  lowPriority?: boolean;
}

/** The script of the warm vitest process: create Vitest once, then run what the parent sends over IPC. */
const WARM_RUNNER = `import GradeReporter from './reporter.mjs';
const [vitestNode, configFile, root] = process.argv.slice(2);
const { createVitest } = await import(vitestNode);
// The parent gone (stopped, or killed), nothing of this process group may stay behind.
process.on('disconnect', () => process.kill(-process.pid, 'SIGKILL'));
const reporter = new GradeReporter(undefined);
const vitest = await createVitest('test', { config: configFile, root, watch: false, reporters: [reporter] });
const project = vitest.getRootProject();
process.on('message', async (m) => {
  if (m?.type !== 'run') return;
  reporter.file = m.eventsFile;
  let error;
  try {
    await vitest.runTestSpecifications(m.files.map((file) => project.createSpecification(file)));
  } catch (e) {
    error = String(e?.stack ?? e);
  }
  process.send({ type: 'ended', id: m.id, error });
});
process.send({ type: 'ready' });
`;

type Settings = TreeOptions;

/** One warm vitest process and the sandbox it runs in. */
class WarmVitest {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  private output = '';
  private exited = false;
  private readonly waiting = new Map<number, () => void>();
  private nextId = 0;
  runs = 0;

  constructor(root: string, readonly sandbox: Sandbox, readonly settings: Settings, readonly sourcesAt: number, lowPriority: boolean) {
    const script = join(sandbox.dir, '.grader', 'warm-runner.mjs');
    writeFileSync(script, WARM_RUNNER);
    const vitestNode = pathToFileURL(join(root, 'node_modules', 'vitest', 'dist', 'node.js')).href;
    this.child = spawn(process.execPath, [...sandbox.nodeArgs, script, vitestNode, sandbox.configFile, sandbox.dir], {
      cwd: sandbox.dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: sandboxEnv(sandbox.tmpDir),
    });
    // Set before the process has loaded vitest, so the workers it starts inherit it.
    if (lowPriority && this.child.pid !== undefined) lowerPriority(this.child.pid);
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    // The app's own exit must not wait for this process.
    this.child.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on('message', (m: { type?: string; id?: number }) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'ended' && m.id !== undefined) this.waiting.get(m.id)?.();
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        for (const done of this.waiting.values()) done();
        this.waiting.clear();
        reject(new Error(`the warm vitest process ended before it was ready (${signal ?? `exit ${code}`}): ${this.output.trim().split('\n').slice(-3).join(' | ')}`));
      });
    });
    this.ready.catch(() => {});
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(files: string[], eventsFile: string): LaunchedRun {
    const id = this.nextId++;
    this.runs++;
    const ended = new Promise<void>((done) => {
      if (this.exited) return done();
      this.waiting.set(id, () => {
        this.waiting.delete(id);
        done();
      });
    });
    // A message sent before the process listens would be lost: it goes once the process is ready.
    this.ready.then(() => {
      if (!this.exited) this.child.send({ type: 'run', id, files, eventsFile });
    }, () => {});
    return { ended, stop: () => this.kill(), output: () => this.output };
  }

  /** Ends the process and every worker it started (its process group). */
  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** Settles once the process and every worker of its group are gone (or after `limitMs`). */
  async gone(limitMs = 5_000): Promise<void> {
    if (!this.exited) await new Promise<void>((done) => this.child.once('exit', () => done()));
    const pgid = this.child.pid;
    if (pgid === undefined) return;
    // Killed workers are reaped by the system a moment after their group leader.
    for (const until = Date.now() + limitMs; pidAlive(-pgid) && Date.now() < until;) await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while the process `pid` exists (a negative pid: any process of that group). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class WarmGrader {
  readonly root: string;
  private readonly compiler: WarmCompiler;
  private readonly recycleAfter: number;
  private readonly lowPriority: boolean;
  private vitest: WarmVitest | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly sandboxes: string[] = [];
  private compilerPrimed: Promise<void> | undefined;
  private readonly rehearsed = new Set<string>();

  constructor(options: WarmGraderOptions = {}) {
    this.root = options.root ?? findCourseRoot();
    this.recycleAfter = options.recycleAfter ?? 200;
    this.lowPriority = options.lowPriority ?? false;
    this.removeStaleSandboxes();
    this.compiler = new WarmCompiler(this.root, join(this.root, '.lab', 'grading', `warm-${newRunId()}-compiler`), { lowPriority: this.lowPriority });
  }

  /** The pid of the warm vitest process (its process group), once started. */
  get pid(): number | undefined {
    return this.vitest?.alive ? this.vitest.pid : undefined;
  }

  /** Starts the vitest process and the compiler ahead of the first check. */
  warmUp(settings: Partial<Settings> = {}): Promise<void> {
    if (this.closed) return Promise.resolve();
    try {
      const primed = this.compilerPrimed ?? (this.compilerPrimed = this.compiler.prime());
      return Promise.all([this.process(this.settingsOf(settings)).ready.catch(() => {}), primed]).then(() => {});
    } catch {
      // Warming up is a head start only; the check itself reports what is wrong.
      return Promise.resolve();
    }
  }

  /**
   * Grades the reference solutions of `select` (a chapter or an exercise id) once, and forgets the
   * result: the vitest process has then loaded what those specs import and the compiler has read
   * their files, so the learner's first check of them runs as fast as the ones after. Once per
   * selector; an unknown one is ignored (the check itself will say so).
   */
  rehearse(select: string): Promise<void> {
    if (this.closed || this.rehearsed.has(select)) return Promise.resolve();
    this.rehearsed.add(select);
    return this.grade({ select, solutions: true }).then(() => {}, () => {});
  }

  /** Grades as `grade` does, with the warm compiler and the warm vitest process; one check at a time. */
  grade(options: GradeOptions = {}): Promise<GradeResult> {
    if (this.closed) return Promise.reject(new TypeError('this WarmGrader is closed'));
    if (options.root !== undefined && options.root !== this.root) return Promise.reject(new TypeError(`this WarmGrader grades ${this.root}, not ${options.root}`));
    const next = this.queue.then(() => this.gradeNow(options));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Ends the warm vitest process and its workers and removes the sandbox; waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    const current = this.vitest;
    this.vitest = undefined;
    if (current !== undefined) {
      current.kill();
      await current.gone();
    }
    await this.compiler.dispose();
    for (const dir of this.sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  private settingsOf(options: Partial<Settings>): Settings {
    return { testTimeoutMs: options.testTimeoutMs ?? 10_000, maxWorkers: options.maxWorkers ?? Math.max(2, Math.min(4, availableParallelism())) };
  }

  private sourcesAt(): number {
    return Math.max(newestSource(join(this.root, 'lib')), newestSource(join(this.root, 'lab-server')));
  }

  /**
   * The warm process for `settings`: the current one, or a new one when it died (stopped at a time
   * limit), ran its share of checks or the lib changed. A new process keeps the sandbox (a tree being
   * graded stays where it is) unless the settings, written in its config, differ.
   */
  private process(settings: Settings): WarmVitest {
    // A check still running when the grader closes must not start a process nobody would end.
    if (this.closed) throw new TypeError('this WarmGrader is closed');
    const current = this.vitest;
    const sourcesAt = this.sourcesAt();
    const sameSettings = current !== undefined && current.settings.testTimeoutMs === settings.testTimeoutMs && current.settings.maxWorkers === settings.maxWorkers;
    if (current !== undefined && sameSettings && current.alive && current.runs < this.recycleAfter && current.sourcesAt >= sourcesAt) return current;
    if (current !== undefined) current.kill();
    if (current !== undefined && sameSettings) {
      this.vitest = new WarmVitest(this.root, current.sandbox, settings, sourcesAt, this.lowPriority);
      return this.vitest;
    }
    if (current !== undefined) this.forget(current.sandbox.dir);
    const dir = join(this.root, '.lab', 'grading', `warm-${newRunId()}`);
    mkdirSync(dir, { recursive: true });
    this.sandboxes.push(dir);
    const sandbox = writeSandbox(this.root, dir, settings, { include: '*/*/*.test.ts', exclude: ['*/support/**', '.grader/**', '*/.grader/**'] });
    this.vitest = new WarmVitest(this.root, sandbox, settings, sourcesAt, this.lowPriority);
    return this.vitest;
  }

  private forget(dir: string): void {
    const i = this.sandboxes.indexOf(dir);
    if (i >= 0) this.sandboxes.splice(i, 1);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Sandboxes left by a process that no longer runs (killed before it could clean up). */
  private removeStaleSandboxes(): void {
    const base = join(this.root, '.lab', 'grading');
    if (!existsSync(base)) return;
    for (const name of readdirSync(base)) {
      const pid = /^warm-\d{14}-(\d+)-[0-9a-f]+/.exec(name)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && !pidAlive(Number(pid))) rmSync(join(base, name), { recursive: true, force: true });
    }
  }

  private async gradeNow(options: GradeOptions): Promise<GradeResult> {
    const settings = this.settingsOf(options);
    let vitest = this.process(settings);
    try {
      await vitest.ready;
    } catch {
      // One more try with a fresh process; if that fails too, the one-shot path grades.
      vitest = this.process(settings);
      try {
        await vitest.ready;
      } catch {
        return gradeWith(options, {});
      }
    }
    const launcher: SpecLauncher = (tree, specs, eventsFile) => {
      const current = this.process(settings);
      return current.run(specs.map((s) => join(tree.dir, s)), eventsFile);
    };
    try {
      return await gradeWith({ ...options, keepTree: false }, {
        sandbox: vitest.sandbox,
        launcher,
        typeCheck: (tree: GradingTree) => this.compiler.check(tree),
        removeTree: (tree: GradingTree) => {
          // A kept tree leaves the sandbox: later checks' code may read only their own tree's neighbours.
          if (options.keepTree) renameSync(tree.dir, join(this.root, '.lab', 'grading', tree.runId));
          else removeGradingTree(tree);
        },
      });
    } finally {
      // A run stopped at its time limit killed the process: the next check finds a new one warming up.
      if (!this.closed && this.vitest !== undefined && !this.vitest.alive) void this.warmUp(settings);
    }
  }
}

/** A warm grader for `root`; `grade({ …, warm })` uses it. Call `close()` when done. */
export function createWarmGrader(options: WarmGraderOptions = {}): WarmGrader {
  return new WarmGrader(options);
}
