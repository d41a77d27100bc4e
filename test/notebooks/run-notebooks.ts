// Runs notebooks/*.ipynb on the real tslab kernel through Debian's Jupyter (nbclient), via execute_notebook.py.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerKernel as registerProjectKernel } from '../../cli/launcher.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const notebooksDir = join(root, 'notebooks');
/** The Japanese edition: the same file names, the same code cells, its own Markdown. */
export const japaneseNotebooksDir = join(notebooksDir, 'ja');
export const artifactsDir = join(root, 'test-artifacts', 'notebooks');
const driver = fileURLToPath(new URL('./execute_notebook.py', import.meta.url));
const tslabBin = join(root, 'node_modules', '.bin', 'tslab');
// Project-local Jupyter prefix (git-ignored): the kernel is never registered for the whole machine.
const jupyterPrefix = join(root, '.lab', 'jupyter');

// Debian's python3 has Jupyter; the pyenv python3 first on PATH does not. JUPYTER_PYTHON overrides.
export const python = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

export const isCI = !!process.env.CI && !['false', '0'].includes(process.env.CI);

const INSTALL_HINT =
  'apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient python3-ipykernel ' +
  '(Debian/Ubuntu; or point JUPYTER_PYTHON at a python3 that has nbclient)';

/** Why notebooks cannot run here, with what to install; undefined when Jupyter and tslab are ready. */
export function jupyterMissing(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return `Jupyter is not installed: ${python} cannot import nbclient. Install it with: ${INSTALL_HINT}`;
  }
  if (!existsSync(tslabBin)) return `The tslab kernel is not installed (${tslabBin} is missing): run npm install`;
  return undefined;
}

/** Registers the tslab kernel under .lab/jupyter (as `npm start` does) and returns the JUPYTER_PATH that finds it. */
export function registerKernel(): string {
  return registerProjectKernel(root);
}

/** notebooks/*.ipynb, sorted, as absolute paths. */
export function listNotebooks(dir = notebooksDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));
}

export interface NotebookRun {
  /** 0 passed, 1 a cell failed, 2 the kernel could not run. */
  code: number | null;
  /** The driver's report: PASS/FAIL line, and for a failure the cell, its source and the error. */
  output: string;
  ms: number;
}

/**
 * Executes one notebook top to bottom; the executed copy goes to `output`, never over the original.
 * A kernel that could not bind the port jupyter_client picked for it (another process took it between
 * the pick and the bind: EADDRINUSE, seen with kernels starting side by side) is started once more.
 */
export async function runNotebook(notebook: string, output: string, jupyterPath: string): Promise<NotebookRun> {
  const first = await runNotebookOnce(notebook, output, jupyterPath);
  if (first.code !== 2 || !/EADDRINUSE|Address already in use/.test(first.output)) return first;
  const second = await runNotebookOnce(notebook, output, jupyterPath);
  return { ...second, output: `(the first kernel could not bind its port, EADDRINUSE; started another)\n${second.output}`, ms: first.ms + second.ms };
}

function runNotebookOnce(notebook: string, output: string, jupyterPath: string): Promise<NotebookRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [driver, notebook, '--output', output, '--timeout', '120'], {
      cwd: root,
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        JUPYTER_RUNTIME_DIR: join(jupyterPrefix, 'runtime'),
        PYTHONUNBUFFERED: '1',
      },
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: text.trimEnd(), ms: Date.now() - started }));
  });
}
