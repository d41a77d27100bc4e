// A room on one server: traces kept per client (a busy neighbour cannot push a student's history out),
// the instructor's class view (GET /lab/class), and exports that mask secrets and private keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceBuffer, type Trace } from '@client-auth-lab/lab-server';
import { approximateTraceBytes } from '../../lab-server/traces.js';
import { postForm, postJson, request, startTestServer, type RegisteredTestClient } from './support.js';
import type { RunningLabServer } from '@client-auth-lab/lab-server';

const INSTRUCTOR = 'teach-me';
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function fakeTrace(id: string, clientId: string | undefined, padding = 0): Trace {
  return {
    id, time: new Date().toISOString(), endpoint: 'token', ...(clientId === undefined ? {} : { clientId }),
    outcome: { ok: true }, request: { method: 'POST', path: '/token', listener: 'http', remoteAddress: '', headers: { pad: 'x'.repeat(padding) } },
    checks: [], notes: [], response: { status: 200, headers: {} }, durationMs: 0,
  };
}

describe('TraceBuffer', () => {
  it("keeps each client's newest traces whatever another client does", () => {
    const buffer = new TraceBuffer({ perClient: 5 });
    for (let i = 0; i < 3; i++) buffer.add(fakeTrace(`quiet-${i}`, 'quiet'));
    for (let i = 0; i < 1000; i++) buffer.add(fakeTrace(`busy-${i}`, 'busy'));
    expect(buffer.list({ clientId: 'quiet' }).map((t) => t.id)).toEqual(['quiet-2', 'quiet-1', 'quiet-0']);
    expect(buffer.list({ clientId: 'busy' }).map((t) => t.id)).toEqual(['busy-999', 'busy-998', 'busy-997', 'busy-996', 'busy-995']);
    expect(buffer.get('busy-0')).toBeUndefined();
    expect(buffer.size).toBe(8);
  });

  it('keeps the total size under its bound, taking from the client holding the most first', () => {
    const buffer = new TraceBuffer({ perClient: 1000, maxBytes: 65_536 });
    buffer.add(fakeTrace('quiet', 'quiet', 1_000));
    for (let i = 0; i < 200; i++) buffer.add(fakeTrace(`busy-${i}`, 'busy', 1_000));
    expect(buffer.bytes).toBeLessThanOrEqual(65_536);
    expect(buffer.get('quiet')).toBeDefined();
    expect(buffer.get('busy-199')).toBeDefined();
    expect(buffer.get('busy-0')).toBeUndefined();
  });

  it('lists every client merged, newest first, and does not keep a trace twice', () => {
    const buffer = new TraceBuffer();
    buffer.add(fakeTrace('a1', 'a'));
    buffer.add(fakeTrace('b1', 'b'));
    buffer.add(fakeTrace('n1', undefined));
    buffer.receive(fakeTrace('a1', 'a'));
    buffer.add(fakeTrace('a2', 'a'));
    expect(buffer.list().map((t) => t.id)).toEqual(['a2', 'n1', 'b1', 'a1']);
  });
});

describe('the class view and exports', () => {
  let server: RunningLabServer;
  const students: RegisteredTestClient[] = [];
  const register = async (name: string, extra: Record<string, unknown> = {}): Promise<RegisteredTestClient> => {
    const answer = await postJson(`${server.httpUrl}/register`, {
      client_name: name, token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], ...extra,
    });
    expect(answer.status).toBe(201);
    return answer.body as RegisteredTestClient;
  };
  const token = (client: RegisteredTestClient, secret = client.client_secret as string) => postForm(`${server.httpUrl}/token`, {
    grant_type: 'client_credentials', client_id: client.client_id, client_secret: secret,
  });

  beforeAll(async () => {
    server = await startTestServer({ tlsPort: false, traceAccess: 'self', instructorToken: INSTRUCTOR });
    for (let i = 0; i < 4; i++) students.push(await register(`student ${i}`));
    // Three students send a wrong secret last; one gets a token.
    for (const [i, student] of students.entries()) {
      await token(student);
      if (i > 0) await token(student, 'wrong');
    }
  });
  afterAll(() => server?.stop());

  it('shows the instructor one row per registered client with name, method, requests and last result', async () => {
    const answer = await request(`${server.httpUrl}/lab/class`, bearer(INSTRUCTOR));
    expect(answer.status).toBe(200);
    const rows = answer.body.clients as { client_id: string; client_name: string; token_endpoint_auth_method: string; requests: number; last: { ok: boolean; error?: string } }[];
    expect(rows).toHaveLength(4);
    const first = rows.find((r) => r.client_id === students[0]?.client_id);
    expect(first).toMatchObject({ client_name: 'student 0', token_endpoint_auth_method: 'client_secret_post', requests: 1, last: { ok: true } });
    const second = rows.find((r) => r.client_id === students[1]?.client_id);
    expect(second).toMatchObject({ requests: 2, successes: 1, refusals: 1, last: { ok: false, error: 'invalid_client', code: 'ERR_CLIENT_SECRET_MISMATCH' } });
  });

  it('names the check failing most now, with how many clients fail it and their traces', async () => {
    const { body } = await request(`${server.httpUrl}/lab/class`, bearer(INSTRUCTOR));
    expect(body.failing).toHaveLength(1);
    const failing = body.failing[0] as { check: string; code: string; clients: number; client_ids: string[]; trace_ids: string[] };
    expect(failing).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISMATCH', clients: 3 });
    expect(failing.client_ids.sort()).toEqual(students.slice(1).map((s) => s.client_id).sort());
    for (const id of failing.trace_ids) {
      const trace = await request(`${server.httpUrl}/lab/traces/${id}`, bearer(INSTRUCTOR));
      expect(trace.body.outcome.code).toBe('ERR_CLIENT_SECRET_MISMATCH');
    }
    // A student fixes the secret: the count drops at once.
    await token(students[1] as RegisteredTestClient);
    const after = await request(`${server.httpUrl}/lab/class`, bearer(INSTRUCTOR));
    expect(after.body.failing[0].clients).toBe(2);
  });

  it('rejects a student asking for the class view with 403 insufficient_scope, and no token with 401', async () => {
    const student = await request(`${server.httpUrl}/lab/class`, bearer(students[0]?.registration_access_token as string));
    expect(student.status).toBe(403);
    expect(student.body.error).toBe('insufficient_scope');
    expect((await request(`${server.httpUrl}/lab/class`)).status).toBe(401);
  });

  it("exports a student's whole session as a file with their traces only, secrets masked", async () => {
    const student = students[2] as RegisteredTestClient;
    const answer = await request(`${server.httpUrl}/lab/export?client_id=${students[0]?.client_id}`, bearer(student.registration_access_token));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="traces-/);
    expect(answer.body).toMatchObject({ format: 'client-auth-lab/traces', version: 1, client_id: student.client_id });
    const traces = answer.body.traces as Trace[];
    expect(traces.map((t) => t.endpoint)).toEqual(['register', 'token', 'token']);
    expect(traces.every((t) => t.clientId === student.client_id)).toBe(true);
    expect(answer.text).not.toContain(student.client_secret as string);
    expect(answer.text).not.toContain(student.registration_access_token);
    // The memory bound counts about the JSON size, without serializing every trace.
    for (const trace of traces) {
      const actual = JSON.stringify(trace).length;
      expect(approximateTraceBytes(trace)).toBeGreaterThan(actual / 2);
      expect(approximateTraceBytes(trace)).toBeLessThan(actual * 2);
    }
  });

  it('masks private keys a student pasted into their registration, in the trace and the export', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const answer = await postJson(`${server.httpUrl}/register`, {
      token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [{ ...jwk, kid: 'oops' }] },
    });
    const id = String(answer.headers['x-lab-trace-id']);
    const exported = await request(`${server.httpUrl}/lab/traces/${id}/export`, bearer(INSTRUCTOR));
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain(jwk.d as string);
    expect(exported.body.traces[0].request.json.jwks.keys[0]).toMatchObject({ kty: 'EC', x: jwk.x, d: '<private key member masked>' });
  });

  it('draws a trace from an exported file (POST /lab/render), and refuses something that is not a trace', async () => {
    const exported = await request(`${server.httpUrl}/lab/export`, bearer(INSTRUCTOR));
    const trace = (exported.body.traces as Trace[]).find((t) => t.outcome.code === 'ERR_CLIENT_SECRET_MISMATCH') as Trace;
    const drawn = await postJson(`${server.httpUrl}/lab/render`, { trace: { ...trace, id: 'from-a-file' } }, bearer(INSTRUCTOR));
    expect(drawn.status).toBe(200);
    expect(drawn.headers['content-type']).toMatch(/^text\/html/);
    expect(drawn.text).toContain('ERR_CLIENT_SECRET_MISMATCH');
    const bad = await postJson(`${server.httpUrl}/lab/render`, { trace: { id: 1 } }, bearer(INSTRUCTOR));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
  });
});
