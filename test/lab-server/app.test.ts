// Routing: express routes every request, and labRequestListener's bypass of the fixed paths (kept
// because the bench measures express's per-request work as more than 15 % of a token request) answers
// exactly as express does; the form parser's strictness answers invalid_request over a real socket.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabApp, createMemoryStore, labRequestListener } from '@client-auth-lab/lab-server';
import { request } from './support.js';

const clients = [{ client_id: 'app-test', client_secret: 'app-test-secret-0123456789abcdefghijkl', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }];
/** One server on express alone, one on the listener startLabServer uses (bypass for fixed paths). */
const servers: http.Server[] = [];
let base: string;
let bypassBase: string;

async function serve(listener: http.RequestListener): Promise<string> {
  const server = http.createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  base = await serve(createLabApp({ httpBaseUrl: 'http://localhost', clients, log: () => {} }));
  bypassBase = await serve(labRequestListener(createLabApp({ httpBaseUrl: 'http://localhost', clients, log: () => {} })));
});
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

/** The headers of an answer that do not change from one request to the next. */
function stableHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const { date: _date, 'content-length': _length, 'x-lab-trace-id': _trace, ...rest } = headers;
  return rest;
}

const basic = `Basic ${Buffer.from('app-test:app-test-secret-0123456789abcdefghijkl').toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the lab app routed by express alone', () => {
  it.each([
    ['GET /.well-known/oauth-authorization-server', 200, '/.well-known/oauth-authorization-server', {}, undefined],
    ['POST /token with a valid Basic header', 200, '/token', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }, undefined],
    ['POST /token?x=1', 200, '/token?x=1', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }, undefined],
    ['POST /token with a wrong secret', 401, '/token', { method: 'POST', headers: { ...form, authorization: `Basic ${Buffer.from('app-test:wrong').toString('base64')}` }, body: 'grant_type=client_credentials' }, 'invalid_client'],
    ['DELETE /token', 405, '/token', { method: 'DELETE' }, 'invalid_request'],
    ['GET /nowhere', 404, '/nowhere', {}, 'not_found'],
  ])('answers %s with %i, framed with its length', async (_name, status, path, options, error) => {
    // A keep-alive request, as real clients send: the framing of the answer is then the server's choice.
    const answer = await request(`${base}${path}`, { ...options, headers: { ...(options as { headers?: Record<string, string> }).headers, connection: 'keep-alive' } });
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    if (error !== undefined) expect(answer.body?.error).toBe(error);
    if (status === 200 && path === '/token') expect(typeof answer.body?.access_token).toBe('string');
    if (status === 405) expect(answer.headers.allow).toBe('POST');
    // Whole answers are sent with their length, never chunked (clients that read raw sockets rely on it).
    expect(answer.headers['transfer-encoding']).toBeUndefined();
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
  });
});

describe('the bypass of the fixed paths', () => {
  it.each([
    ['GET /.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server', {}],
    ['GET /jwks', '/jwks', {}],
    ['POST /token with a valid Basic header', '/token', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }],
    ['POST /token with a wrong secret', '/token', { method: 'POST', headers: { ...form, authorization: `Basic ${Buffer.from('app-test:wrong').toString('base64')}` }, body: 'grant_type=client_credentials' }],
    ['POST /token with a repeated grant_type', '/token', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials&grant_type=client_credentials' }],
    ['POST /introspect without credentials', '/introspect', { method: 'POST', headers: form, body: 'token=x' }],
    ['HEAD /token (not a fixed route: express answers)', '/token', { method: 'HEAD' }],
    ['DELETE /token (405 from express)', '/token', { method: 'DELETE' }],
    ['POST /token/ (a trailing slash)', '/token/', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }],
  ])('answers %s exactly as express does', async (_name, path, options) => {
    const [viaExpress, viaBypass] = await Promise.all([request(`${base}${path}`, options), request(`${bypassBase}${path}`, options)]);
    expect(viaBypass.status).toBe(viaExpress.status);
    expect(stableHeaders(viaBypass.headers)).toEqual(stableHeaders(viaExpress.headers));
    // Tokens differ from server to server; everything else in the body is the same.
    const { access_token: _a, ...bodyBypass } = (viaBypass.body ?? {}) as Record<string, unknown>;
    const { access_token: _b, ...bodyExpress } = (viaExpress.body ?? {}) as Record<string, unknown>;
    expect(bodyBypass).toEqual(bodyExpress);
  });

  it('takes the fixed paths itself on a store of one process', () => {
    expect(labRequestListener(createLabApp({ httpBaseUrl: 'http://localhost', log: () => {} }))).not.toHaveProperty('handle');
  });

  it('leaves every request to express when the store is shared by several processes', () => {
    // A shared store catches up with the other processes in express middleware before any route.
    const app = createLabApp({ httpBaseUrl: 'http://localhost', log: () => {}, store: Object.assign(createMemoryStore(), { refresh: async () => {} }) });
    expect(labRequestListener(app)).toBe(app);
  });

  it.each([
    ['a repeated grant_type (RFC 6749 §3.2)', 'grant_type=client_credentials&grant_type=client_credentials'],
    ['broken percent-encoding', 'grant_type=client_credentials&scope=%zz'],
    ['percent-encoded octets that are not UTF-8', 'grant_type=client_credentials&scope=%C3%28'],
  ])('rejects a token request with %s because the form is invalid_request', async (_name, body) => {
    const answer = await request(`${base}/token`, { method: 'POST', headers: { ...form, authorization: basic }, body });
    expect(answer.status).toBe(400);
    expect(answer.body?.error).toBe('invalid_request');
    expect(String(answer.body?.error_description)).toMatch(/more than once|percent-encoded UTF-8/);
  });
});
