import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticateClient, createJwksResolver, type Jwk, type RegisteredClient } from '../../../lib/index.js';
import { assertionClaims, assertionRequest, keyFor, rejection, serverContext, sign } from '../../support/server.js';

// A real HTTP server on loopback plays the client's jwks_uri.
let server: Server;
let base = '';
let served: { keys: Jwk[] } | string = { keys: [] };
let delayMs = 0;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    setTimeout(() => {
      if (req.url === '/missing') {
        res.writeHead(404).end();
        return;
      }
      const body = typeof served === 'string' ? served : JSON.stringify(served);
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (path = '/jwks'): RegisteredClient => ({ client_id: 'remote', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${base}${path}` });

describe('jwks_uri', () => {
  it('accepts an assertion verified with a key fetched from jwks_uri, and caches the set', async () => {
    const key = keyFor('ES256', { kid: 'k1' });
    served = { keys: [key.publicJwk] };
    hits = 0;
    const context = serverContext({ jwks: createJwksResolver() });
    for (let i = 0; i < 3; i++) {
      const jwt = await sign(assertionClaims('remote'), 'ES256', key.privateKey, { kid: 'k1' });
      expect((await authenticateClient(assertionRequest(jwt), { findClient: () => client(), server: context })).method).toBe('private_key_jwt');
    }
    expect(hits).toBe(1);
  });

  it('fetches the set again when the kid is unknown (key rotation)', async () => {
    const oldKey = keyFor('ES256', { kid: 'old' });
    const newKey = keyFor('ES256', { kid: 'new' });
    served = { keys: [oldKey.publicJwk] };
    let clock = 1_000_000;
    const context = serverContext({ jwks: createJwksResolver({ now: () => clock }) });
    const first = await sign(assertionClaims('remote'), 'ES256', oldKey.privateKey, { kid: 'old' });
    await authenticateClient(assertionRequest(first), { findClient: () => client(), server: context });
    served = { keys: [newKey.publicJwk] };
    clock += 10_000;
    const second = await sign(assertionClaims('remote'), 'ES256', newKey.privateKey, { kid: 'new' });
    expect((await authenticateClient(assertionRequest(second), { findClient: () => client(), server: context })).method).toBe('private_key_jwt');
  });

  it('rejects with a clear error when jwks_uri answers 404', async () => {
    const key = keyFor('ES256', { kid: 'k1' });
    const jwt = await sign(assertionClaims('remote'), 'ES256', key.privateKey, { kid: 'k1' });
    const error = await rejection(authenticateClient(assertionRequest(jwt), { findClient: () => client('/missing'), server: serverContext() }));
    expect(error.code).toBe('ERR_JWKS_FETCH');
    expect(error.message).toContain('HTTP 404');
  });

  it('rejects a jwks_uri that answers too slowly', async () => {
    const key = keyFor('ES256', { kid: 'k1' });
    served = { keys: [key.publicJwk] };
    delayMs = 300;
    try {
      const jwt = await sign(assertionClaims('remote'), 'ES256', key.privateKey, { kid: 'k1' });
      const context = serverContext({ jwks: createJwksResolver({ timeoutMs: 100 }) });
      const error = await rejection(authenticateClient(assertionRequest(jwt), { findClient: () => client(), server: context }));
      expect(error.code).toBe('ERR_JWKS_FETCH');
    } finally {
      delayMs = 0;
    }
  });

  it('rejects a jwks_uri document larger than the limit', async () => {
    served = JSON.stringify({ keys: [], padding: 'x'.repeat(100_000) });
    const resolver = createJwksResolver({ maxBytes: 65_536 });
    await expect(resolver.keysFor(client())).rejects.toMatchObject({ code: 'ERR_JWKS_TOO_LARGE' });
  });

  it('rejects a jwks_uri that does not return a JWK Set', async () => {
    served = '{"keys": "nope"}';
    await expect(createJwksResolver().keysFor(client())).rejects.toMatchObject({ code: 'ERR_JWKS_INVALID' });
  });
});
