/**
 * The built-in notebook app: an express server on loopback with the index of chapters, one page per
 * notebook (the browser bundle built by app/build-web.mjs), a JSON API to load, save and revert
 * notebooks, the live kernel channel, and the exercises of each chapter.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createWarmGrader, formatExercise, grade, GraderError, loadCourse, readProgress, recordResults, resetExercise, selectExercises, writeProgress, type Course, type WarmGrader } from '@client-auth-lab/grader';
import type { KernelSpec } from '../kernel/kernel-manager.js';
import { isLoopbackHttpUrl, KernelHub, RunAllError, type RunAllCell } from './kernel-hub.js';
import { editionOf, EDITIONS, listChapters, notebookFile, NotebookFileError, readNotebook, revertNotebook, saveNotebook } from './notebook-files.js';
import { documentPage, indexPage, notebookPage, type UiLanguage } from './pages.js';

export interface NotebookAppOptions {
  /** The course root (exercises/, .lab/progress.json). */
  root: string;
  /** The folder of the notebooks (default <root>/notebooks). */
  notebooksDir?: string;
  /** Where the original notebooks are, when not in git's HEAD (tests work on temporary copies). */
  pristineDir?: string;
  kernelSpec: KernelSpec;
  /** Default 127.0.0.1: the app runs code, so it is not for the network unless asked. */
  host?: string;
  /** Default 8888; 0 picks a free port. */
  port?: number;
  /** The launcher's lab server, linked from the index. */
  labServerUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep one tslab kernel started ahead of the next chapter opened (default true). */
  spareKernel?: boolean;
  /**
   * Once a chapter's cells start to run, have the grader run that chapter's exercises once (default
   * true). It runs at the lowest CPU priority, so it takes only what the kernel leaves; the check cell
   * that ends the chapter, and the first Check, then find it warm.
   */
  warmGrader?: boolean;
}

export interface RunningNotebookApp {
  url: string;
  server: Server;
  hub: KernelHub;
  /** The exercises' checks, kept warm between two clicks of Check (ended by `stop`). */
  grader: WarmGrader;
  stop(): Promise<void>;
}

export const DEFAULT_UI_PORT = 8888;

/** The cookie that keeps the language a learner chose with the index's switch. */
const LANGUAGE_COOKIE = 'authlab_lang';
/** The docs/ files the app shows as pages (the chapters link them). */
const DOCUMENTS = new Set(['glossary.md', 'cheat-sheet.md']);

/**
 * The app's language for this request: the index's switch (?lang=, kept in a cookie), else the
 * browser's language (Accept-Language, which the browser fills from its settings), else English.
 */
function uiLanguage(req: Request, res: Response): UiLanguage {
  const asked = req.query.lang;
  if (asked === 'en' || asked === 'ja') {
    res.setHeader('Set-Cookie', `${LANGUAGE_COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Lax`);
    return asked;
  }
  const kept = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=(en|ja)(?:;|$)`).exec(req.headers.cookie ?? '')?.[1];
  if (kept === 'en' || kept === 'ja') return kept;
  return req.acceptsLanguages('en', 'ja') === 'ja' ? 'ja' : 'en';
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function webDir(): string | undefined {
  const candidates = ['../web/', '../dist/web/', '../../dist/web/'].map((c) => fileURLToPath(new URL(c, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'notebook.js')));
}

function problem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}

function fromError(res: Response, error: unknown): void {
  if (error instanceof NotebookFileError) {
    const status = error.code === 'ERR_NOTEBOOK_MISSING' ? 404 : error.code === 'ERR_NOTEBOOK_WRITE' ? 500 : error.code === 'ERR_NOTEBOOK_NAME' ? 400 : error.code === 'ERR_NOTEBOOK_READONLY' ? 403 : 422;
    return problem(res, status, error.code, error.message);
  }
  const e = error as Error & { code?: string };
  problem(res, 500, e.code ?? 'ERR_INTERNAL', e.message);
}

export async function startNotebookApp(options: NotebookAppOptions): Promise<RunningNotebookApp> {
  const root = options.root;
  const notebooksDir = options.notebooksDir ?? join(root, 'notebooks');
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const hub = new KernelHub({
    spec: options.kernelSpec,
    // Jupyter's habit: the kernel starts in the notebook's folder (notebooks/ja for the Japanese edition).
    cwd: (notebook) => (editionOf(notebook).edition === 'en' ? notebooksDir : join(notebooksDir, editionOf(notebook).edition)),
    labsUrl: (notebook) => `${url}/api/labs/${encodeURIComponent(notebook)}`,
    checkUrl: () => `${url}/api/check`,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.spareKernel === undefined ? {} : { spareKernel: options.spareKernel }),
  });
  // The compiler and a vitest process stay up in this process between checks; the one-shot CLI check does not.
  const grader = createWarmGrader({ root, lowPriority: true });
  const course = (): Course | undefined => {
    try {
      return loadCourse(root);
    } catch {
      return undefined;
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Another site's page must not drive the kernel: writes come from this origin or from no browser at all.
    const origin = req.headers.origin;
    if (req.method !== 'GET' && origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return problem(res, 403, 'ERR_CROSS_ORIGIN', `requests from ${origin} are refused`);
    next();
  });
  app.use(express.json({ limit: '64mb' }));

  const web = webDir();
  if (web !== undefined) app.use('/static', express.static(web, { maxAge: 0 }));

  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  app.get('/', (req, res) => {
    const language = uiLanguage(req, res);
    // A learner on the index is about to open a chapter (of the edition in their language): have a
    // kernel ready for it (not while a chapter runs, where starting one would take the cores its cells need).
    hub.keepSpare(language === 'en' ? '' : `${language}/`);
    const editions = [...EDITIONS].sort((a, b) => Number(b === language) - Number(a === language)).map((edition) => ({ edition, chapters: listChapters(notebooksDir, edition) }));
    res.type('html').send(indexPage({
      language, editions, course: course(), progress: readProgress(root), labServerUrl: options.labServerUrl,
      cheatSheet: existsSync(join(root, 'docs', 'cheat-sheet.md')), glossary: existsSync(join(root, 'docs', 'glossary.md')),
    }));
  });
  const documentOf = (req: Request, res: Response): string | undefined => {
    const name = String(req.params.name);
    const file = join(root, 'docs', name);
    if (!DOCUMENTS.has(name) || !existsSync(file)) {
      problem(res, 404, 'ERR_NOT_FOUND', `docs/${name} is not a document of this checkout`);
      return undefined;
    }
    return file;
  };
  app.get('/docs/raw/:name', (req, res) => {
    const file = documentOf(req, res);
    if (file !== undefined) res.type('text/markdown; charset=utf-8').sendFile(file);
  });
  app.get('/docs/:name', (req, res) => {
    if (documentOf(req, res) === undefined) return;
    if (web === undefined) return problem(res, 500, 'ERR_NOT_BUILT', 'the app\'s browser bundle is missing (app/dist/web): run npm install or npm run build');
    res.type('html').send(documentPage(String(req.params.name), uiLanguage(req, res)));
  });
  const notebookPageFor = (name: string, req: Request, res: Response): void => {
    try {
      notebookFile(notebooksDir, name);
    } catch (error) {
      return fromError(res, error);
    }
    if (web === undefined) return problem(res, 500, 'ERR_NOT_BUILT', 'the app\'s browser bundle is missing (app/dist/web): run npm install or npm run build');
    res.type('html').send(notebookPage(name.replace(/\.ipynb$/, ''), uiLanguage(req, res)));
  };
  app.get('/notebooks/:name', (req, res) => notebookPageFor(String(req.params.name), req, res));
  // The Japanese edition: /notebooks/ja/03-client-assertions (its API names it ja%2F03-client-assertions).
  app.get('/notebooks/ja/:name', (req, res) => notebookPageFor(`ja/${String(req.params.name)}`, req, res));

  app.get('/api/notebooks/:name', (req, res) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ notebook: readNotebook(notebookFile(notebooksDir, req.params.name)) });
    } catch (error) {
      fromError(res, error);
    }
  });
  app.put('/api/notebooks/:name', (req, res) => {
    try {
      saveNotebook(notebookFile(notebooksDir, req.params.name), (req.body as { notebook?: unknown }).notebook);
      res.json({ saved: true, at: new Date().toISOString() });
    } catch (error) {
      fromError(res, error);
    }
  });
  app.post('/api/notebooks/:name/revert', (req, res) => {
    try {
      const pristine = options.pristineDir === undefined ? undefined : notebookFile(options.pristineDir, req.params.name);
      res.json({ notebook: revertNotebook(notebookFile(notebooksDir, req.params.name), pristine) });
    } catch (error) {
      fromError(res, error);
    }
  });

  // The chapter's check (its last cell, or Check) will grade its exercises: once its cells start to
  // run, the grader runs them once at its low priority, so that check finds it warm.
  const rehearsed = new Set<string>();
  const rehearseChapterOf = (notebook: string): void => {
    const chapter = editionOf(notebook).chapter;
    if (options.warmGrader === false || rehearsed.has(chapter)) return;
    rehearsed.add(chapter);
    if (course()?.exercises.some((e) => e.chapter === chapter)) void grader.rehearse(chapter);
  };
  const kernelName = (req: Request, res: Response): string | undefined => {
    try {
      notebookFile(notebooksDir, String(req.params.name));
      return String(req.params.name).replace(/\.ipynb$/, '');
    } catch (error) {
      fromError(res, error);
      return undefined;
    }
  };
  app.get('/api/notebooks/:name/events', (req, res) => {
    const name = kernelName(req, res);
    if (name === undefined) return;
    hub.subscribe(name, res);
    hub.kernel(name).catch(() => {});
  });
  app.post('/api/notebooks/:name/execute', async (req, res) => {
    const name = kernelName(req, res);
    if (name === undefined) return;
    rehearseChapterOf(name);
    const { cellId, code } = req.body as { cellId?: unknown; code?: unknown };
    if (typeof cellId !== 'string' || typeof code !== 'string') return problem(res, 400, 'ERR_BAD_REQUEST', 'send {"cellId": "…", "code": "…"}');
    try {
      res.json(await hub.execute(name, cellId, code));
    } catch (error) {
      fromError(res, error);
    }
  });
  app.post('/api/notebooks/:name/run-all', async (req, res) => {
    const name = kernelName(req, res);
    if (name === undefined) return;
    const list = (req.body as { cells?: unknown }).cells;
    const valid = Array.isArray(list) && list.every((c: unknown) => {
      const cell = c as Record<string, unknown> | null;
      return typeof cell === 'object' && cell !== null && typeof cell.cellId === 'string' && typeof cell.code === 'string' && typeof cell.raisesException === 'boolean';
    });
    if (!valid) return problem(res, 400, 'ERR_BAD_REQUEST', 'send {"cells": [{"cellId": "…", "code": "…", "raisesException": false}, …]}');
    rehearseChapterOf(name);
    try {
      res.json(await hub.runAll(name, list as RunAllCell[]));
    } catch (error) {
      if (error instanceof RunAllError) return problem(res, 409, error.code, error.message);
      fromError(res, error);
    }
  });
  app.post('/api/notebooks/:name/interrupt', async (req, res) => {
    const name = kernelName(req, res);
    if (name === undefined) return;
    await hub.interrupt(name);
    res.json(hub.status(name));
  });
  app.post('/api/notebooks/:name/restart', async (req, res) => {
    const name = kernelName(req, res);
    if (name === undefined) return;
    try {
      await hub.restart(name);
      res.json(hub.status(name));
    } catch (error) {
      fromError(res, error);
    }
  });

  // A lab started in a cell says where it is (NOTEBOOK_APP_LABS_ENV); only loopback labs are followed.
  app.post('/api/labs/:name', (req, res) => {
    const httpUrl = (req.body as { httpUrl?: unknown }).httpUrl;
    const base = typeof httpUrl === 'string' ? `${httpUrl.replace(/\/$/, '')}/` : httpUrl;
    if (!isLoopbackHttpUrl(base)) return problem(res, 400, 'ERR_NOT_LOOPBACK', 'only a lab on a loopback http:// address is followed');
    hub.followLab(hub.ownerOf(String(req.params.name)), String(httpUrl));
    res.status(204).end();
  });

  const exerciseOf = (id: string, res: Response) => {
    const exercise = course()?.exercises.find((e) => e.id === id);
    if (exercise === undefined) problem(res, 404, 'ERR_UNKNOWN_EXERCISE', `no exercise '${id}'`);
    return exercise;
  };
  app.get('/api/chapters/:stem/exercises', (req, res) => {
    const progress = readProgress(root);
    // Both editions of a chapter share its exercises.
    const chapter = editionOf(String(req.params.stem)).chapter;
    const list = (course()?.exercises ?? []).filter((e) => e.chapter === chapter).map((e) => ({
      id: e.id, title: e.title, file: `exercises/${e.chapter}/${e.file}`, points: e.points, hintCount: e.hints.length,
      solved: progress.solved[e.id] !== undefined, hints: e.hints.slice(0, progress.hintsShown[e.id] ?? 0),
    }));
    res.json({ exercises: list });
  });
  // A learner who opens the Exercises tab is about to check one: have the grader ready by then (when
  // the app was started with warmGrader false, this is where it warms up).
  app.post('/api/grader/warm', (_req, res) => {
    void grader.warmUp();
    res.status(204).end();
  });
  app.post('/api/exercises/:id/check', async (req, res) => {
    const exercise = exerciseOf(req.params.id, res);
    if (exercise === undefined) return;
    try {
      const result = await grade({ root, select: exercise.id, perExerciseMs: 20_000, warm: grader });
      const score = result.exercises[0];
      writeProgress(root, recordResults(readProgress(root), result.exercises));
      res.json({ id: exercise.id, status: score?.status, passed: score?.status === 'passed', report: score === undefined ? '' : formatExercise(score), durationMs: result.durationMs });
    } catch (error) {
      fromError(res, error);
    }
  });
  // The check cell that ends a chapter, sent by checkChapter from one of this app's kernels
  // (NOTEBOOK_APP_CHECK_ENV): the warm grader gives the result a one-shot grading in the kernel would.
  app.post('/api/check', async (req, res) => {
    const { chapter, root: asked } = (req.body ?? {}) as { chapter?: unknown; root?: unknown };
    if (typeof chapter !== 'string' || chapter === '') return problem(res, 400, 'ERR_BAD_REQUEST', 'send {"chapter": "…", "root": "…"}');
    if (asked !== undefined && (typeof asked !== 'string' || resolve(asked) !== resolve(root))) return problem(res, 409, 'ERR_OTHER_CHECKOUT', `this app grades the course at ${root}, not ${String(asked)}`);
    try {
      // An unknown chapter is said before the grader starts on it.
      selectExercises(loadCourse(root), chapter);
      res.json({ result: await grade({ root, select: chapter, warm: grader }) });
    } catch (error) {
      if (error instanceof GraderError && error.code === 'ERR_UNKNOWN_EXERCISE') return problem(res, 404, error.code, error.message);
      fromError(res, error);
    }
  });
  app.post('/api/exercises/:id/hint', (req, res) => {
    const exercise = exerciseOf(req.params.id, res);
    if (exercise === undefined) return;
    const progress = readProgress(root);
    const shown = Math.min((progress.hintsShown[exercise.id] ?? 0) + 1, exercise.hints.length);
    writeProgress(root, { ...progress, hintsShown: { ...progress.hintsShown, [exercise.id]: shown } });
    res.json({ hints: exercise.hints.slice(0, shown), hintCount: exercise.hints.length });
  });
  app.post('/api/exercises/:id/reset', (req, res) => {
    const exercise = exerciseOf(req.params.id, res);
    if (exercise === undefined) return;
    try {
      resetExercise(root, exercise);
      res.json({ reset: `exercises/${exercise.chapter}/${exercise.file}` });
    } catch (error) {
      fromError(res, error);
    }
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? DEFAULT_UI_PORT, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  if (host === '0.0.0.0' || host === '::') url = `http://127.0.0.1:${address.port}`;
  // The first chapter opened finds a kernel started (its labs URL needs the address above).
  hub.keepSpare();
  return {
    url,
    server,
    hub,
    grader,
    async stop() {
      await Promise.all([hub.shutdownAll(), grader.close()]);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
