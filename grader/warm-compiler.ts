/**
 * The compile gate kept warm: one TypeScript language service in a worker thread of the caller's
 * process, so the declarations every check reads (the ES and Node libraries, the lib's and the lab
 * server's .d.ts) are parsed and bound once, and the app's own thread never waits for the compiler.
 * Each check's tree is mirrored into one fixed folder (same relative paths, so the program keeps its
 * shape and only the files that changed are read again). It reads the same tsconfig as `tsc --noEmit`
 * in `typeCheckTree` and gives, for the candidate files, what tsc prints, in the same order.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as TS from 'typescript';
import { candidateFiles, writeTypeCheckConfig, type CompileError, type TypeCheckResult } from './typecheck.js';
import type { GradingTree } from './tree.js';

/** The checkout's own TypeScript (the one `tsc` of the cold path runs), or why there is none. */
function loadTypeScript(root: string): typeof TS | string {
  const entry = join(root, 'node_modules', 'typescript', 'lib', 'typescript.js');
  if (!existsSync(entry)) return `the TypeScript compiler is not installed (${join(root, 'node_modules', 'typescript', 'lib', 'tsc.js')})`;
  return createRequire(join(root, 'package.json'))(entry) as typeof TS;
}

/** Every file under `dir`, relative to it, leaving out the grader's own folder. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (prefix === '' && entry.name === '.grader') continue;
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** The synchronous compiler the worker thread runs; usable on its own too. */
export class TreeCompiler {
  private readonly ts: typeof TS | string;
  private service: TS.LanguageService | undefined;
  private files: string[] = [];
  private options: TS.CompilerOptions = {};
  private resolutionCache: TS.ModuleResolutionCache | undefined;
  /** Versions of the mirrored files: bumped whenever a file's text changes. */
  private readonly versions = new Map<string, number>();

  /** `mirror` is the fixed folder the trees are copied into (it is emptied first). */
  constructor(private readonly root: string, private readonly mirror: string) {
    this.ts = loadTypeScript(root);
    rmSync(mirror, { recursive: true, force: true });
    mkdirSync(mirror, { recursive: true });
  }

  private languageService(ts: typeof TS): TS.LanguageService {
    if (this.service !== undefined) return this.service;
    const versionOf = (file: string): string => {
      const mirrored = this.versions.get(file);
      if (mirrored !== undefined) return `m${mirrored}`;
      try {
        const info = statSync(file);
        return `${info.mtimeMs}:${info.size}`;
      } catch {
        return 'missing';
      }
    };
    const host: TS.LanguageServiceHost = {
      getScriptFileNames: () => this.files,
      getScriptVersion: versionOf,
      getScriptSnapshot: (file) => {
        const text = ts.sys.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.root,
      getCompilationSettings: () => this.options,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => ts.sys.fileExists(file),
      readFile: (file, encoding) => ts.sys.readFile(file, encoding),
      readDirectory: (path, extensions, exclude, include, depth) => ts.sys.readDirectory(path, extensions, exclude, include, depth),
      directoryExists: (path) => ts.sys.directoryExists(path),
      getDirectories: (path) => ts.sys.getDirectories(path),
      realpath: (path) => ts.sys.realpath?.(path) ?? path,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      // Resolutions kept across checks: a new tree changes the program's roots, not where modules are.
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSource) => literals.map((literal) =>
        ts.resolveModuleName(literal.text, containingFile, options, host, this.resolutions(ts), redirected, ts.getModeForUsageLocation(containingSource, literal, options))),
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, this.root));
    return this.service;
  }

  private resolutions(ts: typeof TS): TS.ModuleResolutionCache {
    this.resolutionCache ??= ts.createModuleResolutionCache(this.root, (f) => f, this.options);
    return this.resolutionCache;
  }

  /** Makes the mirror hold exactly the tree's files (candidates, specs, support), bumping the version of each that changed. */
  private syncMirror(treeDir: string): void {
    const wanted = new Set(filesUnder(treeDir));
    const present = filesUnder(this.mirror);
    // A file that comes or goes may change where an import leads: resolve everything again then.
    if (present.length > 0 && (present.length !== wanted.size || present.some((rel) => !wanted.has(rel)))) this.resolutionCache = undefined;
    for (const rel of present) {
      if (wanted.has(rel)) continue;
      rmSync(join(this.mirror, rel), { force: true });
      this.versions.delete(join(this.mirror, rel));
    }
    for (const rel of wanted) {
      const from = join(treeDir, rel);
      const to = join(this.mirror, rel);
      const text = readFileSync(from);
      if (existsSync(to) && readFileSync(to).equals(text)) continue;
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
      this.versions.set(to, (this.versions.get(to) ?? 0) + 1);
    }
  }

  /** Type-checks the candidate files `files` (relative) of the tree in `treeDir`, as tsc would. */
  check(treeDir: string, files: readonly string[]): TypeCheckResult {
    const started = Date.now();
    if (files.length === 0) return { errors: new Map(), durationMs: 0 };
    const ts = this.ts;
    if (typeof ts === 'string') return { errors: new Map(), skipped: ts, durationMs: 0 };
    this.syncMirror(treeDir);
    const configFile = writeTypeCheckConfig(this.root, this.mirror, files);
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (parsed === undefined) return { errors: new Map(), skipped: `the compiler could not read ${configFile}`, durationMs: Date.now() - started };
    this.files = parsed.fileNames;
    this.options = parsed.options;
    const program = this.languageService(ts).getProgram();
    if (program === undefined) return { errors: new Map(), skipped: 'the compiler built no program', durationMs: Date.now() - started };

    // tsc --noEmit reports semantic errors only when no file has a syntax error and the options and
    // globals are sound (emitFilesAndReportErrors); the same rule gives the same answer.
    let diagnostics: TS.Diagnostic[] = [...program.getSyntacticDiagnostics()];
    if (diagnostics.length === 0 && parsed.errors.length === 0) {
      diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
      if (diagnostics.length === 0) {
        for (const file of files) {
          const source = program.getSourceFile(join(this.mirror, file));
          if (source !== undefined) diagnostics.push(...program.getSemanticDiagnostics(source));
        }
      }
    }
    const candidates = new Set(files);
    const errors = new Map<string, CompileError[]>();
    for (const d of ts.sortAndDeduplicateDiagnostics(diagnostics)) {
      if (d.category !== ts.DiagnosticCategory.Error || d.file === undefined || d.start === undefined) continue;
      const file = relative(this.mirror, d.file.fileName).split(sep).join('/');
      if (!candidates.has(file)) continue;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      // tsc prints the chain's first line after the code; continuation lines are indented below it.
      const message = (ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0] ?? '').trim();
      const list = errors.get(file) ?? [];
      list.push({ file, line: line + 1, column: character + 1, code: `TS${d.code}`, message });
      errors.set(file, list);
    }
    return { errors, durationMs: Date.now() - started };
  }

  /** Loads the declarations every check needs, before the first one. */
  prime(): void {
    const ts = this.ts;
    if (typeof ts === 'string') return;
    const dir = join(this.mirror, '.grader', 'prime');
    mkdirSync(join(dir, 'prime'), { recursive: true });
    const file = join(dir, 'prime', 'prime.ts');
    ts.sys.writeFile(file, "import '@client-auth-lab/lib';\nimport '@client-auth-lab/lab-server';\nexport const primed: Buffer = Buffer.alloc(0);\n");
    const configFile = writeTypeCheckConfig(this.root, dir, ['prime/prime.ts']);
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    if (parsed === undefined) return;
    this.files = parsed.fileNames;
    this.options = parsed.options;
    const program = this.languageService(ts).getProgram();
    const source = program?.getSourceFile(file);
    if (source !== undefined) program?.getSemanticDiagnostics(source);
  }

  dispose(): void {
    this.service?.dispose();
    this.service = undefined;
    rmSync(this.mirror, { recursive: true, force: true });
  }
}

/** The worker's script: next to this module once built; run from its sources, the built copy beside them. */
function workerScript(): string {
  const here = fileURLToPath(new URL('./compiler-worker.js', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('./dist/compiler-worker.js', import.meta.url));
}

interface WorkerAnswer { id: number; result?: TypeCheckResult; error?: string }

/** The main-thread side: sends each tree to the compiler's worker thread. */
export class WarmCompiler {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: WorkerAnswer) => void>();

  constructor(private readonly root: string, private readonly mirror: string, private readonly options: { lowPriority?: boolean } = {}) {}

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(workerScript(), { workerData: { root: this.root, mirror: this.mirror, lowPriority: this.options.lowPriority === true } });
    // The caller's exit must not wait for the compiler.
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => this.waiting.get(answer.id)?.(answer));
    const fail = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, done] of this.waiting) done({ id, error: why });
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(`the compiler's worker failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the compiler's worker ended (exit ${code})`));
    this.worker = worker;
    return worker;
  }

  private ask(message: { kind: 'check'; treeDir: string; files: string[] } | { kind: 'prime' }): Promise<WorkerAnswer> {
    const id = this.nextId++;
    return new Promise((done) => {
      this.waiting.set(id, (answer) => {
        this.waiting.delete(id);
        done(answer);
      });
      try {
        this.ensureWorker().postMessage({ id, ...message });
      } catch (error) {
        this.waiting.get(id)?.({ id, error: `the compiler's worker did not start: ${(error as Error).message}` });
      }
    });
  }

  /** Starts the worker and has it load the shared declarations. */
  async prime(): Promise<void> {
    await this.ask({ kind: 'prime' });
  }

  /** Type-checks the candidate files of `tree`, as `typeCheckTree` does with tsc. */
  async check(tree: GradingTree): Promise<TypeCheckResult> {
    const files = candidateFiles(tree);
    if (files.length === 0) return { errors: new Map(), durationMs: 0 };
    const answer = await this.ask({ kind: 'check', treeDir: tree.dir, files });
    return answer.result ?? { errors: new Map(), skipped: answer.error ?? 'the compiler gave no answer', durationMs: 0 };
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
    rmSync(this.mirror, { recursive: true, force: true });
  }
}
