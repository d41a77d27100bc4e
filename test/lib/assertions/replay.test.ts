import { describe, expect, it } from 'vitest';
import { authenticateClient, InMemoryReplayStore, replayKey, type RegisteredClient } from '../../../lib/index.js';
import { assertionClaims, assertionRequest, keyFor, serverContext, sign } from '../../support/server.js';

describe('InMemoryReplayStore', () => {
  it('accepts exactly one of many simultaneous inserts of the same (iss, jti)', async () => {
    const store = new InMemoryReplayStore();
    const results = await Promise.all(Array.from({ length: 200 }, () => store.insertIfAbsent('c', 'j', 2_000, 1_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
  it('keeps issuers apart: the same jti from two clients is two entries', async () => {
    const store = new InMemoryReplayStore();
    expect(await store.insertIfAbsent('a', 'j', 2_000, 1_000)).toBe(true);
    expect(await store.insertIfAbsent('b', 'j', 2_000, 1_000)).toBe(true);
  });
  it('keys unambiguously on (iss, jti)', () => {
    expect(replayKey('a.b', 'c')).not.toBe(replayKey('a', 'b.c'));
    expect(replayKey('a:b', 'c')).not.toBe(replayKey('a', 'b:c'));
  });
  it('forgets a jti once it has expired', async () => {
    const store = new InMemoryReplayStore();
    await store.insertIfAbsent('a', 'j', 2_000, 1_000);
    expect(await store.insertIfAbsent('a', 'j', 2_000, 1_500)).toBe(false);
    expect(await store.insertIfAbsent('a', 'j', 30_000, 20_000)).toBe(true);
  });
});

describe('replay under concurrency', () => {
  it('authenticates exactly one of 50 simultaneous requests carrying one assertion', async () => {
    const key = keyFor('ES256');
    const client: RegisteredClient = { client_id: 'pkj', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } };
    const server = serverContext();
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => authenticateClient(assertionRequest(jwt), { findClient: () => client, server })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code: string }).code] : []));
    expect(new Set(codes)).toEqual(new Set(['ERR_ASSERTION_REPLAYED']));
  });
});
