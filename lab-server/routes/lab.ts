/**
 * The lab's own endpoints, for notebooks and the trace viewer: traces as JSON (newest first,
 * filterable by client_id), one trace by id, a server-sent-events stream of new traces, the lab
 * user, and approving pending device or CIBA requests. These are not traced themselves.
 */
import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import type { LabContext } from '../context.js';
import { mediaTypeOf, readJsonObject } from '../form.js';
import type { Trace } from '../traces.js';
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

export function labRouter(ctx: LabContext): Router {
  const router = createRouter();

  router.get('/traces', (req, res) => {
    const url = new URL(req.originalUrl, 'http://lab');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const filter: { clientId?: string; endpoint?: string; limit: number } = { limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, ctx.traces.capacity) : 100 };
    const clientId = url.searchParams.get('client_id');
    const endpoint = url.searchParams.get('endpoint');
    if (clientId !== null) filter.clientId = clientId;
    if (endpoint !== null) filter.endpoint = endpoint;
    json(res, 200, { traces: ctx.traces.list(filter) });
  });

  router.delete('/traces', (_req, res) => {
    ctx.traces.clear();
    res.status(204).end();
  });

  router.get('/traces/stream', (req, res) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': client-auth-lab trace stream\n\n');
    const send = (trace: Trace): void => {
      res.write(`id: ${trace.id}\nevent: trace\ndata: ${JSON.stringify(trace)}\n\n`);
    };
    const unsubscribe = ctx.traces.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  router.get('/traces/:id', (req, res) => {
    const trace = ctx.traces.get(String(req.params.id));
    if (trace === undefined) problem(res, 404, 'not_found', `no trace '${String(req.params.id)}' (traces are kept in memory, newest ${ctx.traces.capacity})`);
    else json(res, 200, trace);
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

  router.get('/clients', (_req, res) => {
    const clients = [...ctx.store.clients.values()].map(({ client_secret: _s, registration_access_token_sha256: _t, ...rest }) => rest);
    json(res, 200, { clients });
  });

  return router;
}
