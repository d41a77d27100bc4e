/**
 * Starting a lab server: the plain HTTP listener (secrets, assertions, and a TLS-terminating proxy in
 * front) and the HTTPS listener that asks for a client certificate (real mutual TLS, RFC 8705 §2).
 * The HTTPS certificate comes from the lab CA, which clients trust with one --cacert.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import { OBS_FOLD_EXPLANATION } from '@client-auth-lab/lib';
import { createLabApp, labContextOf, labRequestListener } from './app.js';
import type { LabServerOptions } from './config.js';
import type { LabContext } from './context.js';
import { recordParserRejection } from './exchange.js';
import { openLabCertificateAuthority, type LabCertificateAuthority } from './lab-ca.js';
import { openServerSigningKey, type ServerSigningKey } from './signing-key.js';
import { openFileStore } from './store/file.js';
import { createMemoryStore } from './store/memory.js';
import { isPostgresUrl, openPostgresStore, redactedDatabaseUrl } from './store/postgres.js';
import type { LabStore } from './store/types.js';

export interface StartLabServerOptions extends LabServerOptions {
  /** Plain HTTP port; 0 picks a free one (default 4000). */
  port?: number;
  /** Mutual-TLS port; 0 picks a free one, false runs no TLS listener (default 4443). */
  tlsPort?: number | false;
  /** Address to bind (default 127.0.0.1; 0.0.0.0 to accept a proxy on another host). */
  host?: string;
  /** Host name used in the URLs (default localhost). */
  publicHost?: string;
  /** Data directory: the store, the lab CA and the keys persist there. Memory only without it. */
  dataDir?: string;
  /**
   * A PostgreSQL database (postgres://…) instead of a data directory: clients, tokens, the replay
   * store, the lab CA, the keys and the traces live there, shared by every process started with the
   * same database and issuer.
   */
  storeUrl?: string;
  /** Clients registered at start (the --clients file's content). */
  clients?: readonly Record<string, unknown>[];
  /** Extra DER trust anchors for tls_client_auth, besides the lab CA. */
  trustAnchors?: readonly Uint8Array[];
}

export interface RunningLabServer {
  /** Base URL of the plain HTTP listener. */
  httpUrl: string;
  /** Base URL of the mutual-TLS listener, if it runs. */
  httpsUrl: string | undefined;
  issuer: string;
  /** The lab CA (PEM): trust it to reach the HTTPS listener; it also anchors tls_client_auth. */
  caCertificatePem: string;
  ca: LabCertificateAuthority;
  app: Express;
  context: LabContext;
  store: LabStore;
  stop(): Promise<void>;
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Keep-alive and event-stream connections would hold close() open: end them.
    server.closeAllConnections();
  });
}

/** The header block of a raw request shows obs-fold: a line starting with a space or tab. */
function hasFoldedHeader(raw: string): boolean {
  const head = raw.split('\r\n\r\n')[0] ?? '';
  return /\r?\n[ \t]+\S/.test(head);
}

/**
 * Requests Node's parser refuses never reach express; answer them with a JSON error and a trace,
 * explaining obs-fold when that is the cause (RFC 7230 §3.2.4, RFC 9112 §5.2).
 */
function handleClientErrors(server: http.Server | https.Server, getContext: () => LabContext | undefined, listener: 'http' | 'https'): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const raw = error.rawPacket?.toString('latin1') ?? '';
    const folded = hasFoldedHeader(raw);
    // RFC 6585 §5: headers over Node's limit (16 KiB) get 431, with the limit named.
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = folded
      ? { error: 'invalid_request', error_description: `a request header is folded over several lines: ${OBS_FOLD_EXPLANATION}` }
      : tooLarge
        ? { error: 'invalid_request', error_description: 'the request headers are larger than the 16 KiB this server reads (RFC 6585 §5)' }
        : { error: 'invalid_request', error_description: `the HTTP request could not be parsed (${error.code ?? 'parse error'}: ${error.message})` };
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' };
    const ctx = getContext();
    if (ctx !== undefined) {
      headers['X-Lab-Trace-Id'] = recordParserRejection(ctx, {
        listener,
        remoteAddress: socket.remoteAddress ?? '',
        check: folded
          ? { name: 'header syntax', passed: false, detail: body.error_description, spec: 'RFC 7230 §3.2.4; RFC 9112 §5.2' }
          : { name: 'HTTP syntax', passed: false, detail: body.error_description, spec: 'RFC 9112' },
        code: folded ? 'ERR_PROXY_HEADER_FOLDED' : tooLarge ? 'ERR_HEADERS_TOO_LARGE' : 'ERR_HTTP_PARSE',
        status,
        body,
        headers,
      });
    }
    const text = JSON.stringify(body);
    const head = Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(text)) }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n${head}\r\n\r\n${text}`);
  });
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function hostsFor(publicHost: string): string[] {
  return [...new Set([publicHost, 'localhost', '127.0.0.1', '::1'])];
}

export async function startLabServer(options: StartLabServerOptions = {}): Promise<RunningLabServer> {
  const host = options.host ?? '127.0.0.1';
  const publicHost = options.publicHost ?? 'localhost';
  const log = options.log ?? ((message: string) => console.error(message));
  if (options.storeUrl !== undefined && options.dataDir !== undefined) throw new TypeError('give a data directory or a PostgreSQL store, not both');
  if (options.storeUrl !== undefined && !isPostgresUrl(options.storeUrl)) throw new TypeError(`the store must be a postgres:// or postgresql:// URL, not '${redactedDatabaseUrl(options.storeUrl)}'`);
  const postgres = options.storeUrl === undefined ? undefined : await openPostgresStore(options.storeUrl, { log });
  const store: LabStore = postgres
    ?? (options.dataDir === undefined ? createMemoryStore() : await openFileStore(options.dataDir, (error) => log(`lab-server: store write failed: ${error.message}`)));
  let ca: LabCertificateAuthority;
  let signingKey: ServerSigningKey;
  try {
    ca = await openLabCertificateAuthority(options.dataDir, postgres?.shared);
    signingKey = await openServerSigningKey(options.dataDir, postgres?.shared);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }

  let ctx: LabContext | undefined;
  const httpServer = http.createServer();
  handleClientErrors(httpServer, () => ctx, 'http');
  let httpsServer: https.Server | undefined;
  try {
    const httpPort = await listen(httpServer, options.port ?? 4000, host);
    let httpsPort: number | undefined;
    if (options.tlsPort !== false) {
      const certificate = await ca.serverCertificate(hostsFor(publicHost));
      httpsServer = https.createServer({
        key: certificate.privateKeyPem,
        cert: certificate.certificatePem,
        // Ask for a certificate but let the handshake finish without one or with an unknown one:
        // whether it authenticates the client is decided by client authentication (RFC 8705 §2).
        requestCert: true,
        rejectUnauthorized: false,
        ca: [ca.certificatePem],
      });
      handleClientErrors(httpsServer, () => ctx, 'https');
      httpsPort = await listen(httpsServer, options.tlsPort ?? 4443, host);
    }
    const urlHost = publicHost.includes(':') ? `[${publicHost}]` : publicHost;
    const httpUrl = `http://${urlHost}:${httpPort}`;
    const httpsUrl = httpsPort === undefined ? undefined : `https://${urlHost}:${httpsPort}`;
    const app = createLabApp({
      ...options,
      // A room shares the server when it needs an initial access token or listens beyond loopback.
      shared: options.shared ?? (options.registrationToken !== undefined || !isLoopbackHost(host)),
      httpBaseUrl: httpUrl,
      ...(httpsUrl === undefined ? {} : { httpsBaseUrl: httpsUrl }),
      store,
      log,
      trustAnchors: [ca.certificateDer, ...(options.trustAnchors ?? [])],
      jwks: { keys: [signingKey.publicJwk] },
      caCertificatePem: ca.certificatePem,
    });
    ctx = labContextOf(app);
    if (postgres !== undefined) {
      await postgres.claimIssuer(ctx.config.issuer);
      await postgres.attachTraces(ctx.traces);
    }
    await store.commit();
    const listener = labRequestListener(app);
    httpServer.on('request', listener);
    httpsServer?.on('request', listener);
    const context = ctx;
    const sweeper = setInterval(() => context.store.sweep(Math.floor(context.config.now() / 1000)), 60_000);
    sweeper.unref();
    let stopped: Promise<void> | undefined;
    return {
      httpUrl,
      httpsUrl,
      issuer: context.config.issuer,
      caCertificatePem: ca.certificatePem,
      ca,
      app,
      context,
      store,
      stop() {
        stopped ??= (async () => {
          clearInterval(sweeper);
          await Promise.all([close(httpServer), ...(httpsServer === undefined ? [] : [close(httpsServer)])]);
          await store.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await close(httpServer);
    if (httpsServer !== undefined) await close(httpsServer);
    await store.close();
    throw error;
  }
}
