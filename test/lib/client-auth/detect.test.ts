import { describe, expect, it } from 'vitest';
import { authenticateClient, detectClientAuthentication, encodeClientSecretBasic, type RegisteredClient } from '../../../lib/index.js';
import { assertionClaims, assertionRequest, keyFor, rejection, serverContext, sign } from '../../support/server.js';

const basic = encodeClientSecretBasic('c1', 'secret');

describe('detectClientAuthentication', () => {
  it('detects HTTP Basic', () => {
    expect(detectClientAuthentication({ headers: { authorization: basic }, body: {} })).toMatchObject({ mechanism: 'client_secret_basic', clientId: 'c1' });
  });
  it('detects client_secret in the body', () => {
    expect(detectClientAuthentication({ headers: {}, body: { client_id: 'c1', client_secret: 'x' } })).toMatchObject({ mechanism: 'client_secret_post', clientId: 'c1' });
  });
  it('detects a client assertion and takes the client from its sub', async () => {
    const jwt = await sign(assertionClaims('c9'), 'ES256', keyFor('ES256').privateKey);
    expect(detectClientAuthentication(assertionRequest(jwt))).toMatchObject({ mechanism: 'client_assertion', clientId: 'c9' });
  });
  it('detects a TLS client certificate with client_id', () => {
    expect(detectClientAuthentication({ headers: {}, body: { client_id: 'c1' }, clientCertificate: new Uint8Array([0x30, 0]) }))
      .toMatchObject({ mechanism: 'tls_client_certificate' });
  });
  it('detects a bare client_id', () => {
    expect(detectClientAuthentication({ headers: {}, body: { client_id: 'c1' } })).toMatchObject({ mechanism: 'client_id_only' });
  });
  it('ignores an Authorization header of another scheme', () => {
    expect(detectClientAuthentication({ headers: { authorization: 'Bearer abc' }, body: { client_id: 'c1' } })).toMatchObject({ mechanism: 'client_id_only' });
  });
  it('rejects Basic and client_secret together because only one method may be used (RFC 6749 §2.3)', () => {
    expect(() => detectClientAuthentication({ headers: { authorization: basic }, body: { client_id: 'c1', client_secret: 'x' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_MULTIPLE_MECHANISMS', error: 'invalid_request' }));
  });
  it('rejects client_secret and client_assertion together with invalid_client (RFC 7521 §4.2.1)', () => {
    expect(() => detectClientAuthentication({ headers: {}, body: { client_id: 'c1', client_secret: 'x', client_assertion: 'a.b.c', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_MULTIPLE_MECHANISMS', error: 'invalid_client', spec: 'RFC 6749 §2.3; RFC 7521 §4.2.1' }));
  });
  it('rejects a client_id that differs from the Basic user name', () => {
    expect(() => detectClientAuthentication({ headers: { authorization: basic }, body: { client_id: 'c2' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_CLIENT_ID_MISMATCH', error: 'invalid_request' }));
  });
  it("rejects a client_id that differs from the assertion's sub", async () => {
    const jwt = await sign(assertionClaims('c9'), 'ES256', keyFor('ES256').privateKey);
    expect(() => detectClientAuthentication(assertionRequest(jwt, { client_id: 'c8' })))
      .toThrow(expect.objectContaining({ code: 'ERR_CLIENT_ID_MISMATCH', error: 'invalid_client', spec: 'RFC 7521 §4.2.1' }));
  });
  it("rejects a client_id that differs from the assertion's iss", async () => {
    const jwt = await sign(assertionClaims('c9', { iss: 'c8' }), 'ES256', keyFor('ES256').privateKey);
    expect(() => detectClientAuthentication(assertionRequest(jwt, { client_id: 'c9' })))
      .toThrow(expect.objectContaining({ code: 'ERR_CLIENT_ID_MISMATCH', error: 'invalid_client' }));
  });
  it('rejects a request with no credentials and no client_id', () => {
    expect(() => detectClientAuthentication({ headers: {}, body: { grant_type: 'client_credentials' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_NO_CLIENT_AUTHENTICATION', error: 'invalid_client', status: 401, wwwAuthenticate: expect.stringMatching(/^Basic /) }));
  });
  it('rejects a certificate without client_id because RFC 8705 §2 requires it', () => {
    expect(() => detectClientAuthentication({ headers: {}, body: {}, clientCertificate: new Uint8Array([0x30, 0]) }))
      .toThrow(expect.objectContaining({ code: 'ERR_NO_CLIENT_AUTHENTICATION' }));
  });
  it('rejects a wrong client_assertion_type', () => {
    expect(() => detectClientAuthentication({ headers: {}, body: { client_assertion: 'a.b.c', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_ASSERTION_TYPE', error: 'invalid_request' }));
  });
  it('rejects client_assertion_type without client_assertion', () => {
    expect(() => detectClientAuthentication({ headers: {}, body: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' } }))
      .toThrow(expect.objectContaining({ code: 'ERR_ASSERTION_MISSING' }));
  });
  it('rejects a client_assertion that is not a JWT', () => {
    expect(() => detectClientAuthentication(assertionRequest('not-a-jwt')))
      .toThrow(expect.objectContaining({ code: 'ERR_JWT_MALFORMED', error: 'invalid_client' }));
  });
});

describe('none (public clients)', () => {
  const publicClient: RegisteredClient = { client_id: 'spa', token_endpoint_auth_method: 'none' };
  it('accepts a public client that sends only client_id', async () => {
    const result = await authenticateClient({ headers: {}, body: { client_id: 'spa' } }, { findClient: () => publicClient, server: serverContext() });
    expect(result.method).toBe('none');
  });
  it('rejects a bare client_id from a confidential client', async () => {
    const error = await rejection(authenticateClient({ headers: {}, body: { client_id: 'spa' } }, {
      findClient: () => ({ client_id: 'spa', client_secret: 'x' }),
      server: serverContext(),
    }));
    expect(error.code).toBe('ERR_METHOD_NOT_REGISTERED');
    expect(error.message).toContain('client_secret_basic (the default');
  });
  it('accepts a public client that presents a TLS client certificate, identified by client_id alone (RFC 8705 §4)', async () => {
    const result = await authenticateClient({ headers: {}, body: { client_id: 'spa' }, clientCertificate: new Uint8Array([0x30, 0]) }, { findClient: () => publicClient, server: serverContext() });
    expect(result.method).toBe('none');
    expect(result.checks.find((c) => c.name === 'registered method')?.spec).toBe('RFC 8705 §4');
    expect(result.certificateThumbprint).toBeDefined();
  });
  it('tells a tls_client_auth client that no certificate reached the server', async () => {
    const error = await rejection(authenticateClient({ headers: {}, body: { client_id: 'm' } }, {
      findClient: () => ({ client_id: 'm', token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a' }),
      server: serverContext(),
    }));
    expect(error.code).toBe('ERR_METHOD_NOT_REGISTERED');
    expect(error.message).toContain('no client certificate reached the server');
  });
});
