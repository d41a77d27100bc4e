/**
 * Who may read traces. In a workshop the room shares one server, so `--traces self` lets each student
 * see only their own client's traces, proven with the registration access token the server gave them
 * (RFC 7592 §3), while the instructor token sees everything; `--traces off` hides them from all but the
 * instructor. The default, `all`, suits a learner alone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LabContext } from './context.js';

export type TraceAccessMode = 'all' | 'self' | 'off';

export const TRACE_ACCESS_MODES: readonly TraceAccessMode[] = ['all', 'self', 'off'];

/** Everything, or one client's traces only. */
export type TraceViewer = { all: true } | { all: false; clientId: string };

/** The bearer token of a request: the Authorization header (RFC 6750 §2.1) or, for the browser's EventSource, `access_token` in the query (§2.3). */
export function bearerTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  const query = new URL(req.url ?? '/', 'http://lab').searchParams.get('access_token');
  return query === null || query === '' ? undefined : query;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The viewer a request may act as, or undefined when it may not read traces at all. */
export function traceViewerOf(req: IncomingMessage, ctx: LabContext): TraceViewer | undefined {
  const token = bearerTokenOf(req);
  const instructor = ctx.config.instructorToken;
  if (token !== undefined && instructor !== undefined && timingSafeEqual(digest(token), digest(instructor))) return { all: true };
  if (ctx.config.traceAccess === 'all') return { all: true };
  if (ctx.config.traceAccess === 'off' || token === undefined) return undefined;
  const hashed = digest(token).toString('base64url');
  for (const client of ctx.store.clients.values()) {
    if (client.registration_access_token_sha256 === hashed) return { all: false, clientId: client.client_id };
  }
  return undefined;
}

export function mayRead(viewer: TraceViewer, clientId: string | undefined): boolean {
  return viewer.all || viewer.clientId === clientId;
}

/** Why a request was refused, in words a student can act on. */
export function traceAccessRefusal(ctx: LabContext): string {
  return ctx.config.traceAccess === 'off'
    ? 'traces are switched off on this server (--traces off); only the instructor token may read them'
    : "traces are private on this server (--traces self): send your client's registration_access_token as a Bearer token (or ?access_token= in the viewer URL) to see your own traces";
}
