/**
 * The express application factory. It never listens: startLabServer (listen.ts), the CLI, tests and
 * notebooks attach it to whatever server they start. Routes are plain handlers, each wrapped so that
 * its request is traced; there is no body-parser middleware (form.ts reads bodies on demand).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { validateClientMetadata, OAuthError } from '@client-auth-lab/lib';
import { resolveConfig, type LabServerOptions } from './config.js';
import { createLabContext, PATHS, type LabContext } from './context.js';
import { errorResponseHeaders } from './errors.js';
import { CONFIGURATION_ENDPOINTS, traced, type ExchangeHandler, type LabRequest, type TracedHandler } from './exchange.js';
import { authorizationEndpoint } from './routes/authorization.js';
import { backchannelAuthenticationEndpoint } from './routes/backchannel.js';
import { deviceAuthorizationEndpoint, deviceVerificationEndpoint } from './routes/device.js';
import { discoveryEndpoint, jwksEndpoint } from './routes/discovery.js';
import { introspectionEndpoint } from './routes/introspection.js';
import { labRouter } from './routes/lab.js';
import { deleteClientConfiguration, newClient, readClientConfiguration, registrationEndpoint, updateClientConfiguration } from './routes/registration.js';
import { resourceEndpoint } from './routes/resource.js';
import { revocationEndpoint } from './routes/revocation.js';
import { tokenEndpoint } from './routes/token.js';
import { createMemoryStore } from './store/memory.js';
import type { LabStore, StoredClient } from './store/types.js';
import { StoreUnavailableError } from './store/unavailable.js';
import { TraceBuffer } from './traces.js';

export interface LabAppOptions extends LabServerOptions {
  /** Base URL of the plain HTTP listener, e.g. http://localhost:4000. */
  httpBaseUrl: string;
  /** Base URL of the mutual-TLS listener, if one runs (RFC 8705 §5 aliases point there). */
  httpsBaseUrl?: string;
  store?: LabStore;
  traces?: TraceBuffer;
  /** DER certificates trusted for tls_client_auth (RFC 8705 §2.1), the lab CA among them. */
  trustAnchors?: readonly Uint8Array[];
  /** The server's public signing keys, published at /jwks. */
  jwks?: { keys: Record<string, unknown>[] };
  /** The lab CA certificate, served at /lab/ca.pem. */
  caCertificatePem?: string;
  /** Clients to register at start (client metadata, optionally with client_id and client_secret). */
  clients?: readonly Record<string, unknown>[];
}

const CONTEXT = Symbol.for('client-auth-lab.context');
const FIXED_ROUTES = Symbol.for('client-auth-lab.fixed-routes');

/** The traced handler of each fixed path (no parameters), by exact URL and then by method. */
type FixedRoutes = Map<string, Map<string, TracedHandler>>;

/** The shared state behind an app made by createLabApp. */
export function labContextOf(app: Express): LabContext {
  const ctx = (app.locals as Record<symbol, LabContext | undefined>)[CONTEXT];
  if (ctx === undefined) throw new TypeError('this express app was not made by createLabApp');
  return ctx;
}

/**
 * Registers clients given as data (the --clients file). Each is validated like a registration; a
 * client_id and client_secret may be given so that notebooks can use fixed credentials.
 */
export function preloadClients(ctx: LabContext, clients: readonly Record<string, unknown>[]): StoredClient[] {
  return clients.map((input, i) => {
    const { client_id: clientId, client_secret: secret, ...metadata } = input;
    if (clientId !== undefined && (typeof clientId !== 'string' || clientId === '')) throw new TypeError(`client ${i + 1}: client_id must be a non-empty string`);
    if (secret !== undefined && typeof secret !== 'string') throw new TypeError(`client ${i + 1}: client_secret must be a string`);
    let validated;
    try {
      validated = validateClientMetadata(metadata, ctx.config.profile === undefined ? {} : { profile: ctx.config.profile });
    } catch (error) {
      const reason = error instanceof OAuthError ? `${error.error}: ${error.message}` : (error as Error).message;
      throw new TypeError(`client ${i + 1}${clientId === undefined ? '' : ` ('${String(clientId)}')`}: ${reason}`);
    }
    const client = newClient(validated, Math.floor(ctx.config.now() / 1000), clientId as string | undefined, secret as string | undefined);
    ctx.store.clients.set(client.client_id, client);
    return client;
  });
}

function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: 'not_found', error_description: `no endpoint at ${req.method} ${req.path}; see ${PATHS.metadata}` }));
  };
}

/** Last resort for an error no handler answered: logged, and the client still gets JSON. */
function answerUnhandled(log: (message: string) => void, res: ServerResponse, error: unknown): void {
  if (error instanceof StoreUnavailableError && !res.headersSent) {
    // A lab route reading the shared store while the database went away: 503, as everywhere else.
    const text = JSON.stringify(error.toResponseBody());
    res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', ...errorResponseHeaders(error), 'Content-Length': String(Buffer.byteLength(text)) });
    return void res.end(text);
  }
  log(`lab-server: unhandled error: ${(error as Error)?.stack ?? String(error)}`);
  if (res.headersSent) return void res.end();
  const text = JSON.stringify({ error: 'invalid_request', error_description: 'the request could not be processed' });
  res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/**
 * Runs refresh() before the request is routed; while the database is down the request is answered
 * 503 with Retry-After (and traced), and the next request tries again.
 */
function catchUpWithOtherProcesses(ctx: LabContext, configurationPaths: ReadonlySet<string>): RequestHandler {
  const answerUnavailable = (error: unknown) => traced(ctx, 'store', (x) => {
    x.fail(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(String((error as Error)?.message ?? error)));
  });
  return (req, res, next) => {
    // Nothing the other processes changed goes into an answer made of configuration alone.
    if (req.method === 'GET' && configurationPaths.has(req.path)) return next();
    (ctx.store.refresh as () => Promise<void>).call(ctx.store)
      .then(() => next(), (error: unknown) => answerUnavailable(error)(req, res))
      .catch((error: unknown) => answerUnhandled(ctx.config.log, res, error));
  };
}

/**
 * The listener to give a Node HTTP(S) server. A request whose URL is exactly one of the fixed paths,
 * with a method that path serves, goes straight to the traced handler express's router would pick for
 * it; everything else (a query, a trailing slash, another method, a path parameter, /lab) goes through
 * express. The bypass exists only because `npm run bench` measures express's per-request work as more
 * than 15 % of the token endpoint's cost; a store shared by several processes needs the catch-up
 * middleware on every request, so there express takes every request.
 */
export function labRequestListener(app: Express): (req: IncomingMessage, res: ServerResponse) => void {
  const ctx = labContextOf(app);
  const fixed = (app.locals as Record<symbol, FixedRoutes | undefined>)[FIXED_ROUTES];
  if (fixed === undefined || ctx.store.refresh !== undefined) return app;
  const log = ctx.config.log;
  return (req, res) => {
    const handler = fixed.get(req.url as string)?.get(req.method as string);
    if (handler === undefined) return void app(req, res);
    handler(req as LabRequest, res).catch((error: unknown) => answerUnhandled(log, res, error));
  };
}

export function createLabApp(options: LabAppOptions): Express {
  const config = resolveConfig(options, options);
  const store = options.store ?? createMemoryStore();
  const traces = options.traces ?? new TraceBuffer({ anonymous: config.traceCapacity, perClient: config.tracesPerClient, maxBytes: config.traceMemoryBytes });
  const ctx = createLabContext(config, store, traces, options.trustAnchors ?? [], options.jwks ?? { keys: [] }, options.caCertificatePem);
  if (options.clients !== undefined) preloadClients(ctx, options.clients);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  (app.locals as Record<symbol, LabContext>)[CONTEXT] = ctx;
  const fixed: FixedRoutes = new Map();
  (app.locals as Record<symbol, FixedRoutes>)[FIXED_ROUTES] = fixed;
  /** The paths of CONFIGURATION_ENDPOINTS, filled in by route(), and the lab CA. */
  const configurationPaths = new Set<string>(['/lab/ca.pem']);

  /** One path, its handlers by method, and 405 with Allow for any other method. */
  const route = (path: string, endpoint: string, handlers: Partial<Record<'get' | 'post' | 'put' | 'delete', ExchangeHandler>>): void => {
    const allowed = Object.keys(handlers).map((m) => m.toUpperCase());
    if (CONFIGURATION_ENDPOINTS.has(endpoint)) configurationPaths.add(path);
    for (const [method, handler] of Object.entries(handlers)) {
      const wrapped = traced(ctx, endpoint, handler);
      app[method as 'get'](path, wrapped);
      if (!path.includes(':')) fixed.set(path, (fixed.get(path) ?? new Map<string, TracedHandler>()).set(method.toUpperCase(), wrapped));
    }
    app.all(path, traced(ctx, endpoint, (x) => {
      x.send(405, { error: 'invalid_request', error_description: `${x.req.method} is not allowed here; use ${allowed.join(' or ')}` }, { Allow: allowed.join(', '), 'Cache-Control': 'no-store' });
    }));
  };

  // A store shared by several processes: every request first catches up with what the others changed.
  if (store.refresh !== undefined) app.use(catchUpWithOtherProcesses(ctx, configurationPaths));
  route(PATHS.metadata, 'discovery', { get: discoveryEndpoint });
  route(PATHS.openidConfiguration, 'discovery', { get: discoveryEndpoint });
  route(PATHS.jwks, 'jwks', { get: jwksEndpoint });
  route(PATHS.registration, 'register', { post: registrationEndpoint });
  route(`${PATHS.registration}/:client_id`, 'client_configuration', {
    get: readClientConfiguration, put: updateClientConfiguration, delete: deleteClientConfiguration,
  });
  route(PATHS.authorization, 'authorize', { get: authorizationEndpoint });
  route(PATHS.token, 'token', { post: tokenEndpoint });
  route(PATHS.revocation, 'revoke', { post: revocationEndpoint });
  route(PATHS.introspection, 'introspect', { post: introspectionEndpoint });
  route(PATHS.deviceAuthorization, 'device_authorization', { post: deviceAuthorizationEndpoint });
  route(PATHS.deviceVerification, 'device_verification', { get: deviceVerificationEndpoint });
  route(PATHS.backchannelAuthentication, 'backchannel_authentication', { post: backchannelAuthenticationEndpoint });
  route(PATHS.resource, 'resource', { get: resourceEndpoint, post: resourceEndpoint });
  app.use('/lab', labRouter(ctx));
  app.use(notFound());
  // Last resort: nothing reaches here from the traced routes, but a bug elsewhere still gets JSON.
  app.use(((error, _req, res, _next) => answerUnhandled(config.log, res, error)) as express.ErrorRequestHandler);
  return app;
}
