/**
 * Runs the specs of a grading tree in ONE vitest child process, under Node's permission model (the
 * tree's nodeArgs), and reads its event stream.
 * A spec file that does not finish within the per-exercise limit (an endless loop blocks its worker,
 * so vitest's own test timeout cannot fire) stops the process; the files that never got to run are
 * started again in a fresh process, so one hanging exercise never costs the others their points.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { GradingTree } from './tree.js';

export interface TestEvent {
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  errors: { message: string }[];
  duration: number;
}

export type FileStatus = 'finished' | 'load-error' | 'timeout' | 'crashed';

export interface FileOutcome {
  /** Spec path relative to the tree, e.g. `02-client-secrets/basic-header.test.ts`. */
  spec: string;
  status: FileStatus;
  tests: TestEvent[];
  /** Why the file has no usable results (load error, time limit, crash). */
  reason?: string;
  durationMs: number;
}

export interface RunOptions {
  root: string;
  /** Per spec file (one exercise), ms. */
  perExerciseMs: number;
  /** The whole grading run, ms. */
  totalMs: number;
  /** How the runs start (default: a one-shot vitest process per pass). */
  launcher?: SpecLauncher;
}

interface RawEvent {
  at: number;
  event: 'queued' | 'start' | 'test' | 'end' | 'run-end';
  file?: string;
  name?: string;
  state?: string;
  errors?: { message: string }[];
  duration?: number;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}

/** Node's permission model refuses with this message (ERR_ACCESS_DENIED) and no path. */
const ACCESS_DENIED = 'Access to this API has been restricted';

/** The teaching reason of a load error; a refused read says what graded code may read. */
function loadErrorReason(message: string): string {
  const line = firstLine(message);
  if (line.includes(ACCESS_DENIED)) {
    return `the file failed to load: it tried to read outside what graded code may read (${line}, ERR_ACCESS_DENIED). While grading, code reads only the grading tree, the lib, the lab server and the installed packages, never solutions/`;
  }
  return `the file failed to load: ${line}`;
}

interface Pass {
  outcomes: Map<string, FileOutcome>;
  /** Files the pass never started (because it was stopped for another file). */
  notStarted: string[];
  output: string;
}

/** One vitest run over some spec files that writes its events to `eventsFile`. */
export interface LaunchedRun {
  /** Settles when the run has ended (its process exited, or a warm process answered). */
  ended: Promise<void>;
  /** Ends the run at once (its processes are killed). */
  stop(): void;
  /** The last lines the run printed, for a crash's reason. */
  output(): string;
}

/** Starts the vitest runs of a grading tree: a one-shot process per pass, or a warm process. */
export type SpecLauncher = (tree: GradingTree, specs: readonly string[], eventsFile: string, passIndex: number) => LaunchedRun;

/** The one-shot launcher: `vitest run` in its own process group under the tree's permission flags. */
export function launchVitestProcess(root: string): SpecLauncher {
  return (tree, specs, eventsFile, passIndex) => {
    const config = readFileSync(tree.configFile, 'utf8').replace(JSON.stringify(tree.eventsFile), JSON.stringify(eventsFile));
    const configFile = tree.configFile.replace(/\.mjs$/, `.${passIndex}.mjs`);
    writeFileSync(configFile, config);
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const child = spawn(process.execPath, [...tree.nodeArgs, vitest, 'run', '--config', configFile, '--root', tree.dir, ...specs], {
      cwd: tree.dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: sandboxEnv(tree.tmpDir),
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return {
      ended: new Promise<void>((done) => child.on('close', () => done())),
      stop: () => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      },
      output: () => output,
    };
  };
}

/** The environment of a vitest process: NODE_OPTIONS of the caller could widen the permissions; TMPDIR keeps vitest's scratch files in the sandbox. */
export function sandboxEnv(tmpDir: string): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: '', TMPDIR: tmpDir, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', NODE_NO_WARNINGS: '1' };
}

function runPass(tree: GradingTree, specs: readonly string[], options: RunOptions, deadline: number, passIndex: number): Promise<Pass> {
  const eventsFile = `${tree.eventsFile}.${passIndex}`;
  const launch = options.launcher ?? launchVitestProcess(options.root);
  return Promise.resolve().then(() => {
    const run = launch(tree, specs, eventsFile, passIndex);
    const started = new Map<string, number>();
    const ended = new Map<string, RawEvent>();
    const tests = new Map<string, TestEvent[]>();
    const timedOut = new Set<string>();
    let consumed = 0;
    let stopReason: string | undefined;
    const relSpec = (file: string) => relative(tree.dir, file).split(sep).join('/');

    const readEvents = () => {
      if (!existsSync(eventsFile)) return;
      const text = readFileSync(eventsFile, 'utf8');
      const fresh = text.slice(consumed);
      const lastNewline = fresh.lastIndexOf('\n');
      if (lastNewline < 0) return;
      consumed += lastNewline + 1;
      for (const line of fresh.slice(0, lastNewline).split('\n')) {
        if (line === '') continue;
        const e = JSON.parse(line) as RawEvent;
        if (e.file === undefined) continue;
        const spec = relSpec(e.file);
        if (e.event === 'start' || e.event === 'queued') {
          if (!started.has(spec)) started.set(spec, e.at);
        } else if (e.event === 'test') {
          const list = tests.get(spec) ?? [];
          list.push({ name: e.name ?? '', state: (e.state ?? 'failed') as TestEvent['state'], errors: e.errors ?? [], duration: e.duration ?? 0 });
          tests.set(spec, list);
        } else if (e.event === 'end') {
          ended.set(spec, e);
        }
      }
    };

    const stop = (reason: string) => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      run.stop();
    };

    const timer = setInterval(() => {
      readEvents();
      const now = Date.now();
      for (const [spec, at] of started) {
        if (!ended.has(spec) && now - at > options.perExerciseMs) {
          timedOut.add(spec);
          stop(`${spec} exceeded ${options.perExerciseMs} ms`);
        }
      }
      if (now > deadline) stop('the grading run exceeded its time limit');
    }, 100);

    return run.ended.then(() => {
      clearInterval(timer);
      readEvents();
      const outcomes = new Map<string, FileOutcome>();
      const notStarted: string[] = [];
      for (const spec of specs) {
        const end = ended.get(spec);
        const list = tests.get(spec) ?? [];
        const startedAt = started.get(spec);
        const durationMs = startedAt === undefined ? 0 : (end?.at ?? Date.now()) - startedAt;
        if (end !== undefined) {
          const moduleErrors = end.errors ?? [];
          if (list.length === 0 && moduleErrors.length > 0) {
            outcomes.set(spec, { spec, status: 'load-error', tests: [], reason: loadErrorReason(moduleErrors[0]?.message ?? ''), durationMs });
          } else if (list.length === 0) {
            outcomes.set(spec, { spec, status: 'load-error', tests: [], reason: 'the spec ran no tests', durationMs });
          } else {
            outcomes.set(spec, { spec, status: 'finished', tests: list, durationMs, ...(moduleErrors.length > 0 ? { reason: firstLine(moduleErrors[0]?.message ?? '') } : {}) });
          }
        } else if (timedOut.has(spec) || (stopReason !== undefined && startedAt !== undefined && Date.now() > deadline)) {
          outcomes.set(spec, { spec, status: 'timeout', tests: list, reason: `did not finish within ${Math.round(options.perExerciseMs / 1000)} s (an endless loop or a promise that never settles?)`, durationMs });
        } else if (stopReason !== undefined) {
          notStarted.push(spec);
        } else {
          outcomes.set(spec, { spec, status: 'crashed', tests: list, reason: `vitest ended without a result for this file: ${firstLine(run.output().split('\n').filter((l) => /error/i.test(l)).join('\n') || run.output())}`, durationMs });
        }
      }
      return { outcomes, notStarted, output: run.output() };
    });
  });
}

/** Runs every spec; returns one outcome per spec path. */
export async function runSpecs(tree: GradingTree, specs: readonly string[], options: RunOptions): Promise<Map<string, FileOutcome>> {
  const deadline = Date.now() + options.totalMs;
  const all = new Map<string, FileOutcome>();
  let pending = [...specs];
  for (let pass = 0; pending.length > 0; pass++) {
    if (Date.now() > deadline) {
      for (const spec of pending) all.set(spec, { spec, status: 'timeout', tests: [], reason: 'not run: the grading run reached its time limit', durationMs: 0 });
      break;
    }
    const result = await runPass(tree, pending, options, deadline, pass);
    for (const [spec, outcome] of result.outcomes) all.set(spec, outcome);
    pending = result.notStarted;
  }
  return all;
}
