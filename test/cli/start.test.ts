// `npm start` (authlab start): the launcher starts the lab server, registers the kernel, finds Jupyter or says how to get it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJupyter, findJupyterLab, findProjectRoot, jupyterUrlFrom, launch, LaunchError, registerKernel } from '../../cli/launcher.js';
import { isCI } from '../notebooks/run-notebooks.js';
import { runAuthlab } from './run.js';

const root = findProjectRoot();
let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'authlab-start-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function isServed(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('launch() in --no-jupyter style', () => {
  it('accepts free ports, serves metadata and traces, keeps its data directory, and stops', async () => {
    let printed = '';
    const data = join(scratch, 'data');
    const running = await launch({ root, port: 0, tlsPort: 0, dataDir: data, jupyter: false, build: false, out: (t) => (printed += t) });
    const { httpUrl, httpsUrl } = running.server;
    try {
      const metadata = await fetch(`${httpUrl}/.well-known/oauth-authorization-server`);
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ issuer: httpUrl, token_endpoint: `${httpUrl}/token` });
      const traces = await fetch(`${httpUrl}/lab/traces`);
      expect(traces.status).toBe(200);
      expect(existsSync(join(data, 'lab-ca.pem')), 'the lab CA persists in the data directory').toBe(true);
      expect(printed).toContain(`Lab server    ${httpUrl}`);
      expect(printed).toContain(`Mutual TLS    ${httpsUrl}`);
      expect(printed).toContain(`${httpUrl}/lab/traces`);
      expect(printed).toContain(`Trace viewer  ${httpUrl}/lab\n`);
      expect(printed).toContain('not started (--no-jupyter)');
      expect(printed).toContain('Ctrl-C');
    } finally {
      await running.stop();
    }
    expect(await isServed(`${httpUrl}/lab/traces`), 'the server still answers after stop()').toBe(false);
  });

  it('opens the built-in notebook app when JupyterLab 4.1+ is not installed, and prints its URL', async () => {
    let printed = '';
    const running = await launch({
      root, port: 0, tlsPort: 0, uiPort: 0, dataDir: join(scratch, 'builtin'), build: false, openBrowser: false, env: { PATH: join(scratch, 'empty-path') }, out: (t) => (printed += t),
    });
    try {
      expect(running.jupyter).toBeUndefined();
      const url = running.app?.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed).toContain(`Notebooks     ${url}/`);
      expect(printed).toContain(`${url}/notebooks/03-client-assertions`);
      const index = await (await fetch(`${url}/`)).text();
      expect(index).toContain('href="/notebooks/03-client-assertions"');
      expect((await fetch(`${running.server.httpUrl}/lab/traces`)).status).toBe(200);
    } finally {
      await running.stop();
    }
    expect(await isServed(`${running.app?.url}/`), 'the app still answers after stop()').toBe(false);
  });

  it('still starts the server with --ui jupyter and no Jupyter on PATH, and says exactly how to install JupyterLab', async () => {
    let printed = '';
    const running = await launch({
      root, port: 0, tlsPort: 0, ui: 'jupyter', dataDir: join(scratch, 'no-jupyter'), build: false, env: { PATH: join(scratch, 'empty-path') }, out: (t) => (printed += t),
    });
    try {
      expect(running.jupyter).toBeUndefined();
      expect(running.app).toBeUndefined();
      expect((await fetch(`${running.server.httpUrl}/lab/traces`)).status).toBe(200);
      for (const way of ['pipx install jupyterlab', 'pip install --user jupyterlab', 'conda install -c conda-forge jupyterlab', 'apt-get install jupyter-notebook']) {
        expect(printed).toContain(way);
      }
    } finally {
      await running.stop();
    }
  });

  it('rejects a port that is already taken because the server cannot listen, naming the port and the fix', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const attempt = launch({ root, port: taken, tlsPort: 0, dataDir: join(scratch, 'busy'), jupyter: false, build: false, out: () => {} });
      await expect(attempt).rejects.toBeInstanceOf(LaunchError);
      await expect(attempt).rejects.toThrow(`port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('authlab start options', () => {
  it.each([
    [['--port', 'abc'], "--port must be a port number from 0 to 65535, not 'abc'"],
    [['--tls-port', '70000'], "--tls-port must be a port number from 0 to 65535, not '70000'"],
    [['--port', '5000', '--tls-port', '5000'], '--port and --tls-port must differ'],
    [['--jupyter-only'], "Unknown option '--jupyter-only'"],
    [['--ui', 'notebook'], "--ui must be builtin or jupyter, not 'notebook'"],
    [['--ui-port', 'x'], "--ui-port must be a port number from 0 to 65535, not 'x'"],
  ])('rejects %j as a usage error (exit 2)', async (args, message) => {
    const result = await runAuthlab(['start', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('Jupyter helpers', () => {
  it('finds the URL with the login token in what JupyterLab and the classic Notebook print', () => {
    expect(jupyterUrlFrom('[I 2025 ServerApp] Jupyter Server is running at:\n    http://localhost:8888/lab?token=abc123\n')).toBe('http://localhost:8888/lab?token=abc123');
    expect(jupyterUrlFrom('[I NotebookApp] http://hostname:8889/?token=x\n     or http://127.0.0.1:8889/?token=x\n')).toBe('http://127.0.0.1:8889/?token=x');
    expect(jupyterUrlFrom('[I NotebookApp] Serving notebooks from local directory')).toBeUndefined();
  });

  it('registers the tslab kernel inside the project, pointing at the project tslab run with the project\'s preloads', () => {
    const jupyterPath = registerKernel(root);
    expect(jupyterPath).toBe(join(root, '.lab', 'jupyter', 'share', 'jupyter'));
    const spec = JSON.parse(readFileSync(join(jupyterPath, 'kernels', 'tslab', 'kernel.json'), 'utf8')) as { argv: string[]; language: string };
    expect(spec.language).toBe('typescript');
    const preloads = [join(root, 'app', 'kernel', 'tslab-serial-send.cjs'), join(root, 'app', 'kernel', 'tslab-tier-up.cjs')];
    const tslab = join(root, 'node_modules', 'tslab', 'bin', 'tslab');
    expect(spec.argv).toEqual([process.execPath, '--require', preloads[0], '--require', preloads[1], tslab, 'kernel', '--config-path', '{connection_file}']);
    for (const file of [process.execPath, ...preloads, tslab]) expect(existsSync(file), file).toBe(true);
  });

  it('finds no Jupyter on an empty PATH', () => {
    expect(findJupyter({ PATH: join(scratch, 'empty-path') })).toBeUndefined();
    expect(findJupyterLab({ PATH: join(scratch, 'empty-path') })).toBeUndefined();
  });

  // Where a Jupyter front end is installed (CI installs Debian's jupyter-notebook, and there a missing
  // one fails rather than skips): the real launch, then a clean stop.
  it.runIf(findJupyter() !== undefined || isCI)('starts the installed Jupyter on notebooks/ with the tslab kernel and stops it', { timeout: 120_000 }, async () => {
    let printed = '';
    const running = await launch({ root, port: 0, tlsPort: 0, ui: 'jupyter', dataDir: join(scratch, 'with-jupyter'), build: false, openBrowser: false, out: (t) => (printed += t) });
    try {
      const url = running.jupyter?.url;
      expect(url, printed).toBeDefined();
      expect(printed).toContain('00-welcome.ipynb');
      const token = new URL(url as string).searchParams.get('token') ?? '';
      const specs = (await (await fetch(`${new URL(url as string).origin}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, unknown> };
      expect(Object.keys(specs.kernelspecs)).toContain('tslab');
    } finally {
      await running.stop();
    }
    expect(running.jupyter?.process.exitCode !== null || running.jupyter?.process.signalCode !== null).toBe(true);
  });
});

describe('bin/authlab.js start --no-jupyter', () => {
  it('serves on free ports until Ctrl-C (SIGINT), then stops cleanly with exit code 0', { timeout: 180_000 }, async () => {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'pipe' });
    const child = spawn(process.execPath, ['bin/authlab.js', 'start', '--no-jupyter', '--port', '0', '--tls-port', '0', '--data', join(scratch, 'bin-data')], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const httpUrl = await new Promise<string>((found, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /Lab server +(http:\/\/\S+)/.exec(stdout);
        if (match && stdout.includes('Ctrl-C')) found(match[1] as string);
      });
      child.once('exit', (code) => fail(new Error(`authlab start exited with ${code} before serving:\n${stdout}${stderr}`)));
    });
    const answer = await fetch(`${httpUrl}/.well-known/oauth-authorization-server`);
    expect(answer.status).toBe(200);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('authlab start: stopped');
    expect(await isServed(`${httpUrl}/lab/traces`)).toBe(false);
  });
});

describe('bin/authlab.js start --ui builtin', () => {
  it('serves the built-in app, and Ctrl-C (SIGINT) stops it with its kernels, exit code 0', { timeout: 180_000 }, async () => {
    const child = spawn(process.execPath, ['bin/authlab.js', 'start', '--ui', 'builtin', '--ui-port', '0', '--no-browser', '--port', '0', '--tls-port', '0', '--data', join(scratch, 'bin-builtin')], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const appUrl = await new Promise<string>((found, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /Notebooks +(http:\/\/\S+)\//.exec(stdout);
        if (match && stdout.includes('Ctrl-C')) found(match[1] as string);
      });
      child.once('exit', (code) => fail(new Error(`authlab start exited with ${code} before serving:\n${stdout}${stderr}`)));
    });
    expect(stdout).toContain('(--ui builtin)');
    // Opening a notebook's live channel starts its kernel; wait until it is idle.
    const events = await fetch(`${appUrl}/api/notebooks/00-welcome/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('"status":"idle"')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('"status":"idle"');
    const kernels = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(kernels.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await reader.cancel().catch(() => {});
    for (const pid of kernels) expect(() => process.kill(pid, 0), `kernel ${pid} is still running`).toThrow();
    expect(await isServed(`${appUrl}/`)).toBe(false);
  });
});
