// Trace access in a workshop (--traces self|off, --instructor-token): a student sees only their own
// client's traces, proven with the registration access token (RFC 7592 §3); the instructor sees all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@client-auth-lab/lab-server';

let lab: Lab;
let off: Lab;
const students: { client_id: string; client_secret: string; registration_access_token: string }[] = [];

beforeAll(async () => {
  lab = await startLab({ traceAccess: 'self', instructorToken: 'teach-me' });
  off = await startLab({ traceAccess: 'off', instructorToken: 'teach-me' });
  for (let i = 0; i < 2; i++) {
    const registered = await lab.register({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
    students.push(registered as never);
    await lab.request(lab.urls.token, { form: { grant_type: 'client_credentials', client_id: registered.client_id, client_secret: 'wrong' } });
  }
});
afterAll(async () => {
  await lab?.stop();
  await off?.stop();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('--traces self', () => {
  it('rejects a request without a token with 401 invalid_token and says how to get access', async () => {
    const answer = await lab.request(`${lab.httpUrl}/lab/traces`);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
    expect(answer.body.error_description).toContain('registration_access_token');
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it("shows a student only their own client's traces, even when they ask for another's", async () => {
    const [alice, bob] = students as [typeof students[0], typeof students[0]];
    const own = await lab.request(`${lab.httpUrl}/lab/traces?client_id=${bob.client_id}`, bearer(alice.registration_access_token));
    expect(own.status).toBe(200);
    const ids = new Set((own.body.traces as { clientId?: string }[]).map((t) => t.clientId));
    expect([...ids]).toEqual([alice.client_id]);
  });

  it("hides another client's trace by id, and its clients entry", async () => {
    const [alice, bob] = students as [typeof students[0], typeof students[0]];
    const bobsTrace = lab.lastTrace({ clientId: bob.client_id });
    const answer = await lab.request(`${lab.httpUrl}/lab/traces/${bobsTrace?.id}`, bearer(alice.registration_access_token));
    expect(answer.status).toBe(404);
    const clients = await lab.request(`${lab.httpUrl}/lab/clients`, bearer(alice.registration_access_token));
    expect((clients.body.clients as { client_id: string }[]).map((c) => c.client_id)).toEqual([alice.client_id]);
  });

  it('accepts the token as access_token in the query, for the viewer page', async () => {
    const [alice] = students as [typeof students[0]];
    const answer = await lab.request(`${lab.httpUrl}/lab/traces?access_token=${alice.registration_access_token}`);
    expect(answer.status).toBe(200);
  });

  it('lets only the instructor clear the traces, and shows the instructor everything', async () => {
    const [alice] = students as [typeof students[0]];
    expect((await lab.request(`${lab.httpUrl}/lab/traces`, { method: 'DELETE', ...bearer(alice.registration_access_token) })).status).toBe(403);
    const all = await lab.request(`${lab.httpUrl}/lab/traces?limit=1000`, bearer('teach-me'));
    const ids = new Set((all.body.traces as { clientId?: string }[]).map((t) => t.clientId));
    for (const s of students) expect(ids.has(s.client_id)).toBe(true);
  });

  it('never shows a client secret in a trace', async () => {
    const all = await lab.request(`${lab.httpUrl}/lab/traces?limit=1000`, bearer('teach-me'));
    const text = JSON.stringify(all.body);
    for (const s of students) expect(text).not.toContain(s.client_secret);
  });
});

describe('--traces off', () => {
  it('refuses everyone but the instructor', async () => {
    const registered = await off.register({ grant_types: ['client_credentials'] });
    const student = await off.request(`${off.httpUrl}/lab/traces`, bearer(String(registered.registration_access_token)));
    expect(student.status).toBe(401);
    expect(student.body.error_description).toContain('--traces off');
    expect((await off.request(`${off.httpUrl}/lab/traces`, bearer('teach-me'))).status).toBe(200);
  });
});

describe('the current lab user on a shared server', () => {
  it('rejects a student changing the room’s current user with 403 insufficient_scope, and accepts the instructor', async () => {
    const room = await startLab({ shared: true, traceAccess: 'self', instructorToken: 'teach-me' });
    try {
      const student = await room.register({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
      const put = (token: string) => room.request(`${room.httpUrl}/lab/user`, { method: 'PUT', json: { user: 'bob' }, ...bearer(token) });
      const refused = await put(student.registration_access_token as string);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('insufficient_scope');
      expect((await room.request(`${room.httpUrl}/lab/user`)).body.user).toBe('alice');
      expect((await put('teach-me')).status).toBe(200);
      expect((await room.request(`${room.httpUrl}/lab/user`)).body.user).toBe('bob');
    } finally {
      await room.stop();
    }
  });
});
