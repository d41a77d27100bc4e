/** `authlab start` (what `npm start` runs): the lab server plus Jupyter on the notebooks, until Ctrl-C. */
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.js';
import { DEFAULT_PORT, DEFAULT_TLS_PORT, launch, LaunchError, type UiChoice } from '../launcher.js';
import { DEFAULT_UI_PORT } from '@client-auth-lab/app';

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n > 65_535) throw new UsageError(`${name} must be a port number from 0 to 65535, not '${value}'`);
  return n;
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM, and stops listening for them. */
function untilSignal(): { done: Promise<string>; cancel: () => void } {
  let cancel = (): void => {};
  const done = new Promise<string>((resolve) => {
    const onSignal = (signal: string): void => {
      cancel();
      resolve(signal);
    };
    cancel = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { done, cancel };
}

export const start: Command = {
  name: 'start',
  summary: 'start the lab: build, lab server on 4000/4443, the notebooks in JupyterLab or the built-in app (npm start)',
  help: `Usage: authlab start [--ui builtin|jupyter] [--ui-port 8888] [--host 127.0.0.1] [--no-browser]
                     [--no-jupyter] [--port 4000] [--tls-port 4443] [--data DIR]
       npm start [-- options]

Starts everything the course needs, offline:
  1. compiles what changed (tsc -b);
  2. registers the TypeScript (tslab) kernel inside the project (.lab/jupyter);
  3. starts the lab server: plain HTTP on --port, mutual TLS on --tls-port, keeping its clients,
     tokens, lab CA and keys in --data;
  4. opens the notebooks: in JupyterLab when JupyterLab 4.1 or newer is installed, otherwise in the
     built-in notebook app (Node only, no Python) on --ui-port, and prints every URL: the notebooks,
     the server and its traces (/lab/traces, and the viewer at /lab).
Ctrl-C stops everything, kernels included.

  --ui           builtin: the built-in notebook app; jupyter: Jupyter (JupyterLab, else the classic
                 Notebook, which draws no diagrams); default: JupyterLab 4.1+ if installed, else builtin
  --ui-port      the built-in app's port (default ${DEFAULT_UI_PORT}); 0 picks a free port
  --host         the built-in app's address (default 127.0.0.1; it runs code, keep it local)
  --no-browser   do not open a browser tab (remote machines)
  --no-jupyter   start only the lab server, no notebooks
  --port         plain HTTP port (default ${DEFAULT_PORT}); 0 picks a free port
  --tls-port     mutual-TLS port (default ${DEFAULT_TLS_PORT}); 0 picks a free port
  --data         data directory (default .lab/data in the project; git ignores .lab/)

Exit status: 0 after Ctrl-C, 1 when the build, the server or Jupyter fails, 2 on a usage error.
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          'no-jupyter': { type: 'boolean' }, 'no-browser': { type: 'boolean' }, port: { type: 'string' }, 'tls-port': { type: 'string' }, data: { type: 'string' },
          ui: { type: 'string' }, 'ui-port': { type: 'string' }, host: { type: 'string' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const v = parsed.values;
    if (v.data === '') throw new UsageError('--data needs a directory');
    const httpPort = port(v.port, '--port', DEFAULT_PORT);
    const tlsPort = port(v['tls-port'], '--tls-port', DEFAULT_TLS_PORT);
    if (httpPort !== 0 && httpPort === tlsPort) throw new UsageError(`--port and --tls-port must differ (both are ${httpPort})`);
    if (v.ui !== undefined && v.ui !== 'builtin' && v.ui !== 'jupyter') throw new UsageError(`--ui must be builtin or jupyter, not '${v.ui}'`);
    const uiPort = port(v['ui-port'], '--ui-port', DEFAULT_UI_PORT);
    if (uiPort !== 0 && (uiPort === httpPort || uiPort === tlsPort)) throw new UsageError(`--ui-port must differ from --port and --tls-port (${uiPort})`);
    if (v.host === '') throw new UsageError('--host needs an address');

    // Listen for Ctrl-C from the start: a Ctrl-C during the build or Jupyter's start-up still stops cleanly.
    const signal = untilSignal();
    let running;
    try {
      running = await launch({
        port: httpPort,
        tlsPort,
        ...(v.data === undefined ? {} : { dataDir: v.data }),
        jupyter: v['no-jupyter'] !== true,
        ui: (v.ui ?? 'auto') as UiChoice,
        uiPort,
        ...(v.host === undefined ? {} : { uiHost: v.host }),
        openBrowser: v['no-browser'] !== true,
        out: io.stdout,
      });
    } catch (error) {
      signal.cancel();
      if (error instanceof LaunchError) {
        io.stderr(`authlab start: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const reason = await Promise.race([signal.done.then(() => 'signal' as const), running.jupyterExited.then((code) => ({ code }))]);
    signal.cancel();
    const frontEnd = running.jupyter?.name ?? (running.app === undefined ? undefined : 'the notebook app (and its kernels)');
    io.stderr(reason === 'signal' ? `\nStopping ${frontEnd === undefined ? '' : `${frontEnd} and `}the lab server…\n` : `\n${running.jupyter?.name ?? 'Jupyter'} has stopped; stopping the lab server…\n`);
    await running.stop();
    io.stderr('authlab start: stopped\n');
    return reason === 'signal' ? 0 : reason.code;
  },
};
