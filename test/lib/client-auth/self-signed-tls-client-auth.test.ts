import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateClient, x5tS256, type Jwk, type RegisteredClient } from '../../../lib/index.js';
import { createSelfSignedCertificate, generateKeyPair, type IssuedCertificate } from '../../../lib/keys/index.js';
import { jwkWithX5c } from '../../../lib/x509/index.js';
import { NOW, rejection, serverContext } from '../../support/server.js';

let certificate: IssuedCertificate;
let registeredJwk: Jwk;

beforeAll(async () => {
  const key = await generateKeyPair();
  certificate = await createSelfSignedCertificate({ key, subject: '/CN=client.example.com', notBefore: new Date((NOW - 60) * 1000) });
  registeredJwk = jwkWithX5c(key.publicJwk as Jwk, [certificate.der]) as Jwk;
});

const client = (jwk: Jwk): RegisteredClient => ({ client_id: 'ss', token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [jwk] } });
const run = (jwk: Jwk, der: Uint8Array) =>
  authenticateClient({ headers: {}, body: { client_id: 'ss' }, clientCertificate: der }, { findClient: () => client(jwk), server: serverContext() });

describe('self_signed_tls_client_auth (RFC 8705 §2.2)', () => {
  it('accepts the certificate registered in x5c[0], with no CA involved', async () => {
    const result = await run(registeredJwk, certificate.der);
    expect(result.method).toBe('self_signed_tls_client_auth');
    expect(result.certificateThumbprint).toBe(x5tS256(certificate.der));
  });

  it('keeps x5c as standard Base64, not base64url (RFC 7517 §4.7)', () => {
    expect(registeredJwk.x5c?.[0]).toBe(Buffer.from(certificate.der).toString('base64'));
  });

  it('rejects another self-signed certificate for the same subject', async () => {
    const other = await createSelfSignedCertificate({ key: await generateKeyPair(), subject: '/CN=client.example.com' });
    const error = await rejection(run(registeredJwk, other.der));
    expect(error).toMatchObject({ code: 'ERR_CERTIFICATE_NOT_REGISTERED', error: 'invalid_client' });
  });

  it('rejects when the registered key has no x5c', async () => {
    const { x5c: _, ...bare } = registeredJwk;
    expect((await rejection(run(bare as Jwk, certificate.der))).code).toBe('ERR_CERTIFICATE_NOT_REGISTERED');
  });
});
