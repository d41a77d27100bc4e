/**
 * A real nginx in front of the lab server, started as the learner's own process (chapters 06 and 10).
 *
 * The configuration is examples/nginx/nginx.conf itself, with its ports, certificate paths and log
 * paths rewritten for a temporary directory: what a notebook runs is the file a reader can copy.
 * nginx terminates mutual TLS and forwards the client certificate in X-Ssl-Cert
 * ($ssl_client_escaped_cert, nginx 1.13.5 or newer); the lab server believes that header only from
 * its --trust-proxy addresses.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/nginx/nginx.conf, found from this module whether it runs as lab-server/dist/nginx.js or lab-server/nginx.ts. */
export const NGINX_EXAMPLE_CONFIGURATION = ['../../examples/nginx/nginx.conf', '../examples/nginx/nginx.conf']
  .map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL('../../examples/nginx/nginx.conf', import.meta.url));

export interface NginxConfigurationOptions {
  /** Where nginx forwards to: the lab server's plain HTTP listener. */
  upstream: { host: string; port: number };
  /** Where nginx listens for mutual TLS (on 127.0.0.1). */
  listenPort: number;
  certificatePath: string;
  keyPath: string;
  /** Directory for the pid file, logs and nginx's temporary files. */
  directory: string;
  /** Add `user root;` (only meaningful, and only accepted quietly, when nginx starts as root). */
  runAsRoot?: boolean;
}

export interface StartNginxOptions {
  /** The lab server's plain HTTP base URL, e.g. http://127.0.0.1:4000. It must trust 127.0.0.1 as a proxy. */
  upstream: string;
  /** The proxy's own server certificate and key (PEM): the lab CA's server certificate will do. */
  certificatePem: string;
  privateKeyPem: string;
  /** The nginx binary; found on PATH (and in /usr/sbin) when absent. */
  binary?: string;
  /** The template; examples/nginx/nginx.conf when absent. */
  template?: string;
}

export interface RunningNginx {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The configuration nginx runs, as written to disk. */
  configuration: string;
  configurationPath: string;
  version: string;
  /** nginx's error log so far (warnings and errors). */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** The nginx binary on this machine, or undefined when nginx is not installed. */
export function findNginx(): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `nginx -v` prints "nginx version: nginx/1.22.1" on stderr. */
export function nginxVersion(binary: string): string {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  const match = /nginx\/(\S+)/.exec(`${result.stderr}${result.stdout}`);
  if (match === null) throw new Error(`${binary} -v did not print a version: ${result.stderr || result.error?.message}`);
  return match[1]!;
}

/** One rewrite of the template; the template must contain the line exactly once, so a drifted example fails loudly. */
function rewriteOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, 'gm'));
  if (matches?.length !== 1) {
    throw new Error(`examples/nginx/nginx.conf changed: expected one line matching ${pattern} (found ${matches?.length ?? 0})`);
  }
  return text.replace(new RegExp(pattern.source, 'm'), replacement);
}

/** The example configuration made runnable in `directory`: same directives, local ports and paths. */
export function nginxConfiguration(template: string, options: NginxConfigurationOptions): string {
  const { directory } = options;
  const temporary = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `    ${name}_temp_path ${join(directory, `${name}_temp`)};`)
    .join('\n');
  let text = template;
  text = rewriteOnce(text, /^worker_processes .*;$/, `daemon off;\n${options.runAsRoot === true ? 'user root;\n' : ''}worker_processes 1;`);
  text = rewriteOnce(text, /^error_log .*;$/, `error_log ${join(directory, 'error.log')} warn;`);
  text = rewriteOnce(text, /^pid .*;$/, `pid ${join(directory, 'nginx.pid')};`);
  text = rewriteOnce(text, /^    access_log .*;$/, `    access_log ${join(directory, 'access.log')};\n${temporary}`);
  text = rewriteOnce(text, /^        server 127\.0\.0\.1:\d+;$/, `        server ${options.upstream.host}:${options.upstream.port};`);
  text = rewriteOnce(text, /^        listen \d+ ssl;$/, `        listen 127.0.0.1:${options.listenPort} ssl;`);
  text = rewriteOnce(text, /^        ssl_certificate .*;$/, `        ssl_certificate     ${options.certificatePath};`);
  text = rewriteOnce(text, /^        ssl_certificate_key .*;$/, `        ssl_certificate_key ${options.keyPath};`);
  return text;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const READY_TIMEOUT_MS = 10_000;

/** Starts nginx with the example configuration in front of `upstream`, on a free port of 127.0.0.1. */
export async function startNginx(options: StartNginxOptions): Promise<RunningNginx> {
  const binary = options.binary ?? findNginx();
  if (binary === undefined) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
  const version = nginxVersion(binary);
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:') throw new TypeError(`upstream must be the lab server's plain HTTP URL, not ${options.upstream}`);
  const template = options.template ?? (await readFile(NGINX_EXAMPLE_CONFIGURATION, 'utf8'));

  const directory = await mkdtemp(join(tmpdir(), 'authlab-nginx-'));
  const runAsRoot = process.getuid?.() === 0;
  const certificatePath = join(directory, 'proxy.pem');
  const keyPath = join(directory, 'proxy.key.pem');
  await writeFile(certificatePath, options.certificatePem);
  await writeFile(keyPath, options.privateKeyPem, { mode: 0o600 });
  for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(join(directory, `${name}_temp`));

  const upstreamPort = Number(upstream.port || 80);
  // A free port can be taken between the probe and nginx's bind: try a few.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const configuration = nginxConfiguration(template, {
      upstream: { host: upstream.hostname, port: upstreamPort }, listenPort: port, certificatePath, keyPath, directory, runAsRoot,
    });
    const configurationPath = join(directory, 'nginx.conf');
    await writeFile(configurationPath, configuration);
    const child = spawn(binary, ['-p', directory, '-c', configurationPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    const errorLog = async () => (existsSync(join(directory, 'error.log')) ? readFile(join(directory, 'error.log'), 'utf8') : '');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!ready && child.exitCode === null && Date.now() < deadline) {
      ready = await accepts(port);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (ready) {
      let stopped: Promise<void> | undefined;
      return {
        url: `https://127.0.0.1:${port}`,
        port,
        configuration,
        configurationPath,
        version,
        errorLog,
        stop() {
          stopped ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited(child);
            clearTimeout(timer);
            await rm(directory, { recursive: true, force: true });
          })();
          return stopped;
        },
      };
    }
    child.kill('SIGKILL');
    await exited(child);
    const why = `${stderr}${await errorLog()}`.trim();
    if (attempt < 3 && /Address already in use/.test(why)) continue;
    await rm(directory, { recursive: true, force: true });
    throw new Error(`nginx did not start (${binary}, nginx/${version}): ${why || 'no output within 10 s'}`);
  }
}
