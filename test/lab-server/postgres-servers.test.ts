// Two `authlab server` processes (real child processes, real sockets) on one PostgreSQL database
// act as one server: shared clients, one replay store, traces streamed across, nothing acknowledged
// lost to a SIGKILL, and 503 answers (never a crash) while the database is down.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm, postJson, request, signJwt, JWT_BEARER } from './support.js';
import { findNginx } from '@client-auth-lab/lab-server';
import { postgresUnavailableReason, startServerProcess, startTestPostgres, startTwoProcessNginx, type ServerProcess, type TestPostgres } from '../support/postgres.js';

const built = existsSync(fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url)));
const skipReason = !built ? 'the CLI is not built (npm run build)' : postgresUnavailableReason();
if (skipReason !== undefined) console.warn(`skipping the two-process PostgreSQL tests: ${skipReason}`);

/** The issuer both processes share, as a load balancer in front of them would be reached. */
const ISSUER = 'http://class.example:8080';
const TOKEN_ENDPOINT = `${ISSUER}/token`;

interface Client {
  client_id: string;
  client_secret: string;
}

async function registerOn(server: ServerProcess, metadata: Record<string, unknown> = {}): Promise<Client> {
  const answer = await postJson(`${server.url}/register`, { grant_types: ['client_credentials'], client_name: 'pg test', ...metadata });
  if (answer.status !== 201) throw new Error(`registration failed (${answer.status}): ${answer.text}`);
  return answer.body as Client;
}

function clientCredentials(server: ServerProcess, client: Client) {
  return postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(client.client_id, client.client_secret) } });
}

/** Registration that reports a refusal or a dead server as "not acknowledged". */
async function tryRegister(server: ServerProcess): Promise<Client | undefined> {
  try {
    const answer = await postJson(`${server.url}/register`, { grant_types: ['client_credentials'], client_name: 'crash test' });
    return answer.status === 201 ? (answer.body as Client) : undefined;
  } catch {
    return undefined;
  }
}

async function clientIds(server: ServerProcess): Promise<Set<string>> {
  const answer = await request(`${server.url}/lab/clients`);
  expect(answer.status).toBe(200);
  return new Set((answer.body as { clients: { client_id: string }[] }).clients.map((c) => c.client_id));
}

/** A server-sent-events stream: every event kept, and a wait for the first one naming an id. */
function openStream(url: string): { opened: Promise<void>; event(id: string): Promise<string>; close(): void } {
  const events: string[] = [];
  const waiting: { id: string; resolve: (event: string) => void }[] = [];
  let opened!: () => void;
  const openedPromise = new Promise<void>((resolve) => { opened = resolve; });
  let buffer = '';
  const req = http.get(url, (res) => {
    res.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        if (block.includes('trace stream')) opened();
        events.push(block);
        for (const w of waiting) if (block.includes(`id: ${w.id}\n`)) w.resolve(block);
      }
    });
  });
  req.on('error', () => {});
  return {
    opened: openedPromise,
    event: (id) => new Promise((resolve) => {
      const seen = events.find((block) => block.includes(`id: ${id}\n`));
      if (seen !== undefined) resolve(seen);
      else waiting.push({ id, resolve });
    }),
    close: () => req.destroy(),
  };
}

describe.skipIf(skipReason !== undefined)('two authlab server processes on one PostgreSQL', () => {
  let cluster: TestPostgres;
  let url: string;
  const servers: ServerProcess[] = [];
  const start = async (): Promise<ServerProcess> => {
    const server = await startServerProcess(['--store', url, '--issuer', ISSUER]);
    servers.push(server);
    return server;
  };
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    cluster = await startTestPostgres();
    url = await cluster.createDatabase('two_processes');
    // Started together: both migrate the new database and agree on one CA and one signing key.
    [a, b] = await Promise.all([start(), start()]);
  });
  afterAll(async () => {
    for (const server of servers) await server.kill();
    await cluster?.destroy();
  });

  it('accepts on one process a client registered on the other, and serves the same keys and CA from both', async () => {
    const client = await registerOn(a);
    const token = await clientCredentials(b, client);
    expect(token.status).toBe(200);
    // The token B issued is known to A (RFC 7662 introspection, by the client itself).
    const introspected = await postForm(`${a.url}/introspect`, { token: token.body.access_token }, { headers: { authorization: basic(client.client_id, client.client_secret) } });
    expect(introspected.body).toMatchObject({ active: true, client_id: client.client_id });
    expect((await request(`${a.url}/jwks`)).body).toEqual((await request(`${b.url}/jwks`)).body);
    expect((await request(`${a.url}/lab/ca.pem`)).text).toBe((await request(`${b.url}/lab/ca.pem`)).text);
  });

  it('rejects all but one of 40 concurrent uses of one jti split across both processes (RFC 7523 §3 (7))', async () => {
    const client = await registerOn(a, { token_endpoint_auth_method: 'client_secret_jwt' });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await signJwt({ iss: client.client_id, sub: client.client_id, aud: TOKEN_ENDPOINT, jti: randomUUID(), iat: now, exp: now + 60 }, 'HS256', client.client_secret);
    // Both processes know the client before the race starts.
    expect((await clientIds(b)).has(client.client_id)).toBe(true);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postForm(`${(i % 2 === 0 ? a : b).url}/token`, {
      grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion,
    })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = answers.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(39);
    expect(new Set(refused.map((r) => r.body.error))).toEqual(new Set(['invalid_client']));
    const one = refused[0] as (typeof refused)[number];
    const trace = await request(`${a.url}/lab/traces/${String(one.headers['x-lab-trace-id'])}`);
    expect(trace.body.outcome.code).toBe('ERR_ASSERTION_REPLAYED');
  });

  it('rejects all but one of 20 concurrent redemptions of one authorization code split across both processes (RFC 6749 §4.1.2)', async () => {
    const redirectUri = 'https://app.example/callback';
    const client = await registerOn(a, { grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [redirectUri] });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' });
    const authorized = await request(`${b.url}/authorize?${query}`);
    expect(authorized.status).toBe(302);
    const code = new URL(authorized.headers.location as string).searchParams.get('code') as string;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postForm(`${(i % 2 === 0 ? a : b).url}/token`,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
      { headers: { authorization: basic(client.client_id, client.client_secret) } })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = answers.filter((r) => r.status !== 200);
    expect(new Set(refused.map((r) => `${r.status} ${r.body.error}`))).toEqual(new Set(['400 invalid_grant']));
    const trace = await request(`${a.url}/lab/traces/${String(refused[0]?.headers['x-lab-trace-id'])}`);
    expect(trace.body.outcome.code).toBe('ERR_CODE_REUSED');
  });

  it('rejects an assertion whose iss holds U+0000 with invalid_client, not 503, and still saves what comes after it', async () => {
    // PostgreSQL text holds no U+0000: written as it came, the trace's client_id would fail its batch and every one after.
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const assertion = `${part({ alg: 'ES256' })}.${part({ iss: 'a\u0000b', sub: 'a\u0000b', aud: ISSUER, jti: randomUUID(), iat: now, exp: now + 60 })}.AAAA`;
    const answer = await postForm(`${a.url}/token`, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toBe('invalid_client');
    const later = await registerOn(a, { client_name: 'registered after the U+0000 request' });
    expect((await clientCredentials(b, later)).status).toBe(200);
  });

  it('accepts a trace of a request on one process in the other process’s live stream (/lab/traces/stream)', async () => {
    const client = await registerOn(a);
    const stream = openStream(`${b.url}/lab/traces/stream`);
    try {
      await stream.opened;
      const answer = await clientCredentials(a, client);
      expect(answer.status).toBe(200);
      const id = String(answer.headers['x-lab-trace-id']);
      const event = await stream.event(id);
      const data = JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { clientId: string; endpoint: string };
      expect(data).toMatchObject({ clientId: client.client_id, endpoint: 'token' });
      // And B lists it among the client's traces.
      const listed = await request(`${b.url}/lab/traces?client_id=${client.client_id}`);
      expect(listed.body.traces.map((t: { id: string }) => t.id)).toContain(id);
    } finally {
      stream.close();
    }
  });

  it.skipIf(findNginx() === undefined && process.env.CI !== 'true')('accepts a class through nginx in front of both (examples/nginx/two-processes.conf): registration, tokens and traces at one address', async () => {
    const nginx = await startTwoProcessNginx([a, b]);
    try {
      const client = (await postJson(`${nginx.url}/register`, { grant_types: ['client_credentials'], client_name: 'behind nginx' })).body as Client;
      const answers = [];
      // Round-robin: consecutive requests go to alternate processes.
      for (let i = 0; i < 6; i++) answers.push(await postForm(`${nginx.url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(client.client_id, client.client_secret) } }));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const listed = await request(`${nginx.url}/lab/traces?client_id=${client.client_id}`);
      expect(listed.body.traces.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(answers.map((r) => String(r.headers['x-lab-trace-id']))));
    } finally {
      await nginx.stop();
    }
  });

  for (const victim of ['first', 'second'] as const) {
    it(`accepts after a SIGKILL of the ${victim} process every registration acknowledged before it, on both processes`, async () => {
      const acknowledged: Client[] = [];
      const [killed, survivor] = victim === 'first' ? [a, b] : [b, a];
      // A burst split across both processes; the kill lands while it runs, once some are acknowledged.
      let tenth!: () => void;
      const tenthAcknowledged = new Promise<void>((resolve) => { tenth = resolve; });
      const burst = Array.from({ length: 60 }, (_, i) => tryRegister(i % 2 === 0 ? killed : survivor).then((c) => {
        if (c === undefined) return;
        acknowledged.push(c);
        if (acknowledged.length === 10) tenth();
      }));
      await Promise.race([tenthAcknowledged, Promise.allSettled(burst)]);
      await killed.kill('SIGKILL');
      await Promise.allSettled(burst);
      const restarted = await start();
      if (victim === 'first') a = restarted;
      else b = restarted;
      for (const server of [restarted, survivor]) {
        const ids = await clientIds(server);
        expect(acknowledged.filter((c) => !ids.has(c.client_id))).toEqual([]);
      }
      console.info(`SIGKILL of the ${victim} process: ${acknowledged.length} of ${burst.length} registrations acknowledged, all present`);
      const last = acknowledged.at(-1) as Client;
      expect((await clientCredentials(restarted, last)).status).toBe(200);
    });
  }

  it('rejects requests with 503 temporarily_unavailable and Retry-After while PostgreSQL is down, without crashing, and recovers when it returns', async () => {
    const client = await registerOn(a);
    await cluster.stop();
    try {
      for (const server of [a, b]) {
        for (const answer of [await clientCredentials(server, client), await postJson(`${server.url}/register`, { grant_types: ['client_credentials'] }), await request(`${server.url}/lab/traces`)]) {
          expect(answer.status).toBe(503);
          expect(answer.headers['retry-after']).toBe('2');
          expect(answer.headers['content-type']).toMatch(/^application\/json/);
          expect(answer.body).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringContaining('database') });
        }
        // Metadata and keys come from the configuration: they are still served.
        expect((await request(`${server.url}/.well-known/oauth-authorization-server`)).status).toBe(200);
        expect((await request(`${server.url}/jwks`)).status).toBe(200);
        expect(server.child.exitCode).toBeNull();
        expect(server.stderr()).toContain('PostgreSQL is not answering');
      }
    } finally {
      await cluster.start();
    }
    for (const server of [a, b]) {
      // The pool reconnects on the next request.
      expect((await clientCredentials(server, client)).status).toBe(200);
      expect(server.child.exitCode).toBeNull();
    }
    const after = await registerOn(b);
    expect((await clientCredentials(a, after)).status).toBe(200);
    // The live stream works again: B's LISTEN connection is made anew (and catches up on what it missed).
    const stream = openStream(`${b.url}/lab/traces/stream`);
    try {
      await stream.opened;
      const answer = await clientCredentials(a, after);
      expect(JSON.parse((await stream.event(String(answer.headers['x-lab-trace-id']))).split('data: ')[1] as string)).toMatchObject({ clientId: after.client_id });
    } finally {
      stream.close();
    }
  });
  describe('on a shared server (initial access token), the room\'s rate limits', () => {
    const ROOM_TOKEN = 'room-token-0123456789';
    let c: ServerProcess;
    let d: ServerProcess;
    beforeAll(async () => {
      const roomUrl = await cluster.createDatabase('rate_limits');
      const startRoom = async () => {
        const server = await startServerProcess(['--store', roomUrl, '--issuer', ISSUER, '--registration-token', ROOM_TOKEN, '--rate-limit', '6', '--registration-rate-limit', '5']);
        servers.push(server);
        return server;
      };
      [c, d] = await Promise.all([startRoom(), startRoom()]);
    });
    const registerInRoom = (server: ServerProcess) => postJson(`${server.url}/register`, { grant_types: ['client_credentials'], client_name: 'rate test' }, { headers: { authorization: `Bearer ${ROOM_TOKEN}` } });

    it('rejects past 6 a minute the token requests of one client split across both processes, with 429 and Retry-After (RFC 6585 §4)', async () => {
      const registered = await registerInRoom(c);
      expect(registered.status, registered.text).toBe(201);
      const client = registered.body as Client;
      // Each process on its own buckets would allow 12 of these; the shared buckets allow 6 in all.
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => clientCredentials(i % 2 === 0 ? c : d, client)));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(6);
      const limited = answers.filter((r) => r.status === 429);
      expect(limited).toHaveLength(6);
      expect(new Set(limited.map((r) => r.body.error))).toEqual(new Set(['temporarily_unavailable']));
      for (const r of limited) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });

    it('accepts the current lab user set on one process in the answers of the other (PUT /lab/user)', async () => {
      const put = await request(`${c.url}/lab/user`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'bob' }) });
      expect(put.status).toBe(200);
      expect((await request(`${d.url}/lab/user`)).body.user).toBe('bob');
    });

    it('rejects past 5 a minute the registrations made with one initial access token on either process', async () => {
      // One registration was made above; 4 more fit in the minute, whichever process takes them.
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => registerInRoom(i % 2 === 0 ? d : c)));
      expect(answers.filter((r) => r.status === 201), answers.map((r) => r.text).join('\n')).toHaveLength(4);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(2);
    });
  });
});

describe.skipIf(!built)('authlab server --store', () => {
  const usage = async (args: string[]): Promise<{ code: number | null; stderr: string }> => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../bin/authlab.js', import.meta.url)), 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stderr };
  };
  it('rejects --store with --data because both say where the state is kept', async () => {
    const answer = await usage(['--store', 'postgres://localhost/authlab', '--data', '/tmp/nowhere']);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain('--store and --data');
  });
  it('rejects a --store that is not a postgres:// URL, without echoing its password', async () => {
    const answer = await usage(['--store', 'mysql://user:hunter2@localhost/db']);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain('--store must be a postgres:// or postgresql:// URL');
    expect(answer.stderr).not.toContain('hunter2');
  });
});
