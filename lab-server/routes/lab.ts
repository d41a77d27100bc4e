/**
 * The lab's own endpoints, for notebooks and the trace viewer: traces as JSON (newest first,
 * filterable by client_id), one trace by id, a server-sent-events stream of new traces, the lab
 * user, and approving pending device or CIBA requests. These are not traced themselves.
 *
 * GET /lab is the trace viewer: viewer/index.html with viewer.js and viewer.css, trace-summary.js (the
 * compiled module that the server's renderer uses too), mermaid from its npm package, and each trace's
 * detail as HTML from renderTraceHtml at /lab/traces/:id/html.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import type { LabContext } from '../context.js';
import { mediaTypeOf, readJsonObject } from '../form.js';
import { renderTraceHtml } from '../trace-render.js';
import type { Trace } from '../traces.js';
import { mayRead, traceAccessRefusal, traceViewerOf, type TraceViewer } from '../trace-access.js';
import { normalizeUserCode } from './device.js';

function json(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

function problem(res: Response, status: number, error: string, description: string): void {
  json(res, status, { error, error_description: description });
}

async function body(req: Request, res: Response, ctx: LabContext): Promise<Record<string, unknown> | undefined> {
  try {
    if (mediaTypeOf(req.headers['content-type']).type !== 'application/json') throw new Error('send application/json');
    return await readJsonObject(req, ctx.config.maxBodyBytes);
  } catch (error) {
    problem(res, 400, 'invalid_request', (error as Error).message);
    return undefined;
  }
}

/** The first of these files (relative to this module) that exists: sources and dist differ in depth. */
function firstExisting(...candidates: string[]): string | undefined {
  return candidates.map((c) => fileURLToPath(new URL(c, import.meta.url))).find((path) => existsSync(path));
}

function mermaidFile(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
  } catch {
    return undefined;
  }
}

/** The viewer runs only its own scripts; trace values are escaped, and this is the second line of defence. */
const VIEWER_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
  + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function viewerRoutes(router: Router): void {
  const viewerDir = firstExisting('../viewer/', '../../viewer/');
  // dist/routes/lab.js finds dist/trace-summary.js; routes/lab.ts (tests) finds the compiled one in dist/.
  const summaryModule = firstExisting('../trace-summary.js', '../dist/trace-summary.js');
  const mermaid = mermaidFile();
  const send = (res: Response, file: string | undefined, type: string, cache: string, missing: string): void => {
    if (file === undefined) return problem(res, 404, 'not_found', missing);
    res.sendFile(file, { headers: { 'Content-Type': type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': VIEWER_CSP } });
  };
  const asset = (name: string): string | undefined => (viewerDir === undefined ? undefined : `${viewerDir}${name}`);
  router.get('/', (_req, res) => send(res, asset('index.html'), 'text/html; charset=utf-8', 'no-cache', 'the trace viewer files (lab-server/viewer) are missing'));
  router.get('/viewer.js', (_req, res) => send(res, asset('viewer.js'), 'text/javascript; charset=utf-8', 'no-cache', 'lab-server/viewer/viewer.js is missing'));
  router.get('/viewer.css', (_req, res) => send(res, asset('viewer.css'), 'text/css; charset=utf-8', 'no-cache', 'lab-server/viewer/viewer.css is missing'));
  router.get('/trace-summary.js', (_req, res) => send(res, summaryModule, 'text/javascript; charset=utf-8', 'no-cache',
    'lab-server/dist/trace-summary.js is missing: compile with npx tsc -b'));
  router.get('/mermaid.min.js', (_req, res) => send(res, mermaid, 'text/javascript; charset=utf-8', 'public, max-age=86400',
    'mermaid is not installed: run npm install'));
}

export function labRouter(ctx: LabContext): Router {
  const router = createRouter();
  viewerRoutes(router);

  /** Resolves who is asking, or answers 401 and returns undefined (RFC 6750 §3.1). */
  const viewerOf = (req: Request, res: Response): TraceViewer | undefined => {
    const viewer = traceViewerOf(req, ctx);
    if (viewer === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="client-auth-lab traces"');
      problem(res, 401, 'invalid_token', traceAccessRefusal(ctx));
    }
    return viewer;
  };

  router.get('/traces', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    const url = new URL(req.originalUrl, 'http://lab');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const filter: { clientId?: string; endpoint?: string; limit: number } = { limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, ctx.traces.capacity) : 100 };
    const clientId = viewer.all ? url.searchParams.get('client_id') : viewer.clientId;
    const endpoint = url.searchParams.get('endpoint');
    if (clientId !== null) filter.clientId = clientId;
    if (endpoint !== null) filter.endpoint = endpoint;
    json(res, 200, { traces: ctx.traces.list(filter) });
  });

  router.delete('/traces', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    if (!viewer.all) return problem(res, 403, 'insufficient_scope', 'only the instructor may clear the traces of the whole room');
    ctx.traces.clear();
    res.status(204).end();
  });

  router.get('/traces/stream', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': client-auth-lab trace stream\n\n');
    const send = (trace: Trace): void => {
      if (mayRead(viewer, trace.clientId)) res.write(`id: ${trace.id}\nevent: trace\ndata: ${JSON.stringify(trace)}\n\n`);
    };
    const unsubscribe = ctx.traces.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  /** The trace `id` if this viewer may read it; otherwise answers 404 (another client's trace is not revealed). */
  const readableTrace = (req: Request, res: Response): Trace | undefined => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return undefined;
    const trace = ctx.traces.get(String(req.params.id));
    if (trace === undefined || !mayRead(viewer, trace.clientId)) {
      problem(res, 404, 'not_found', `no trace '${String(req.params.id)}' (traces are kept in memory, newest ${ctx.traces.capacity})`);
      return undefined;
    }
    return trace;
  };

  router.get('/traces/:id/html', (req, res) => {
    const trace = readableTrace(req, res);
    if (trace === undefined) return;
    res.status(200).setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.end(renderTraceHtml(trace, { form: 'full' }));
  });

  router.get('/traces/:id', (req, res) => {
    const trace = readableTrace(req, res);
    if (trace !== undefined) json(res, 200, trace);
  });

  router.get('/user', (_req, res) => json(res, 200, { user: ctx.state.currentUser, users: ctx.config.users }));

  router.put('/user', async (req, res) => {
    const input = await body(req, res, ctx);
    if (input === undefined) return;
    const user = ctx.config.users.find((u) => u.sub === input.user);
    if (user === undefined) {
      problem(res, 400, 'invalid_request', `'${String(input.user)}' is not a lab user (${ctx.config.users.map((u) => u.sub).join(', ')})`);
      return;
    }
    ctx.state.currentUser = user.sub;
    json(res, 200, { user: user.sub });
  });

  /** Decides a pending device (user_code) or CIBA (auth_req_id) request. */
  router.post('/approve', async (req, res) => {
    const input = await body(req, res, ctx);
    if (input === undefined) return;
    const status = input.decision === 'deny' ? 'denied' : 'approved';
    const sub = typeof input.user === 'string' ? input.user : ctx.state.currentUser;
    if (typeof input.auth_req_id === 'string') {
      const found = ctx.store.cibaRequests.get(input.auth_req_id);
      if (found === undefined) return problem(res, 404, 'not_found', 'no such auth_req_id');
      ctx.store.cibaRequests.set(found.auth_req_id, { ...found, status });
      return json(res, 200, { auth_req_id: found.auth_req_id, status });
    }
    if (typeof input.user_code === 'string') {
      const wanted = normalizeUserCode(input.user_code);
      const found = [...ctx.store.deviceCodes.values()].find((d) => normalizeUserCode(d.user_code) === wanted);
      if (found === undefined) return problem(res, 404, 'not_found', 'no such user_code');
      ctx.store.deviceCodes.set(found.device_code, { ...found, status, sub });
      return json(res, 200, { user_code: found.user_code, status, user: sub });
    }
    return problem(res, 400, 'invalid_request', 'send {"user_code": …} or {"auth_req_id": …}, and optionally "decision": "deny"');
  });

  router.get('/ca.pem', (_req, res) => {
    if (ctx.caCertificatePem === undefined) return problem(res, 404, 'not_found', 'this server runs without a lab CA');
    res.status(200).setHeader('Content-Type', 'application/x-pem-file');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(ctx.caCertificatePem);
  });

  router.get('/clients', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    const clients = [...ctx.store.clients.values()]
      .filter((client) => mayRead(viewer, client.client_id))
      .map(({ client_secret: _s, registration_access_token_sha256: _t, ...rest }) => rest);
    json(res, 200, { clients });
  });

  return router;
}
