/**
 * What `npm start` does: build what changed, register the tslab kernel in a project-local Jupyter
 * path, start the lab server with a persistent data directory, then Jupyter on notebooks/, and print
 * where everything is. Nothing is fetched from the network and nothing outside the project changes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLabServer, type RunningLabServer } from '@client-auth-lab/lab-server';
import { DEFAULT_UI_PORT, projectKernelSpec, startNotebookApp, type RunningNotebookApp } from '@client-auth-lab/app';

export const DEFAULT_PORT = 4000;
export const DEFAULT_TLS_PORT = 4443;

/** The repository root: the nearest folder above this module whose package.json is client-auth-lab's. */
export function findProjectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'client-auth-lab') return dir;
    if (dirname(dir) === dir) throw new Error(`no client-auth-lab package.json above ${from}`);
  }
}

/** The project-local folders the launcher uses; all are under .lab/, which git ignores. */
export function labPaths(root: string): { data: string; jupyterPrefix: string; jupyterPath: string; jupyterLog: string; notebooks: string; tslab: string } {
  const jupyterPrefix = join(root, '.lab', 'jupyter');
  return {
    data: join(root, '.lab', 'data'),
    jupyterPrefix,
    jupyterPath: join(jupyterPrefix, 'share', 'jupyter'),
    jupyterLog: join(root, '.lab', 'jupyter.log'),
    notebooks: join(root, 'notebooks'),
    tslab: join(root, 'node_modules', '.bin', 'tslab'),
  };
}

/**
 * Registers the tslab kernel under .lab/jupyter (never for the whole machine or user) and returns the
 * directory to put on JUPYTER_PATH. The kernelspec is projectKernelSpec (tslab with the project's
 * preload); writing it directly needs no Python with jupyter_client, so it works with any Jupyter
 * (pipx, conda, Debian).
 */
export function registerKernel(root: string = findProjectRoot()): string {
  const paths = labPaths(root);
  if (!existsSync(paths.tslab)) throw new Error(`the tslab kernel is not installed (${paths.tslab} is missing): run npm install`);
  const kernelDir = join(paths.jupyterPath, 'kernels', 'tslab');
  mkdirSync(kernelDir, { recursive: true });
  const spec = projectKernelSpec(root);
  writeFileSync(join(kernelDir, 'kernel.json'), `${JSON.stringify(spec)}\n`);
  return paths.jupyterPath;
}

/** `tsc -b`: incremental, so it only compiles what changed since `npm install` (a no-op takes well under a second). */
export function buildProject(root: string): { ok: boolean; output: string } {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) return { ok: false, output: `TypeScript is not installed (${tsc} is missing): run npm install` };
  const run = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`.trim() };
}

export interface JupyterFrontEnd {
  name: 'JupyterLab' | 'Jupyter Notebook';
  command: string;
  args: string[];
  /** The URL path of one notebook below the server's base URL. */
  notebookPath: (file: string) => string;
}

const FRONT_ENDS: readonly JupyterFrontEnd[] = [
  // pipx exposes jupyter-lab but not jupyter; conda and pip expose both.
  { name: 'JupyterLab', command: 'jupyter-lab', args: [], notebookPath: (f) => `lab/tree/${encodeURIComponent(f)}` },
  { name: 'JupyterLab', command: 'jupyter', args: ['lab'], notebookPath: (f) => `lab/tree/${encodeURIComponent(f)}` },
  { name: 'Jupyter Notebook', command: 'jupyter-notebook', args: [], notebookPath: (f) => `notebooks/${encodeURIComponent(f)}` },
  { name: 'Jupyter Notebook', command: 'jupyter', args: ['notebook'], notebookPath: (f) => `notebooks/${encodeURIComponent(f)}` },
];

/** The lowest JupyterLab that draws mermaid in Markdown and text/vnd.mermaid outputs. */
export const MIN_JUPYTERLAB = [4, 1] as const;

/** JupyterLab 4.1 or newer on this PATH, with its version; the classic Notebook never counts. */
export function findJupyterLab(env: NodeJS.ProcessEnv = process.env): (JupyterFrontEnd & { version: string }) | undefined {
  for (const f of FRONT_ENDS.filter((e) => e.name === 'JupyterLab')) {
    const run = spawnSync(f.command, [...f.args, '--version'], { env, encoding: 'utf8', timeout: 30_000 });
    if (run.status !== 0) continue;
    const match = /(\d+)\.(\d+)/.exec(run.stdout ?? '');
    if (match === null) continue;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    if (major > MIN_JUPYTERLAB[0] || (major === MIN_JUPYTERLAB[0] && minor >= MIN_JUPYTERLAB[1])) return { ...f, version: `${match[1]}.${match[2]}` };
  }
  return undefined;
}

/** Which notebook front end `npm start` opens: auto (JupyterLab 4.1+, else the built-in app), or one forced. */
export type UiChoice = 'auto' | 'builtin' | 'jupyter';

/** The first Jupyter front end that answers `--version` on this PATH: JupyterLab first, then the Notebook. */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): JupyterFrontEnd | undefined {
  return FRONT_ENDS.find((f) => spawnSync(f.command, [...f.args, '--version'], { env, stdio: 'ignore', timeout: 30_000 }).status === 0);
}

export const JUPYTER_INSTALL_HELP =
  'Jupyter is not installed, so only the lab server runs. To open the notebooks, install JupyterLab 4.1 or newer '
  + '(it draws the diagrams) with one of: `pipx install jupyterlab`, `pip install --user jupyterlab`, or '
  + '`conda install -c conda-forge jupyterlab`; on Debian or Ubuntu without pip, `sudo apt-get install jupyter-notebook` '
  + 'gives the classic Notebook (diagrams stay as text). Then run `npm start` again; the TypeScript kernel is registered '
  + 'inside the project, nothing else to set up.';

export interface LaunchOptions {
  root?: string;
  port?: number;
  tlsPort?: number;
  /** Where clients, tokens, the lab CA and keys persist (default .lab/data). */
  dataDir?: string;
  /** Start a notebook front end (default true); false is `--no-jupyter`: the lab server alone. */
  jupyter?: boolean;
  /** Which front end (default auto: JupyterLab 4.1+ when installed, otherwise the built-in app). */
  ui?: UiChoice;
  /** The built-in app's port (default 8888; 0 picks a free port). */
  uiPort?: number;
  /** The built-in app's address (default 127.0.0.1). */
  uiHost?: string;
  /** Run `tsc -b` first (default true). */
  build?: boolean;
  /** Environment for Jupyter (and the PATH it is looked up on). */
  env?: NodeJS.ProcessEnv;
  /** Where the start message goes. */
  out: (text: string) => void;
  /** Let Jupyter open a browser tab (default true). */
  openBrowser?: boolean;
  /** How long to wait for Jupyter to print its URL (default 120 s). */
  jupyterStartTimeoutMs?: number;
}

export interface RunningLauncher {
  server: RunningLabServer;
  /** The Jupyter front end started, if any. */
  jupyter: { name: string; url: string | undefined; process: ChildProcess } | undefined;
  /** The built-in notebook app, when it is the front end. */
  app: RunningNotebookApp | undefined;
  /** Resolves with an exit code when Jupyter stops by itself (never when there is no Jupyter). */
  jupyterExited: Promise<number>;
  /** Stops Jupyter (SIGTERM, then SIGKILL after 10 s) and the server. */
  stop: () => Promise<void>;
}

/** A launcher failure the user can act on: the message says what to do. */
export class LaunchError extends Error {
  override name = 'LaunchError';
}

function startServerError(error: unknown, port: number, tlsPort: number): LaunchError {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE') {
    return new LaunchError(`the lab server cannot start: port ${e.port ?? `${port} or ${tlsPort}`} is already in use (another \`npm start\` or \`authlab server\`?). `
      + `Stop it, or choose other ports: npm start -- --port ${port + 1} --tls-port ${tlsPort + 1}`);
  }
  return new LaunchError(`the lab server cannot start: ${e.message ?? String(error)}`);
}

/** Finds Jupyter's own URL (with its login token) in what it prints. */
export function jupyterUrlFrom(text: string): string | undefined {
  return /https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\]):\d+\/[^\s]*/.exec(text)?.[0];
}

/** The server's base URL (with a trailing slash) from Jupyter's URL, e.g. …/lab?token=x → …/. */
function jupyterBase(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname.replace(/(?:lab|tree)\/?$/, '').replace(/\/?$/, '/')}`;
}

function listNotebookFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort() : [];
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    // Jupyter shuts down at once on SIGTERM; SIGINT would make it ask for confirmation.
    child.kill('SIGTERM');
  });
}

/** Opens a URL in the desktop's browser (xdg-open, open or start); silently nothing where there is none. */
function openBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { env, stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser to open: the URL is printed.
  }
}

export async function launch(options: LaunchOptions): Promise<RunningLauncher> {
  const root = options.root ?? findProjectRoot();
  const paths = labPaths(root);
  const out = options.out;
  const port = options.port ?? DEFAULT_PORT;
  const tlsPort = options.tlsPort ?? DEFAULT_TLS_PORT;
  const dataDir = resolve(options.dataDir ?? paths.data);
  const env = options.env ?? process.env;
  const show = (p: string): string => (relative(root, p).startsWith('..') ? p : relative(root, p) || '.');

  if (options.build !== false) {
    const built = buildProject(root);
    if (!built.ok) throw new LaunchError(`the TypeScript build (tsc -b) failed, so the notebooks cannot import the lib:\n${built.output}`);
  }

  mkdirSync(dataDir, { recursive: true });
  let server: RunningLabServer;
  try {
    server = await startLabServer({ port, tlsPort, dataDir, log: (message) => out(`${message}\n`) });
  } catch (error) {
    throw startServerError(error, port, tlsPort);
  }

  const lines = [
    '',
    'client-auth-lab is running.',
    '',
    `  Lab server    ${server.httpUrl}   issuer; metadata at ${server.httpUrl}/.well-known/oauth-authorization-server`,
    ...(server.httpsUrl === undefined ? [] : [`  Mutual TLS    ${server.httpsUrl}  server certificate from the lab CA (${show(join(dataDir, 'lab-ca.pem'))})`]),
    `  Traces        ${server.httpUrl}/lab/traces   every decision as JSON, newest first (?client_id=…)`,
    `  Trace viewer  ${server.httpUrl}/lab`,
    `  Data          ${show(dataDir)}   clients, tokens, the lab CA and keys survive a restart`,
  ];

  let jupyter: RunningLauncher['jupyter'];
  let app: RunningNotebookApp | undefined;
  let jupyterExited: Promise<number> = new Promise<number>(() => {});
  const stopAll = async (): Promise<void> => {
    if (jupyter !== undefined) await stopChild(jupyter.process);
    if (app !== undefined) await app.stop();
    await server.stop();
  };

  if (options.jupyter === false) {
    out(`${lines.join('\n')}\n\n  Jupyter       not started (--no-jupyter). The notebooks are in ${show(paths.notebooks)}/.\n\nPress Ctrl-C to stop.\n`);
    return { server, jupyter: undefined, app, jupyterExited, stop: stopAll };
  }

  const ui = options.ui ?? 'auto';
  const lab = ui === 'auto' ? findJupyterLab(env) : undefined;
  const frontEnd = ui === 'jupyter' ? findJupyter(env) : lab;
  if (ui === 'jupyter' && frontEnd === undefined) {
    out(`${lines.join('\n')}\n\n${JUPYTER_INSTALL_HELP}\n\nPress Ctrl-C to stop the server.\n`);
    return { server, jupyter: undefined, app, jupyterExited, stop: stopAll };
  }
  if (frontEnd === undefined) {
    try {
      registerKernel(root);
      app = await startNotebookApp({ root, kernelSpec: projectKernelSpec(root), port: options.uiPort ?? DEFAULT_UI_PORT, labServerUrl: server.httpUrl, env,
        ...(options.uiHost === undefined ? {} : { host: options.uiHost }) });
    } catch (error) {
      await server.stop();
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new LaunchError(`the notebook app cannot start: port ${options.uiPort ?? DEFAULT_UI_PORT} is already in use. Choose another: npm start -- --ui-port 0`);
      throw new LaunchError(`the notebook app cannot start: ${e.message}`);
    }
    const why = ui === 'builtin' ? '(--ui builtin)' : '(JupyterLab 4.1 or newer is not installed; `npm start -- --ui jupyter` forces Jupyter)';
    const chapters = listNotebookFiles(paths.notebooks).map((f, i) => `${i === 0 ? '  Chapters      ' : '                '}${app?.url}/notebooks/${encodeURIComponent(f.replace(/\.ipynb$/, ''))}`);
    out(`${lines.join('\n')}\n\n  Notebooks     ${app.url}/   the built-in notebook app ${why}\n${chapters.join('\n')}\n\nPress Ctrl-C to stop everything.\n`);
    if (options.openBrowser !== false) openBrowser(`${app.url}/`, env);
    return { server, jupyter: undefined, app, jupyterExited, stop: stopAll };
  }

  let jupyterPath: string;
  try {
    jupyterPath = registerKernel(root);
  } catch (error) {
    await server.stop();
    throw new LaunchError((error as Error).message);
  }
  const log = createWriteStream(paths.jupyterLog);
  // Jupyter refuses to run as root (containers, CI) unless told that it is meant.
  const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const browser = options.openBrowser === false ? ['--no-browser'] : [];
  const child = spawn(frontEnd.command, [...frontEnd.args, ...asRoot, ...browser], {
    cwd: paths.notebooks,
    // Its own process group: a terminal Ctrl-C reaches only the launcher, which then stops Jupyter cleanly.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, JUPYTER_PATH: [jupyterPath, env.JUPYTER_PATH].filter((p) => p !== undefined && p !== '').join(delimiter) },
  });
  jupyter = { name: frontEnd.name, url: undefined, process: child };
  const started = jupyter;
  let seen = '';
  let recent = '';
  const announced = new Promise<void>((announce) => {
    const timer = setTimeout(() => {
      out(`${lines.join('\n')}\n\n  ${frontEnd.name} is still starting; its output goes to ${show(paths.jupyterLog)}.\n\nPress Ctrl-C to stop everything.\n`);
      announce();
    }, options.jupyterStartTimeoutMs ?? 120_000);
    timer.unref();
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      recent = `${recent}${chunk.toString('utf8')}`.slice(-4000);
      if (started.url !== undefined) return;
      seen += chunk.toString('utf8');
      const url = jupyterUrlFrom(seen);
      if (url === undefined) return;
      clearTimeout(timer);
      started.url = url;
      const base = jupyterBase(url);
      const notebooks = listNotebookFiles(paths.notebooks).map((f, i) => `${i === 0 ? '  Notebooks     ' : '                '}${base}${frontEnd.notebookPath(f)}`);
      out(`${lines.join('\n')}\n\n  ${frontEnd.name.padEnd(12)}  ${url}   open this first (it carries the login token)\n${notebooks.join('\n')}\n`
        + `  Jupyter log   ${show(paths.jupyterLog)}\n\nPress Ctrl-C to stop everything.\n`);
      announce();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      announce();
    });
  });
  jupyterExited = new Promise<number>((exited) => {
    child.once('error', (error) => {
      out(`${frontEnd.name} could not be started: ${error.message}\n`);
      exited(1);
    });
    child.once('exit', (code, signal) => {
      log.end();
      if (code === 0 || signal === 'SIGTERM') return exited(0);
      const tail = recent.trim().split('\n').slice(-15).join('\n');
      out(`${frontEnd.name} stopped with ${code === null ? `signal ${String(signal)}` : `exit code ${code}`}. Its last words:\n${tail}\n`);
      exited(1);
    });
  });
  await announced;
  return { server, jupyter, app, jupyterExited, stop: stopAll };
}
