// The benchmark's load generator counts only 200 answers with an access_token as successes: a run
// against a server that answers errors must say so, or its requests per second mean nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';

let server: http.Server;
let origin: string;
let served = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = served++;
      // Every third answer is a token; the others are an error and a 200 without a token.
      const [status, body] = n % 3 === 0 ? [200, { access_token: `t${n}`, token_type: 'Bearer' }] : n % 3 === 1 ? [400, { error: 'invalid_request' }] : [200, { token_type: 'Bearer' }];
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('runLoad', () => {
  it('counts an error status and a 200 without an access_token as failures, with samples', async () => {
    const seen: number[] = [];
    const result = await runLoad({
      origin, path: '/token', concurrency: 1, durationMs: 300,
      next: (i) => {
        seen.push(i);
        return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&i=${i}` };
      },
    });
    expect(result.requests).toBeGreaterThanOrEqual(3);
    expect(result.ok + result.failures).toBe(result.requests);
    // One worker, answers in turn: a third are tokens, the rest failures.
    expect(result.ok).toBe(Math.ceil(result.requests / 3));
    expect(result.failureSamples[0]).toMatch(/^400 \{"error":"invalid_request"\}/);
    expect(result.failureSamples[1]).toMatch(/^200 \{"token_type":"Bearer"\}/);
    // Each request index is asked for once, in order: assertions are never reused.
    expect(seen.slice(0, result.requests)).toEqual(Array.from({ length: result.requests }, (_, i) => i));
    expect(result.p50).toBeLessThanOrEqual(result.p99);
  });

  it('reports a server that is not there as failures (transport errors), not as a crash', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runLoad({ origin: `http://127.0.0.1:${port}`, path: '/token', concurrency: 2, durationMs: 100, next: () => ({ headers: {}, body: '' }) });
    expect(result.ok).toBe(0);
    expect(result.failures).toBe(result.requests);
    expect(result.failureSamples[0]).toMatch(/^0 transport error: /);
  });
});
