import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTrace, maskAuthorization, maskJwtSignature, startLab, type Lab } from '@client-auth-lab/lab-server';
import { basic, postForm, request } from './support.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ tlsPort: false, log: () => {} });
});
afterAll(() => lab.stop());

describe('traces: the teaching surface', () => {
  it('lists traces newest first, filtered by client_id, and serves one by id', async () => {
    const a = await lab.register({ grant_types: ['client_credentials'] });
    const b = await lab.register({ grant_types: ['client_credentials'] });
    await postForm(lab.urls.token, { grant_type: 'client_credentials' }, { headers: { authorization: basic(a.client_id, a.client_secret as string) } });
    const last = await postForm(lab.urls.token, { grant_type: 'client_credentials' }, { headers: { authorization: basic(b.client_id, 'wrong') } });
    const all = (await request(`${lab.httpUrl}/lab/traces`)).body.traces;
    expect(all[0].id).toBe(last.headers['x-lab-trace-id']);
    const onlyA = (await request(`${lab.httpUrl}/lab/traces?client_id=${a.client_id}`)).body.traces;
    expect(onlyA.length).toBeGreaterThan(0);
    expect(onlyA.every((t: { clientId: string }) => t.clientId === a.client_id)).toBe(true);
    const one = await request(`${lab.httpUrl}/lab/traces/${String(last.headers['x-lab-trace-id'])}`);
    expect(one.body).toMatchObject({ endpoint: 'token', outcome: { error: 'invalid_client', code: 'ERR_CLIENT_SECRET_MISMATCH' } });
    expect(one.body.checks.at(-1)).toMatchObject({ passed: false, spec: expect.any(String) });
    expect((await request(`${lab.httpUrl}/lab/traces/nope`)).status).toBe(404);
  });
  it('streams new traces as server-sent events', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(`${lab.httpUrl}/lab/traces/stream`, (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const event = buffer.split('\n\n').find((block) => block.includes('event: trace'));
          if (event !== undefined) {
            req.destroy();
            resolve(event);
          }
        });
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      req.on('response', () => void request(`${lab.httpUrl}/.well-known/oauth-authorization-server`));
    });
    const event = await received;
    const data = JSON.parse(event.split('\n').find((l) => l.startsWith('data: '))?.slice(6) as string);
    expect(data.endpoint).toBe('discovery');
  });
  it('masks secrets: the Basic password, client_secret, and the signature of an assertion', () => {
    expect(maskAuthorization(basic('client', 's3cret'))).not.toContain('s3cret');
    expect(maskAuthorization(basic('client', 's3cret'))).toContain("'client'");
    expect(maskJwtSignature('aaa.bbb.ccc')).toBe('aaa.bbb.<signature masked>');
  });
  it('gives notebooks a one-line view of a trace and the chosen user', async () => {
    const client = await lab.register({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    await postForm(lab.urls.token, { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret as string });
    const text = formatTrace(lab.lastTrace({ clientId: client.client_id }));
    expect(text).toContain('POST /token (http) → 200');
    expect(text).toContain('✓');
    expect(() => lab.useUser('mallory')).toThrow(TypeError);
    lab.useUser('bob');
    expect((await request(`${lab.httpUrl}/lab/user`)).body.user).toBe('bob');
  });
});
