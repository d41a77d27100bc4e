// The app answers the same whether a request reaches a handler through express's router or through
// labRequestListener's lookup of the fixed paths: the shortcut may only make answers cheaper.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabApp, labRequestListener } from '@client-auth-lab/lab-server';
import { request, type HttpAnswer } from './support.js';

const servers: http.Server[] = [];
let viaExpress: string;
let viaListener: string;

async function serve(listener: http.RequestListener): Promise<string> {
  const server = http.createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const clients = [{ client_id: 'app-test', client_secret: 'app-test-secret-0123456789abcdefghijkl', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }];
  const app = createLabApp({ httpBaseUrl: 'http://localhost', clients, log: () => {} });
  viaExpress = await serve(app);
  viaListener = await serve(labRequestListener(app));
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

/** What must be equal: status, the headers that carry meaning, and the body without per-request values. */
function comparable(answer: HttpAnswer): unknown {
  const body = answer.body === undefined ? answer.text : { ...answer.body, access_token: answer.body.access_token === undefined ? undefined : '<token>' };
  const h = answer.headers;
  return {
    status: answer.status, type: h['content-type'], cache: h['cache-control'], allow: h.allow, www: h['www-authenticate'], trace: typeof h['x-lab-trace-id'],
    length: h['content-length'] !== undefined, chunked: h['transfer-encoding'], body,
  };
}

const basic = `Basic ${Buffer.from('app-test:app-test-secret-0123456789abcdefghijkl').toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('labRequestListener', () => {
  it.each([
    ['GET /.well-known/oauth-authorization-server', 200, '/.well-known/oauth-authorization-server', {}],
    ['POST /token with a valid Basic header', 200, '/token', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }],
    ['POST /token with a wrong secret', 401, '/token', { method: 'POST', headers: { ...form, authorization: `Basic ${Buffer.from('app-test:wrong').toString('base64')}` }, body: 'grant_type=client_credentials' }],
    ['POST /token without a body or credentials', 401, '/token', { method: 'POST', headers: form }],
    ['POST /token?x=1 (not a fixed URL: routed by express in both)', 200, '/token?x=1', { method: 'POST', headers: { ...form, authorization: basic }, body: 'grant_type=client_credentials' }],
    ['DELETE /token (405 with Allow)', 405, '/token', { method: 'DELETE' }],
    ['GET /nowhere (404)', 404, '/nowhere', {}],
  ])('answers %s as express does', async (_name, status, path, options) => {
    // A keep-alive request, as real clients send: the framing of the answer is then the server's choice.
    const keepAlive = { ...options, headers: { ...(options as { headers?: Record<string, string> }).headers, connection: 'keep-alive' } };
    const [a, b] = await Promise.all([request(`${viaExpress}${path}`, keepAlive), request(`${viaListener}${path}`, keepAlive)]);
    expect(a.status).toBe(status);
    expect(comparable(b)).toEqual(comparable(a));
    // Whole answers are sent with their length, never chunked (clients that read raw sockets rely on it).
    expect(b.headers['transfer-encoding']).toBeUndefined();
    expect(Number(b.headers['content-length'])).toBe(Buffer.byteLength(b.text));
  });
});
