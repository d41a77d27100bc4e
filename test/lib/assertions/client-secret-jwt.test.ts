import { describe, expect, it } from 'vitest';
import { authenticateClient, type RegisteredClient } from '../../../lib/index.js';
import { NOW, assertionClaims, assertionRequest, keyFor, rejection, serverContext, sign } from '../../support/server.js';

const secret = 'a-client-secret-that-is-at-least-64-bytes-long-for-hs512-0123456789';
const client: RegisteredClient = { client_id: 'csj', client_secret: secret, token_endpoint_auth_method: 'client_secret_jwt' };
const run = (jwt: string, c: RegisteredClient = client) => authenticateClient(assertionRequest(jwt), { findClient: () => c, server: serverContext() });

describe('client_secret_jwt', () => {
  it.each(['HS256', 'HS384', 'HS512'])('accepts an assertion MACed with the client secret using %s', async (alg) => {
    const result = await run(await sign(assertionClaims('csj'), alg, secret));
    expect(result.method).toBe('client_secret_jwt');
  });
  it.each([['HS256', 32], ['HS384', 48], ['HS512', 64]] as const)('rejects %s with a secret one octet shorter than its hash because of RFC 7518 §3.2', async (alg, octets) => {
    const short = 'x'.repeat(octets - 1);
    const error = await rejection(run(await sign(assertionClaims('csj'), alg, short), { ...client, client_secret: short }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_TOO_SHORT', spec: 'RFC 7518 §3.2; OIDC Core §16.19' });
  });
  it('rejects a MAC made with another secret', async () => {
    expect((await rejection(run(await sign(assertionClaims('csj'), 'HS256', 'not-the-secret-but-just-as-long-as-one')))).code).toBe('ERR_ASSERTION_SIGNATURE');
  });
  it('rejects an asymmetric alg because client_secret_jwt uses HMAC only', async () => {
    const jwt = await sign(assertionClaims('csj'), 'ES256', keyFor('ES256').privateKey);
    expect((await rejection(run(jwt))).code).toBe('ERR_ASSERTION_ALG_METHOD');
  });
  it('rejects when the client secret has expired', async () => {
    const jwt = await sign(assertionClaims('csj'), 'HS256', secret);
    expect((await rejection(run(jwt, { ...client, client_secret_expires_at: NOW - 10 }))).code).toBe('ERR_CLIENT_SECRET_EXPIRED');
  });
  it('rejects an HS384 assertion from a client registered for HS256', async () => {
    const jwt = await sign(assertionClaims('csj'), 'HS384', secret);
    expect((await rejection(run(jwt, { ...client, token_endpoint_auth_signing_alg: 'HS256' }))).code).toBe('ERR_ASSERTION_ALG_NOT_REGISTERED');
  });
  it('rejects an HMAC assertion from a client registered for private_key_jwt', async () => {
    const jwt = await sign(assertionClaims('csj'), 'HS256', secret);
    expect((await rejection(run(jwt, { ...client, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keyFor('ES256').publicJwk] } }))).code)
      .toBe('ERR_ASSERTION_ALG_METHOD');
  });
});
