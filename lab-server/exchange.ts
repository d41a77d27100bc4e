/**
 * One request and its trace. A route handler receives an Exchange: it reads the body through it (so
 * the trace shows the parsed form), adds checks to its CheckLog, and answers through it (so the trace
 * shows the response). Any error thrown from the handler is answered per RFC 6749 §5.2 and traced.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CheckLog, decodeCompactJwt, OAuthError, type Check } from '@client-auth-lab/lib';
import { clockShiftNote } from './clock.js';
import { presentedCertificate, isTlsRequest, type PresentedCertificate } from './client-certificate.js';
import type { LabContext } from './context.js';
import { asOAuthError, errorResponseHeaders, NO_STORE_HEADERS } from './errors.js';
import { readForm, readJsonObject, queryParameters, type FormParameters } from './form.js';
import { StoreUnavailableError } from './store/unavailable.js';
import { maskParameters, newTraceId, traceHeaders, type Trace, type TraceRequest } from './traces.js';

/**
 * A request as the handlers see it: Node's own, which express extends. Handlers use only what Node
 * provides (so a fixed path can be answered without express's router), plus the route parameters
 * express adds for paths such as /register/:client_id.
 */
export type LabRequest = IncomingMessage & { params?: Record<string, string | string[]>; originalUrl?: string };

/**
 * Endpoints whose answers come from the configuration alone (metadata, keys): on a shared store they
 * neither catch up first (app.ts takes their paths from the routes) nor wait for their trace to be
 * saved, so they are served while the database is away.
 */
export const CONFIGURATION_ENDPOINTS: ReadonlySet<string> = new Set(['discovery', 'jwks']);

/** The path of a request URL, without its query (express's req.path). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export class Exchange {
  readonly id = newTraceId();
  readonly started = performance.now();
  readonly log = new CheckLog();
  readonly notes: string[] = [];
  readonly request: TraceRequest;
  readonly listener: 'http' | 'https';
  clientId: string | undefined;
  method: string | undefined;
  #certificate: PresentedCertificate | undefined | null = null;
  #answered = false;
  #delivered: Promise<void> = Promise.resolve();

  readonly path: string;

  constructor(readonly ctx: LabContext, readonly req: LabRequest, readonly res: ServerResponse, readonly endpoint: string) {
    this.listener = isTlsRequest(req) ? 'https' : 'http';
    this.path = pathOf(req.originalUrl ?? req.url ?? '/');
    this.request = {
      method: req.method ?? 'GET',
      path: this.path,
      listener: this.listener,
      remoteAddress: req.socket.remoteAddress ?? '',
      headers: traceHeaders(req.headers),
    };
    const shifted = clockShiftNote(ctx.config.clock);
    if (shifted !== undefined) this.notes.push(shifted);
  }

  /** Base URL of the listener this request arrived on, as the server publishes it. */
  get baseUrl(): string {
    return this.listener === 'https' ? (this.ctx.config.httpsBaseUrl as string) : this.ctx.config.issuer;
  }

  /** The absolute URL of the endpoint called (lib's ClientAuthRequest.endpointUrl). */
  get endpointUrl(): string {
    return `${this.baseUrl}${this.path}`;
  }

  /** The client certificate, from the handshake or a trusted proxy (read once). */
  get certificate(): PresentedCertificate | undefined {
    if (this.#certificate === null) {
      this.#certificate = presentedCertificate(this.req, this.ctx.config.trustProxy, this.notes);
      if (this.#certificate !== undefined) this.request.certificate = this.#certificate.summary;
    }
    return this.#certificate;
  }

  async form(): Promise<FormParameters> {
    const form = await readForm(this.req, this.ctx.config.maxBodyBytes);
    this.request.form = maskParameters(form);
    // The JWT grant's assertion (RFC 7523 §2.1). A client assertion is left to client authentication,
    // which decodes it anyway: it shows lib's decoded parts, or decodes the text itself on failure.
    if (typeof form.assertion === 'string') this.decodeJwt('assertion', form.assertion);
    return form;
  }

  query(): FormParameters {
    const query = queryParameters(this.req.originalUrl ?? this.req.url ?? '/');
    this.request.query = maskParameters(query);
    return query;
  }

  async json(): Promise<Record<string, unknown>> {
    const body = await readJsonObject(this.req, this.ctx.config.maxBodyBytes);
    this.request.json = maskParameters(body);
    return body;
  }

  /** Shows a JWT parameter decoded (not verified) in the trace; one that does not decode is left out (a check says why). */
  decodeJwt(name: string, value: string): void {
    try {
      const { header, payload } = decodeCompactJwt(value);
      this.showJwt(name, { header, payload });
    } catch {
      // The check that refuses it explains why; the trace keeps the masked text.
    }
  }

  showJwt(name: string, decoded: { header: Record<string, unknown>; payload: Record<string, unknown> }): void {
    (this.request.jwts ??= {})[name] = decoded;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  addChecks(checks: readonly Check[]): void {
    for (const check of checks) if (!this.log.checks.includes(check)) this.log.checks.push(check);
  }

  /** Sends a JSON answer and records the trace. */
  send(status: number, body: unknown, headers: Record<string, string> = {}, error?: OAuthError): void {
    if (this.#answered) return;
    this.#answered = true;
    const allHeaders: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', ...headers, 'X-Lab-Trace-Id': this.id };
    if (body === undefined) delete allHeaders['Content-Type'];
    // One writeHead with every header, Content-Length included (writeHead fixes the framing at once,
    // and without a length a keep-alive answer would be sent chunked), except where RFC 9110 §8.6
    // forbids it: a 204 has no body and no length.
    const text = body === undefined ? '' : JSON.stringify(body);
    this.#deliver(status, allHeaders, body, error, () => {
      this.res.writeHead(status, status === 204 ? allHeaders : { ...allHeaders, 'Content-Length': String(Buffer.byteLength(text)) });
      this.res.end(text);
    });
  }

  /** Resolves once the answer has been written (on a shared store, after its changes were committed). */
  get delivered(): Promise<void> {
    return this.#delivered;
  }

  /**
   * Writes the answer and records its trace. On a store shared by several processes the trace is
   * recorded first and the answer waits for commit(), so that what a client was told is durable and
   * known to every process; if the commit fails, the answer becomes a 503 and the trace says so.
   */
  #deliver(status: number, headers: Record<string, string>, body: unknown, error: OAuthError | undefined, write: () => void): void {
    if (this.ctx.store.refresh === undefined || error instanceof StoreUnavailableError || CONFIGURATION_ENDPOINTS.has(this.endpoint)) {
      write();
      this.record(status, headers, body, error);
      return;
    }
    const trace = this.record(status, headers, body, error);
    this.#delivered = this.ctx.store.commit().then(write, (failure: unknown) => {
      const unavailable = failure instanceof StoreUnavailableError ? failure : new StoreUnavailableError(String((failure as Error)?.message ?? failure));
      const answer = unavailable.toResponseBody();
      const answerHeaders: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', ...errorResponseHeaders(unavailable), 'X-Lab-Trace-Id': this.id };
      const text = JSON.stringify(answer);
      this.notes.push(`the answer (${status}) was not sent: ${unavailable.message}`);
      trace.outcome = { ok: false, error: unavailable.error, code: unavailable.code, ...(unavailable.spec === undefined ? {} : { spec: unavailable.spec }) };
      trace.response = { status: unavailable.status, headers: answerHeaders, body: answer };
      this.res.writeHead(unavailable.status, { ...answerHeaders, 'Content-Length': String(Buffer.byteLength(text)) });
      this.res.end(text);
    });
  }

  /** Sends a JSON answer that must not be cached (RFC 6749 §5.1). */
  sendNoStore(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(status, body, { ...NO_STORE_HEADERS, ...headers });
  }

  redirect(location: string, error?: OAuthError): void {
    if (this.#answered) return;
    this.#answered = true;
    const headers = { Location: location, ...NO_STORE_HEADERS, 'X-Lab-Trace-Id': this.id };
    this.#deliver(302, headers, undefined, error, () => {
      this.res.writeHead(302, { ...headers, 'Content-Length': '0' });
      this.res.end();
    });
  }

  /** Answers with an OAuth error (RFC 6749 §5.2), keeping lib's checks in the trace. */
  fail(thrown: unknown): void {
    const error = asOAuthError(thrown, this.ctx.config.log);
    this.addChecks(error.checks);
    const headers = errorResponseHeaders(error);
    // A body that was not read completely leaves the connection in an unknown state: close it.
    if (!this.req.complete) headers.Connection = 'close';
    this.send(error.status, error.toResponseBody(), headers, error);
  }

  record(status: number, headers: Record<string, string>, body: unknown, error?: OAuthError): Trace {
    const trace: Trace = {
      id: this.id,
      time: new Date().toISOString(),
      endpoint: this.endpoint,
      outcome: error === undefined ? { ok: status < 400 } : {
        ok: false,
        error: error.error,
        code: error.code,
        ...(error.spec === undefined ? {} : { spec: error.spec }),
      },
      request: this.request,
      checks: this.log.checks,
      notes: this.notes,
      response: { status, headers: { ...headers }, ...(body === undefined ? {} : { body: maskParameters(body) }) },
      durationMs: Math.round((performance.now() - this.started) * 100) / 100,
    };
    if (this.clientId !== undefined) trace.clientId = this.clientId;
    if (this.method !== undefined) trace.method = this.method;
    this.ctx.traces.add(trace);
    return trace;
  }
}

export type ExchangeHandler = (exchange: Exchange) => Promise<void> | void;

/** A request listener, for Node or express, that answers a request to one endpoint. */
export type TracedHandler = (req: LabRequest, res: ServerResponse) => Promise<void>;

/** A handler that runs `handler` with an Exchange and turns whatever it throws into an OAuth error. */
export function traced(ctx: LabContext, endpoint: string, handler: ExchangeHandler): TracedHandler {
  return async (req, res) => {
    const exchange = new Exchange(ctx, req, res, endpoint);
    try {
      await handler(exchange);
    } catch (error) {
      exchange.fail(error);
    }
    await exchange.delivered;
  };
}

/**
 * Traces a request that Node's HTTP parser refused before express saw it (a folded header, say),
 * so that the learner finds the explanation in the same place as every other decision.
 */
export function recordParserRejection(
  ctx: LabContext,
  details: { listener: 'http' | 'https'; remoteAddress: string; check: Check; code: string; status: number; body: Record<string, string>; headers: Record<string, string> },
): string {
  const id = newTraceId();
  ctx.traces.add({
    id,
    time: new Date().toISOString(),
    endpoint: 'http_parser',
    outcome: { ok: false, error: details.body.error as string, code: details.code, ...(details.check.spec === undefined ? {} : { spec: details.check.spec }) },
    request: { method: '?', path: '?', listener: details.listener, remoteAddress: details.remoteAddress, headers: {} },
    checks: [details.check],
    notes: ["Node's HTTP parser refused the request before any route ran"],
    response: { status: details.status, headers: details.headers, body: details.body },
    durationMs: 0,
  });
  return id;
}
