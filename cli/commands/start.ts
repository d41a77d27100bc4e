/** `authlab start` (what `npm start` runs): the lab server plus Jupyter on the notebooks, until Ctrl-C. */
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.js';
import { DEFAULT_PORT, DEFAULT_TLS_PORT, launch, LaunchError } from '../launcher.js';

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
  summary: 'start the lab: build, lab server on 4000/4443, Jupyter on notebooks/ (npm start)',
  help: `Usage: authlab start [--no-jupyter] [--no-browser] [--port 4000] [--tls-port 4443] [--data DIR]
       npm start [-- options]

Starts everything the course needs, offline:
  1. compiles what changed (tsc -b);
  2. registers the TypeScript (tslab) kernel for Jupyter inside the project (.lab/jupyter);
  3. starts the lab server: plain HTTP on --port, mutual TLS on --tls-port, keeping its clients,
     tokens, lab CA and keys in --data;
  4. starts JupyterLab (or the classic Jupyter Notebook) on notebooks/ and prints the URLs of the
     notebooks, the server and its traces (/lab/traces, and the viewer at /lab).
Ctrl-C stops everything.

  --no-jupyter   start only the lab server
  --no-browser   do not let Jupyter open a browser tab (remote machines)
  --port         plain HTTP port (default ${DEFAULT_PORT}); 0 picks a free port
  --tls-port     mutual-TLS port (default ${DEFAULT_TLS_PORT}); 0 picks a free port
  --data         data directory (default .lab/data in the project; git ignores .lab/)

Without Jupyter the server still starts, and the message says how to install JupyterLab.
Exit status: 0 after Ctrl-C, 1 when the build, the server or Jupyter fails, 2 on a usage error.
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: { 'no-jupyter': { type: 'boolean' }, 'no-browser': { type: 'boolean' }, port: { type: 'string' }, 'tls-port': { type: 'string' }, data: { type: 'string' } },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const v = parsed.values;
    if (v.data === '') throw new UsageError('--data needs a directory');
    const httpPort = port(v.port, '--port', DEFAULT_PORT);
    const tlsPort = port(v['tls-port'], '--tls-port', DEFAULT_TLS_PORT);
    if (httpPort !== 0 && httpPort === tlsPort) throw new UsageError(`--port and --tls-port must differ (both are ${httpPort})`);

    // Listen for Ctrl-C from the start: a Ctrl-C during the build or Jupyter's start-up still stops cleanly.
    const signal = untilSignal();
    let running;
    try {
      running = await launch({
        port: httpPort,
        tlsPort,
        ...(v.data === undefined ? {} : { dataDir: v.data }),
        jupyter: v['no-jupyter'] !== true,
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
    io.stderr(reason === 'signal' ? `\nStopping ${running.jupyter === undefined ? '' : `${running.jupyter.name} and `}the lab server…\n` : `\n${running.jupyter?.name ?? 'Jupyter'} has stopped; stopping the lab server…\n`);
    await running.stop();
    io.stderr('authlab start: stopped\n');
    return reason === 'signal' ? 0 : reason.code;
  },
};
