/**
 * The compile gate: `tsc --noEmit` over the candidate files of a grading tree, with the course's own
 * compiler options. Only errors located in a candidate file count: a spec, the support folder or the
 * lib are this checkout's responsibility, never the learner's. The compiler runs in its own process,
 * at the same time as the specs, so it adds little to a check.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { GradingTree } from './tree.js';

export interface CompileError {
  /** Path relative to the grading tree, e.g. `02-client-secrets/basic-header.ts`. */
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

export interface TypeCheckResult {
  /** Errors per candidate file (relative to the tree), in the compiler's order. */
  errors: Map<string, CompileError[]>;
  /** Set when the compiler could not give an answer (not installed, killed at the time limit); nobody is penalised then. */
  skipped?: string;
  durationMs: number;
}

/** The newest modification time of the .ts sources under `dir` (builds and packages left out). */
export function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The declarations of a workspace package: its built `dist/index.d.ts` when the build is at least as
 * new as every source file (reading declarations is about three times faster), else its `index.ts`.
 */
export function packageTypes(packageDir: string): string {
  const declarations = join(packageDir, 'dist', 'index.d.ts');
  const buildInfo = join(packageDir, 'dist', '.tsbuildinfo');
  if (existsSync(declarations) && existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newestSource(packageDir)) return declarations;
  return join(packageDir, 'index.ts');
}

/** `file(line,col): error TS1234: message` as printed by `tsc --pretty false`; continuation lines are indented. */
const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

export function parseTscOutput(output: string, treeDir: string, candidates: ReadonlySet<string>): Map<string, CompileError[]> {
  const errors = new Map<string, CompileError[]>();
  for (const line of output.split(/\r?\n/)) {
    const m = DIAGNOSTIC.exec(line);
    if (m === null) continue;
    const file = relative(treeDir, resolve(treeDir, m[1] as string)).split(sep).join('/');
    if (!candidates.has(file)) continue;
    const list = errors.get(file) ?? [];
    list.push({ file, line: Number(m[2]), column: Number(m[3]), code: m[4] as string, message: (m[5] as string).trim() });
    errors.set(file, list);
  }
  return errors;
}

/** The compiler's project for a tree (or a copy of one in `dir`): the course's options, and only the candidate files as roots. */
export function writeTypeCheckConfig(root: string, dir: string, files: readonly string[]): string {
  mkdirSync(join(dir, '.grader'), { recursive: true });
  const configFile = join(dir, '.grader', 'tsconfig.json');
  writeFileSync(configFile, `${JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      noEmit: true,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      incremental: false,
      typeRoots: [join(root, 'node_modules', '@types')],
      paths: {
        '@client-auth-lab/lib': [packageTypes(join(root, 'lib'))],
        '@client-auth-lab/lab-server': [packageTypes(join(root, 'lab-server'))],
      },
    },
    files: files.map((f) => join(dir, f)),
  }, null, 2)}\n`);
  return configFile;
}

/** The candidate files of a tree, relative to it (`02-client-secrets/basic-header.ts`). */
export function candidateFiles(tree: GradingTree): string[] {
  return tree.staged.map((s) => `${s.exercise.chapter}/${s.exercise.file}`);
}

/** Type-checks the staged candidate files of `tree` (never the specs) and reports errors per candidate file. */
export function typeCheckTree(root: string, tree: GradingTree, timeoutMs: number): Promise<TypeCheckResult> {
  const started = Date.now();
  const files = candidateFiles(tree);
  if (files.length === 0) return Promise.resolve({ errors: new Map(), durationMs: 0 });
  const tsc = join(root, 'node_modules', 'typescript', 'lib', 'tsc.js');
  if (!existsSync(tsc)) return Promise.resolve({ errors: new Map(), skipped: `the TypeScript compiler is not installed (${tsc})`, durationMs: 0 });
  const configFile = writeTypeCheckConfig(root, tree.dir, files);
  return new Promise((done) => {
    const child = spawn(process.execPath, [tsc, '--project', configFile, '--pretty', 'false'], { cwd: tree.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      if (output.length < 1_000_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (skipped?: string) => {
      clearTimeout(timer);
      const errors = skipped === undefined ? parseTscOutput(output, tree.dir, new Set(files)) : new Map<string, CompileError[]>();
      done({ errors, ...(skipped === undefined ? {} : { skipped }), durationMs: Date.now() - started });
    };
    child.on('error', (error) => finish(`the TypeScript compiler did not start: ${error.message}`));
    child.on('close', () => finish(killed ? `the type check exceeded ${Math.round(timeoutMs / 1000)} s` : undefined));
  });
}
