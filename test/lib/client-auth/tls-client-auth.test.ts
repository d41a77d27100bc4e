import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateClient, type AuthorizationServerContext, type RegisteredClient } from '../../../lib/index.js';
import { createCertificateAuthority, generateKeyPair, issueCertificate, type CertificateAuthority } from '../../../lib/keys/index.js';
import { NOW, rejection, serverContext } from '../../support/server.js';

// Real certificates: a lab CA, and client certificates it issues, all valid around the frozen clock.
const notBefore = new Date((NOW - 3600) * 1000);
let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let server: AuthorizationServerContext;
let clientDer: Uint8Array;

beforeAll(async () => {
  ca = await createCertificateAuthority({ subject: '/CN=Lab CA', notBefore });
  otherCa = await createCertificateAuthority({ subject: '/CN=Other CA', notBefore });
  server = serverContext({ trustAnchors: [ca.der] });
  const key = await generateKeyPair();
  clientDer = (await issueCertificate({
    ca,
    publicKey: key,
    subject: '/C=JP/O=Example Org/OU=Payments/CN=client.example.com',
    san: [
      { type: 'dNSName', value: 'client.example.com' },
      { type: 'uniformResourceIdentifier', value: 'https://client.example.com/app' },
      { type: 'iPAddress', value: '192.0.2.7' },
      { type: 'iPAddress', value: '2001:db8::7' },
      { type: 'rfc822Name', value: 'Ops@Client.Example.com' },
    ],
    notBefore,
    extendedKeyUsage: ['clientAuth'],
  })).der;
});

const client = (fields: Partial<RegisteredClient>): RegisteredClient => ({ client_id: 'mtls', token_endpoint_auth_method: 'tls_client_auth', ...fields });
const run = (fields: Partial<RegisteredClient>, der: Uint8Array = clientDer, context = server) =>
  authenticateClient(
    { headers: {}, body: { client_id: 'mtls', grant_type: 'client_credentials' }, clientCertificate: der },
    { findClient: () => client(fields), server: context },
  );

describe('tls_client_auth (RFC 8705 §2.1)', () => {
  it('rejects a presented certificate changed in place after it authenticated once, because a parsed view is reused only for unchanged bytes', async () => {
    const der = Uint8Array.from(clientDer);
    const fields = { tls_client_auth_subject_dn: 'CN=client.example.com,OU=Payments,O=Example Org,C=JP' };
    expect((await run(fields, der)).method).toBe('tls_client_auth');
    der[der.length - 3] = (der[der.length - 3] as number) ^ 0x01; // inside the signature
    expect((await rejection(run(fields, der))).code).toBe('ERR_CERTIFICATE_CHAIN');
  });

  it.each([
    ['tls_client_auth_subject_dn', 'CN=client.example.com,OU=Payments,O=Example Org,C=JP'],
    ['tls_client_auth_subject_dn', 'cn=Client.Example.com, ou=payments, o=example  org, c=jp'],
    ['tls_client_auth_subject_dn', '2.5.4.3=client.example.com,2.5.4.11=Payments,2.5.4.10=Example Org,2.5.4.6=JP'],
    ['tls_client_auth_san_dns', 'client.example.com'],
    ['tls_client_auth_san_dns', 'CLIENT.example.COM'],
    ['tls_client_auth_san_uri', 'https://client.example.com/app'],
    ['tls_client_auth_san_ip', '192.0.2.7'],
    ['tls_client_auth_san_ip', '2001:0db8:0:0:0:0:0:0007'],
    ['tls_client_auth_san_email', 'Ops@client.example.com'],
  ])('accepts a certificate whose %s matches %s', async (field, value) => {
    const result = await run({ [field]: value });
    expect(result.method).toBe('tls_client_auth');
    expect(result.certificateThumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['certificate chain', field]));
  });

  it.each([
    ['tls_client_auth_subject_dn', 'CN=client.example.com,O=Example Org,C=JP'],
    ['tls_client_auth_subject_dn', 'C=JP,O=Example Org,OU=Payments,CN=client.example.com'],
    ['tls_client_auth_san_dns', 'other.example.com'],
    ['tls_client_auth_san_uri', 'https://client.example.com/app/'],
    ['tls_client_auth_san_ip', '192.0.2.8'],
    ['tls_client_auth_san_ip', '::ffff:192.0.2.7'],
    ['tls_client_auth_san_email', 'ops@client.example.com'],
  ])('rejects a certificate whose %s does not match %s', async (field, value) => {
    const error = await rejection(run({ [field]: value }));
    expect(error).toMatchObject({ code: 'ERR_CERTIFICATE_MISMATCH', error: 'invalid_client', status: 400 });
  });

  it('rejects a certificate issued by a CA the server does not trust', async () => {
    const key = await generateKeyPair();
    const foreign = await issueCertificate({ ca: otherCa, publicKey: key, subject: '/CN=client.example.com', notBefore });
    expect((await rejection(run({ tls_client_auth_san_dns: 'client.example.com' }, foreign.der))).code).toBe('ERR_CERTIFICATE_CHAIN');
  });

  it('rejects a certificate that has expired at the server clock', async () => {
    const key = await generateKeyPair();
    const old = await issueCertificate({ ca, publicKey: key, subject: '/CN=old', days: 1, notBefore: new Date((NOW - 3 * 86_400) * 1000) });
    const error = await rejection(run({ tls_client_auth_subject_dn: 'CN=old' }, old.der));
    expect(error.code).toBe('ERR_CERTIFICATE_CHAIN');
  });

  it('accepts a chain through an intermediate CA sent by the client', async () => {
    const intermediateKey = await generateKeyPair();
    const intermediate = await issueCertificate({ ca, publicKey: intermediateKey, subject: '/CN=Lab Intermediate', isCA: true, notBefore });
    const { loadCertificateAuthority } = await import('../../../lib/keys/index.js');
    const sub = loadCertificateAuthority(intermediateKey.privateKeyPem, intermediate.pem);
    const leafKey = await generateKeyPair();
    const leaf = await issueCertificate({ ca: sub, publicKey: leafKey, subject: '/CN=leaf', notBefore });
    const result = await authenticateClient(
      { headers: {}, body: { client_id: 'mtls' }, clientCertificate: leaf.der, clientCertificateChain: [intermediate.der] },
      { findClient: () => client({ tls_client_auth_subject_dn: 'CN=leaf' }), server },
    );
    expect(result.method).toBe('tls_client_auth');
  });

  it('rejects when no certificate was presented', async () => {
    const error = await rejection(authenticateClient(
      { headers: {}, body: { client_id: 'mtls' } },
      { findClient: () => client({ tls_client_auth_san_dns: 'client.example.com' }), server },
    ));
    expect(error.code).toBe('ERR_METHOD_NOT_REGISTERED');
  });

  it('rejects garbage presented as a certificate with a coded error', async () => {
    const error = await rejection(run({ tls_client_auth_san_dns: 'x' }, Uint8Array.from([0x30, 0x82, 0xff, 0xff, 1, 2])));
    expect(error.error).toBe('invalid_client');
    expect(error.code).toMatch(/^ERR_/);
  });

  it('rejects a client that registered two tls_client_auth_* values', async () => {
    const error = await rejection(run({ tls_client_auth_san_dns: 'client.example.com', tls_client_auth_san_ip: '192.0.2.7' }));
    expect(error.code).toBe('ERR_TLS_CLIENT_AUTH_METADATA');
  });

  it('rejects every certificate when the server has no trust anchors', async () => {
    const error = await rejection(run({ tls_client_auth_san_dns: 'client.example.com' }, clientDer, serverContext()));
    expect(error.code).toBe('ERR_CERTIFICATE_CHAIN');
    expect(error.message).toContain('no trust anchors');
  });
});
