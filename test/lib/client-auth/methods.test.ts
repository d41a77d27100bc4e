// Each method's verifier also stands alone (notebooks and exercises call them directly), so each
// repeats the checks that detectClientAuthentication makes when it runs first.
import { describe, expect, it } from 'vitest';
import {
  encodeClientSecretBasic,
  verifyClientSecretBasic,
  verifyClientSecretJwt,
  verifyClientSecretPost,
  verifySelfSignedTlsClientAuth,
  verifyTlsClientAuth,
  type RegisteredClient,
} from '../../../lib/index.js';
import { assertionClaims, assertionRequest, rejection, serverContext, sign } from '../../support/server.js';

const client: RegisteredClient = { client_id: 'c1', client_secret: 'secret' };

describe('verifyClientSecretBasic', () => {
  it('accepts the right credentials', async () => {
    const result = await verifyClientSecretBasic({ headers: { authorization: encodeClientSecretBasic('c1', 'secret') }, body: {} }, client, serverContext());
    expect(result.method).toBe('client_secret_basic');
  });
  it("rejects credentials of another client_id than the client's", async () => {
    const error = await rejection(verifyClientSecretBasic({ headers: { authorization: encodeClientSecretBasic('c2', 'secret') }, body: {} }, client, serverContext()));
    expect(error.code).toBe('ERR_CLIENT_ID_MISMATCH');
  });
  it('rejects a client that has no registered secret', async () => {
    const error = await rejection(verifyClientSecretBasic({ headers: { authorization: encodeClientSecretBasic('c1', 'secret') }, body: {} }, { client_id: 'c1' }, serverContext()));
    expect(error.code).toBe('ERR_CLIENT_NO_SECRET');
  });
  it('rejects a missing header as malformed', async () => {
    expect((await rejection(verifyClientSecretBasic({ headers: {}, body: {} }, client, serverContext()))).code).toBe('ERR_BASIC_MALFORMED');
  });
});

describe('verifyClientSecretPost', () => {
  it("rejects a body client_id other than the client's", async () => {
    const error = await rejection(verifyClientSecretPost({ headers: {}, body: { client_id: 'c2', client_secret: 'secret' } }, client, serverContext()));
    expect(error.code).toBe('ERR_CLIENT_ID_MISMATCH');
  });
  it('rejects a body without client_secret', async () => {
    const error = await rejection(verifyClientSecretPost({ headers: {}, body: { client_id: 'c1' } }, client, serverContext()));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISSING', error: 'invalid_request' });
  });
});

describe('verifyClientSecretJwt', () => {
  it('rejects a client without a secret to verify the MAC with', async () => {
    const jwt = await sign(assertionClaims('c1'), 'HS256', 'some-secret-of-enough-length-for-hs256!!');
    const error = await rejection(verifyClientSecretJwt(assertionRequest(jwt), { client_id: 'c1' }, serverContext()));
    expect(error.code).toBe('ERR_CLIENT_NO_SECRET');
  });
});

describe('the mutual-TLS verifiers', () => {
  it('reject a request that presented no certificate', async () => {
    const request = { headers: {}, body: { client_id: 'c1' } };
    expect((await rejection(verifyTlsClientAuth(request, { client_id: 'c1', tls_client_auth_san_dns: 'a' }, serverContext()))).code).toBe('ERR_NO_CLIENT_CERTIFICATE');
    expect((await rejection(verifySelfSignedTlsClientAuth(request, { client_id: 'c1', jwks: { keys: [] } }, serverContext()))).code).toBe('ERR_NO_CLIENT_CERTIFICATE');
  });
});
