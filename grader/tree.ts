/**
 * The temporary grading tree: per chapter, the candidate files (a learner's exercise files, or the
 * reference solutions) next to the pristine specs of THIS checkout, plus exercises/support. Nothing
 * else from a learner's folder is copied, so an edited spec or manifest changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Exercise } from './manifest.js';
import { exercisesFolderOf } from './paths.js';

/** Where the candidate files come from. */
export type CandidateSource = { kind: 'solutions' } | { kind: 'exercises'; dir: string };

export interface GradingTree {
  runId: string;
  dir: string;
  /** Exercises whose candidate file was copied, with the spec path relative to the tree. */
  staged: { exercise: Exercise; spec: string }[];
  /** Exercises with no candidate file in the source folder. */
  missing: Exercise[];
  configFile: string;
  eventsFile: string;
  /** Node arguments for the vitest process itself: the permission model (see `permissionFlags`). */
  nodeArgs: string[];
  /** The temporary folder (TMPDIR) of the vitest process, inside the tree. */
  tmpDir: string;
}

export interface TreeOptions {
  /** Test timeout for one test (ms); a hook (starting a lab) gets four times as much. */
  testTimeoutMs: number;
  maxWorkers: number;
}

export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function copyFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyFolder(source, join(to, entry.name));
    else if (entry.isFile()) copyFileSync(source, join(to, entry.name));
  }
}

/** The reporter that streams one JSON line per event, so a run that must be stopped still tells what finished. */
const REPORTER = `import { appendFileSync } from 'node:fs';
const errorsOf = (list) => (list ?? []).map((e) => ({ message: String(e?.message ?? e), name: e?.name, diff: e?.diff }));
export default class GradeReporter {
  constructor(file) { this.file = file; }
  write(event) { appendFileSync(this.file, JSON.stringify({ at: Date.now(), ...event }) + '\\n'); }
  onTestModuleQueued(m) { this.write({ event: 'queued', file: m.moduleId }); }
  onTestModuleStart(m) { this.write({ event: 'start', file: m.moduleId }); }
  onTestCaseResult(t) {
    const r = t.result();
    this.write({ event: 'test', file: t.module.moduleId, name: t.fullName, state: r.state, errors: errorsOf(r.errors), duration: t.diagnostic()?.duration ?? 0 });
  }
  onTestModuleEnd(m) { this.write({ event: 'end', file: m.moduleId, state: m.state(), errors: errorsOf(m.errors()) }); }
  onTestRunEnd(modules, unhandled, reason) { this.write({ event: 'run-end', reason, errors: errorsOf(unhandled) }); }
}
`;

/**
 * Under Node's permission model (Node 20), existsSync throws ERR_ACCESS_DENIED for a path outside the
 * allowed list instead of answering; vite probes such paths (WSL markers, package.json above the
 * checkout) and expects `false`. Loaded with --import in the vitest process and in its workers.
 */
const PERMISSION_SHIM = `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const existsSync = fs.existsSync;
fs.existsSync = (path) => {
  try {
    return existsSync(path);
  } catch (error) {
    if (error?.code === 'ERR_ACCESS_DENIED') return false;
    throw error;
  }
};
syncBuiltinESMExports();
`;

/**
 * What the graded code may read: the tree (the candidates, the official specs, support), the lib and
 * the lab-server sources, and the installed packages. Never solutions/ (nor anything else of the
 * checkout). The permission model compares paths as written, so a symbolic link inside an allowed
 * folder would lead out of it (`node_modules/@client-auth-lab/grader/../solutions`): node_modules is
 * therefore allowed entry by entry, without the links (the workspace links point at lib/ and
 * lab-server/, which are allowed by their own path).
 */
export function readableForGrading(root: string, treeDir: string): string[] {
  const modules = join(root, 'node_modules');
  const entries: string[] = [];
  const addEntries = (dir: string, depth: number) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name === '.bin' || name === '.cache') continue;
      const path = join(dir, name);
      const info = lstatSync(path);
      if (info.isSymbolicLink()) continue;
      if (depth === 0 && name.startsWith('@') && info.isDirectory()) addEntries(path, 1);
      else entries.push(path);
    }
  };
  addEntries(modules, 0);
  return [treeDir, join(root, 'lib'), join(root, 'lab-server'), join(root, 'package.json'), join(root, 'vitest.config.ts'), ...entries];
}

/** Node's permission model: read `readable`, write only `writable`; child processes, workers and addons as told. */
export function permissionFlags(readable: readonly string[], writable: readonly string[], allow: { childProcess?: boolean; worker?: boolean; addons?: boolean } = {}): string[] {
  return [
    '--experimental-permission',
    ...readable.map((p) => `--allow-fs-read=${p}`),
    ...writable.map((p) => `--allow-fs-write=${p}`),
    ...(allow.childProcess ? ['--allow-child-process'] : []),
    ...(allow.worker ? ['--allow-worker'] : []),
    ...(allow.addons ? ['--allow-addons'] : []),
  ];
}

/**
 * The folder whose specs a vitest process may run, with what that process needs: the reporter, the
 * permission shim, the generated config and the permission flags. A one-shot run has one per grading
 * tree; a warm vitest process has one for its whole life, and each check's tree is a folder inside it.
 */
export interface Sandbox {
  dir: string;
  configFile: string;
  nodeArgs: string[];
  tmpDir: string;
}

/** Writes the sandbox of `dir`; `layout.include` is the spec glob relative to `dir` (one folder deep for one tree). */
export function writeSandbox(root: string, dir: string, options: TreeOptions, layout: { include: string; exclude: string[]; eventsFile?: string }): Sandbox {
  const meta = join(dir, '.grader');
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'reporter.mjs'), REPORTER);
  const configFile = join(meta, 'vitest.config.mjs');
  const url = (p: string) => JSON.stringify(pathToFileURL(p).href);
  // The permission model: the vitest process reads and transforms every module (an import of a
  // solution file is refused there), and its workers, which run the graded code, read the same
  // folders and write only their temporary folder. The workers get no child processes, no workers
  // and no addons; the vitest process needs them (forks, its bundler's native binding).
  const shim = join(meta, 'permission.mjs');
  writeFileSync(shim, PERMISSION_SHIM);
  const tmpDir = join(meta, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const cacheDir = join(root, '.lab', 'grading', '.vite-cache');
  const readable = readableForGrading(root, dir);
  const workerArgs = [...permissionFlags(readable, [tmpDir]), `--import=${pathToFileURL(shim).href}`];
  const nodeArgs = [...permissionFlags([...readable, cacheDir], [dir, cacheDir], { childProcess: true, worker: true, addons: true }), `--import=${pathToFileURL(shim).href}`];
  // A warm process is given its reporter per run (it writes each run's events to that run's file).
  const reporters = layout.eventsFile === undefined ? '' : `\n    reporters: [new GradeReporter(${JSON.stringify(layout.eventsFile)})],`;
  writeFileSync(configFile, `// Generated by the grader; the package aliases come from the course's vitest.config.ts.
import base from ${url(join(root, 'vitest.config.ts'))};
${layout.eventsFile === undefined ? '' : "import GradeReporter from './reporter.mjs';\n"}export default {
  resolve: base.resolve,
  cacheDir: ${JSON.stringify(cacheDir)},
  test: {
    root: ${JSON.stringify(dir)},
    include: [${JSON.stringify(layout.include)}],
    exclude: ${JSON.stringify(layout.exclude)},
    testTimeout: ${options.testTimeoutMs},
    hookTimeout: ${options.testTimeoutMs * 4},
    teardownTimeout: 2000,
    pool: 'forks',
    execArgv: ${JSON.stringify(workerArgs)},
    maxWorkers: ${options.maxWorkers},
    watch: false,${reporters}
  },
};
`);
  return { dir, configFile, nodeArgs, tmpDir };
}

/**
 * Builds `<root>/.lab/grading/<run-id>/` for `exercises`, taking candidates from `source`. Given a
 * sandbox (a warm vitest process's), the tree is built inside it and shares its config and flags.
 */
export function buildGradingTree(root: string, exercises: readonly Exercise[], source: CandidateSource, options: TreeOptions, sandbox?: Sandbox): GradingTree {
  const runId = newRunId();
  const dir = join(sandbox?.dir ?? join(root, '.lab', 'grading'), runId);
  const meta = join(dir, '.grader');
  mkdirSync(meta, { recursive: true });
  const official = join(root, 'exercises');
  const candidates = source.kind === 'solutions' ? join(root, 'solutions') : exercisesFolderOf(source.dir);
  const support = join(official, 'support');
  if (existsSync(support) && statSync(support).isDirectory()) copyFolder(support, join(dir, 'support'));
  const staged: GradingTree['staged'] = [];
  const missing: Exercise[] = [];
  for (const exercise of exercises) {
    const candidate = join(candidates, exercise.chapter, exercise.file);
    if (!existsSync(candidate)) {
      missing.push(exercise);
      continue;
    }
    mkdirSync(join(dir, exercise.chapter), { recursive: true });
    copyFileSync(candidate, join(dir, exercise.chapter, exercise.file));
    copyFileSync(join(official, exercise.chapter, exercise.spec), join(dir, exercise.chapter, exercise.spec));
    staged.push({ exercise, spec: `${exercise.chapter}/${exercise.spec}` });
  }
  const eventsFile = join(meta, 'events.ndjson');
  const own = sandbox ?? writeSandbox(root, dir, options, { include: '*/*.test.ts', exclude: ['support/**', '.grader/**'], eventsFile });
  return { runId, dir, staged, missing, configFile: own.configFile, eventsFile, nodeArgs: own.nodeArgs, tmpDir: own.tmpDir };
}

export function removeGradingTree(tree: GradingTree): void {
  rmSync(tree.dir, { recursive: true, force: true });
}
