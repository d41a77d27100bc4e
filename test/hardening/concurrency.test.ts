// Concurrency over real sockets: one assertion sent many times at once is accepted exactly once, and
// parallel registrations on a persisting store are neither lost nor duplicated.
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '@client-auth-lab/lab-server';
import { forgeJws } from '../support/server.js';

const labs: Lab[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(labs.map((lab) => lab.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('concurrency', () => {
  it('accepts exactly one of 40 simultaneous token requests reusing one jti; the rest are replays', async () => {
    const lab = await startLab();
    labs.push(lab);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k' };
    const { client_id } = await lab.register({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [jwk] } });
    const now = Math.floor(Date.now() / 1000);
    const jwt = forgeJws({ alg: 'ES256', kid: 'k' }, { iss: client_id, sub: client_id, aud: lab.urls.token, jti: randomUUID(), iat: now, exp: now + 60 }, { alg: 'ES256', privateKey: pair.privateKey });
    const form = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt };
    const answers = await Promise.all(Array.from({ length: 40 }, () => lab.request(lab.urls.token, { form })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const refusals = answers.filter((a) => a.status !== 200);
    expect(new Set(refusals.map((a) => `${a.status} ${a.body.error}`))).toEqual(new Set(['400 invalid_client']));
    expect(lab.traces({ clientId: client_id }).filter((t) => t.outcome.code === 'ERR_ASSERTION_REPLAYED')).toHaveLength(39);
  });

  it('keeps every one of 60 parallel registrations on a persisting store, each once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'authlab-concurrency-'));
    dirs.push(dataDir);
    const lab = await startLab({ dataDir });
    const registered = await Promise.all(Array.from({ length: 60 }, (_, i) => lab.register({ grant_types: ['client_credentials'], client_name: `student ${i}` })));
    const ids = registered.map((r) => r.client_id);
    expect(new Set(ids).size).toBe(60);
    await lab.stop();
    const again = await startLab({ dataDir });
    labs.push(again);
    const listed = (await again.request(`${again.httpUrl}/lab/clients`)).body as { clients: { client_id: string }[] };
    const stored = listed.clients.map((c) => c.client_id);
    expect(stored.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(stored).size).toBe(stored.length);
  });
});
