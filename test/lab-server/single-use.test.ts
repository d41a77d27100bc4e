// One-time credentials claimed in the replay store: the claim refuses a second redemption, and the
// claims stay out of the learner's /lab/replay listing (they are not assertion jti values).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { basic, postForm, register, request, startTestServer, traceOf } from './support.js';

let server: RunningLabServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('one-time credentials in the replay store', () => {
  it('rejects a second redemption of an authorization code with ERR_CODE_REUSED and lists no claim at /lab/replay', async () => {
    const redirectUri = 'https://app.example/callback';
    const client = await register(server, { grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [redirectUri] });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' });
    const code = new URL((await request(`${server.httpUrl}/authorize?${query}`)).headers.location as string).searchParams.get('code') as string;
    const redeem = () => postForm(`${server.httpUrl}/token`, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
      { headers: { authorization: basic(client.client_id, client.client_secret as string) } });
    const [first, second] = await Promise.all([redeem(), redeem()]);
    expect([first.status, second.status].sort()).toEqual([200, 400]);
    const refused = first.status === 400 ? first : second;
    expect(traceOf(server, refused).outcome.code).toBe('ERR_CODE_REUSED');
    // The claim is in the replay store (as a digest, never the code) …
    const stored = await server.store.replay.list(Date.now());
    expect(stored.some((e) => e.iss === 'urn:client-auth-lab:single-use:authorization_code' && e.jti !== code)).toBe(true);
    // … but not among the pairs a learner looks at.
    const listed = (await request(`${server.httpUrl}/lab/replay`)).body as { entries: { iss: string }[] };
    expect(listed.entries.filter((e) => e.iss.startsWith('urn:client-auth-lab:single-use:'))).toEqual([]);
  });
});
