// One routing path: express routes every request the app gets, fixed paths, parameters, 405 and 404
// alike, and the form parser's strictness answers invalid_request over a real socket.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabApp } from '@client-auth-lab/lab-server';
import { request } from './support.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  const clients = [{ client_id: 'app-test', client_secret: 'app-test-secret-0123456789abcdefghijkl', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }];
  server = http.createServer(createLabApp({ httpBaseUrl: 'http://localhost', clients, log: () => {} }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

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
