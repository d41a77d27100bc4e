/**
 * The lab's own endpoints, for notebooks and the trace viewer: traces as JSON (newest first,
 * filterable by client_id), one trace by id, a server-sent-events stream of new traces, the lab
 * user, and approving pending device or CIBA requests. These are not traced themselves.
 *
 * GET /lab is the trace viewer: viewer/index.html with viewer.js and viewer.css, trace-summary.js (the
 * compiled module that the server's renderer uses too), mermaid from its npm package, and each trace's
 * detail as HTML from renderTraceHtml at /lab/traces/:id/html.
 *
 * GET /lab/replay lists the replay store's recorded (iss, jti) pairs with the time each expires.
 *
 * GET /lab/class is the instructor's view of the room (ClassroomTally). A trace, or a client's whole
 * session, can be exported as a redacted JSON file (TRACE_EXPORT_FORMAT) that the viewer opens again
 * (POST /lab/render draws a trace from such a file without the server holding it).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import type { LabContext } from '../context.js';
import { mediaTypeOf, readJsonObject } from '../form.js';
import { ClassroomTally } from '../classroom.js';
import { isLabLanguage, type LabLanguage } from '../trace-labels.js';
import { renderTraceHtml } from '../trace-render.js';
import { maskParameters, maskPrivateKeys, type Trace } from '../traces.js';
import { mayRead, traceAccessRefusal, traceViewerOf, type TraceViewer } from '../trace-access.js';
import { isSingleUseIssuer } from '../grants/single-use.js';
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

/** The format of an exported trace file. */
export const TRACE_EXPORT_FORMAT = 'client-auth-lab/traces';

/** A trace as it may leave the server: masked as when recorded, and private keys masked at any depth. */
function redactedTrace(trace: Trace): Trace {
  const copy = maskPrivateKeys(trace) as Trace;
  if (copy.request.form !== undefined) copy.request.form = maskParameters(copy.request.form);
  if (copy.request.query !== undefined) copy.request.query = maskParameters(copy.request.query);
  return copy;
}

function exportFile(res: Response, ctx: LabContext, name: string, traces: readonly Trace[], clientId?: string): void {
  const body = {
    format: TRACE_EXPORT_FORMAT,
    version: 1,
    exported_at: new Date(ctx.config.now()).toISOString(),
    issuer: ctx.config.issuer,
    ...(clientId === undefined ? {} : { client_id: clientId }),
    traces: traces.map(redactedTrace),
  };
  res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`);
  json(res, 200, body);
}

/** Whether a value has the fields the renderer reads (a trace from a file is untrusted input). */
function isTraceShape(value: unknown): value is Trace {
  const t = value as Partial<Record<keyof Trace, unknown>> | null;
  const object = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  return object(t) && typeof t?.id === 'string' && typeof t.endpoint === 'string' && typeof t.time === 'string'
    && object(t.outcome) && object(t.request) && object(t.response) && Array.isArray(t.checks) && Array.isArray(t.notes)
    && object((t.request as Record<string, unknown>).headers) && typeof (t.response as Record<string, unknown>).status === 'number'
    && (t.checks as unknown[]).every((c) => object(c) && typeof (c as Record<string, unknown>).name === 'string');
}

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
  const tally = new ClassroomTally(ctx.traces);

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
    tally.clear();
    res.status(204).end();
  });

  router.get('/class', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    if (!viewer.all) return problem(res, 403, 'insufficient_scope', 'the class view is for the instructor: send the instructor token');
    json(res, 200, tally.view(ctx.store));
  });

  /** A client's whole session: a student their own; the instructor any client's (or every trace without client_id). */
  router.get('/export', (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    const asked = new URL(req.originalUrl, 'http://lab').searchParams.get('client_id');
    const clientId = viewer.all ? (asked ?? undefined) : viewer.clientId;
    const traces = ctx.traces.list(clientId === undefined ? {} : { clientId }).reverse();
    exportFile(res, ctx, `traces-${clientId ?? 'all'}`, traces, clientId);
  });

  /**
   * The language of a drawn trace's fixed words: ?lang=en|ja, else the browser's (Accept-Language,
   * which the viewer's fetch carries), else English. What the server found stays in English.
   */
  const traceLanguage = (req: Request, res: Response): LabLanguage => {
    res.setHeader('Vary', 'Accept-Language');
    if (isLabLanguage(req.query.lang)) return req.query.lang;
    return req.acceptsLanguages('en', 'ja') === 'ja' ? 'ja' : 'en';
  };

  /** Draws a trace sent by the viewer (from an exported file) as renderTraceHtml does for a kept one. */
  router.post('/render', async (req, res) => {
    const input = await body(req, res, ctx);
    if (input === undefined) return;
    const trace = input.trace;
    if (!isTraceShape(trace)) return problem(res, 400, 'invalid_request', 'send {"trace": …} with a trace from an exported file (id, time, endpoint, outcome, request, checks, notes, response)');
    let html: string;
    try {
      html = renderTraceHtml(redactedTrace(trace), { language: traceLanguage(req, res) });
    } catch (error) {
      return problem(res, 400, 'invalid_request', `this trace could not be drawn: ${(error as Error).message}`);
    }
    res.status(200).setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.end(html);
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
      problem(res, 404, 'not_found', `no trace '${String(req.params.id)}' (traces are kept in memory, the newest ${ctx.traces.perClient} of each client)`);
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
    res.end(renderTraceHtml(trace, { form: 'full', language: traceLanguage(req, res) }));
  });

  router.get('/traces/:id/export', (req, res) => {
    const trace = readableTrace(req, res);
    if (trace !== undefined) exportFile(res, ctx, `trace-${trace.id}`, [trace], trace.clientId);
  });

  router.get('/traces/:id', (req, res) => {
    const trace = readableTrace(req, res);
    if (trace !== undefined) json(res, 200, trace);
  });

  router.get('/user', (_req, res) => json(res, 200, { user: ctx.state.currentUser, users: ctx.config.users }));

  router.put('/user', async (req, res) => {
    // The current user is the room's: on a shared server only the instructor changes it; a student
    // names a user per request instead (login_hint, ?user= on the device page, "user" at /lab/approve).
    if (ctx.config.shared && ctx.config.traceAccess !== 'all') {
      const viewer = viewerOf(req, res);
      if (viewer === undefined) return;
      if (!viewer.all) return problem(res, 403, 'insufficient_scope', "the current lab user is the whole room's: only the instructor may change it; name a user per request (login_hint) instead");
    }
    const input = await body(req, res, ctx);
    if (input === undefined) return;
    const user = ctx.config.users.find((u) => u.sub === input.user);
    if (user === undefined) {
      problem(res, 400, 'invalid_request', `'${String(input.user)}' is not a lab user (${ctx.config.users.map((u) => u.sub).join(', ')})`);
      return;
    }
    ctx.state.currentUser = user.sub;
    // On a store shared by several processes, answered once every process can see it.
    await ctx.store.commit();
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

  /**
   * The replay store's live (iss, jti) pairs, soonest expiry first, on the lab clock: a pair may not
   * be used again before expires_at (RFC 7523 §3 (7), OIDC Core §9). A student sees the pairs whose
   * iss is their own client_id, like their traces; the instructor sees every pair.
   */
  router.get('/replay', async (req, res) => {
    const viewer = viewerOf(req, res);
    if (viewer === undefined) return;
    const nowMs = ctx.config.now();
    const entries = (await ctx.store.replay.list(nowMs))
      // One-time credentials claimed by the grants are the server's bookkeeping, not assertion jti values.
      .filter((entry) => !isSingleUseIssuer(entry.iss) && mayRead(viewer, entry.iss))
      .map((entry) => ({
        iss: entry.iss,
        jti: entry.jti,
        expires_at: new Date(entry.expiresAt).toISOString(),
        expires_in: Math.ceil((entry.expiresAt - nowMs) / 1000),
      }));
    json(res, 200, { now: new Date(nowMs).toISOString(), entries });
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
