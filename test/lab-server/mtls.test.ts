import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, generateKeyPair } from '@client-auth-lab/lib';
import type { IssuedClientCertificate, RunningLabServer } from '@client-auth-lab/lab-server';
import {
  assertionClaims, basic, ecKey, JWT_BEARER, postForm, register, request, signJwt, startTestServer, traceOf, type RegisteredTestClient,
} from './support.js';

interface SelfSigned {
  certificatePem: string;
  privateKeyPem: string;
  der: Uint8Array;
  jwk: Record<string, unknown>;
}

async function selfSigned(subject: string): Promise<SelfSigned> {
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  const certificate = await createSelfSignedCertificate({ key, subject, days: 30 });
  return {
    certificatePem: certificate.pem,
    privateKeyPem: key.privateKeyPem,
    der: certificate.der,
    jwk: { ...key.publicJwk, x5c: [Buffer.from(certificate.der).toString('base64')] },
  };
}

let server: RunningLabServer;
let mtlsToken: string;
let ca: string;
let pkiCert: IssuedClientCertificate;
let otherPkiCert: IssuedClientCertificate;
let own: SelfSigned;
let stranger: SelfSigned;
let pkiClient: RegisteredTestClient;
let dnClient: RegisteredTestClient;
let selfClient: RegisteredTestClient;
let boundSecretClient: RegisteredTestClient;

beforeAll(async () => {
  server = await startTestServer();
  mtlsToken = `${server.httpsUrl}/token`;
  ca = server.caCertificatePem;
  pkiCert = await server.ca.issueClientCertificate({ subject: '/O=client-auth-lab/CN=mtls-client', san: [{ type: 'dNSName', value: 'client.lab.example' }] });
  otherPkiCert = await server.ca.issueClientCertificate({ subject: '/O=client-auth-lab/CN=someone-else', san: [{ type: 'dNSName', value: 'other.lab.example' }] });
  own = await selfSigned('/CN=self-signed-client');
  stranger = await selfSigned('/CN=self-signed-client');
  pkiClient = await register(server, {
    token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'client.lab.example',
    tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'],
  });
  dnClient = await register(server, { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=mtls-client,O=client-auth-lab', grant_types: ['client_credentials'] });
  selfClient = await register(server, {
    token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [own.jwk] },
    tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'],
  });
  boundSecretClient = await register(server, { token_endpoint_auth_method: 'client_secret_basic', tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'] });
});
afterAll(() => server.stop());

const tokenRequest = (clientId: string, cert?: { certificatePem: string; privateKeyPem: string }) =>
  postForm(mtlsToken, { grant_type: 'client_credentials', client_id: clientId }, { ca, ...(cert === undefined ? {} : { cert: cert.certificatePem, key: cert.privateKeyPem }) });

describe('tls_client_auth over the mutual-TLS listener (RFC 8705 §2.1)', () => {
  it('accepts a CA-issued certificate whose SAN matches and binds the token to it', async () => {
    const answer = await tokenRequest(pkiClient.client_id, pkiCert);
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace).toMatchObject({ method: 'tls_client_auth', request: { listener: 'https', certificate: { source: 'tls', 'x5t#S256': pkiCert['x5t#S256'] } } });
    expect(server.context.store.tokens.get(answer.body.access_token)?.cnf).toEqual({ 'x5t#S256': pkiCert['x5t#S256'] });
  });
  it('accepts a certificate whose subject DN matches tls_client_auth_subject_dn', async () => {
    const answer = await tokenRequest(dnClient.client_id, pkiCert);
    expect(answer.status).toBe(200);
  });
  it('rejects a CA-issued certificate for another name because the registered SAN does not match', async () => {
    const answer = await tokenRequest(pkiClient.client_id, otherPkiCert);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CERTIFICATE_MISMATCH');
  });
  it('rejects a self-signed certificate because it does not chain to a trust anchor', async () => {
    const answer = await tokenRequest(pkiClient.client_id, own);
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CERTIFICATE_CHAIN');
  });
  it('rejects a request without a certificate because nothing proves the client', async () => {
    const answer = await tokenRequest(pkiClient.client_id);
    expect(answer.status).toBe(401);
    const trace = traceOf(server, answer);
    expect(trace.outcome.code).toBe('ERR_METHOD_NOT_REGISTERED');
    expect(trace.notes.join(' ')).toContain('no certificate');
  });
  it('rejects the same request on the plain listener because no certificate can arrive there', async () => {
    const answer = await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials', client_id: pkiClient.client_id });
    expect(answer.status).toBe(401);
    expect(answer.body.error_description).toContain('mutual-TLS');
  });
});

describe('self_signed_tls_client_auth (RFC 8705 §2.2)', () => {
  it('accepts the self-signed certificate registered in x5c', async () => {
    const answer = await tokenRequest(selfClient.client_id, own);
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).method).toBe('self_signed_tls_client_auth');
  });
  it('rejects another self-signed certificate with the same subject because its thumbprint is not registered', async () => {
    const answer = await tokenRequest(selfClient.client_id, stranger);
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_CERTIFICATE_NOT_REGISTERED');
  });
  it('rejects a CA-issued certificate because only the registered one counts', async () => {
    const answer = await tokenRequest(selfClient.client_id, pkiCert);
    expect(answer.status).toBe(400);
  });
});

describe('certificate-bound access tokens (RFC 8705 §3)', () => {
  let bound: string;
  beforeAll(async () => {
    bound = (await tokenRequest(selfClient.client_id, own)).body.access_token;
  });
  it('serves the resource over mutual TLS with the same certificate', async () => {
    const answer = await request(`${server.httpsUrl}/resource`, { ca, cert: own.certificatePem, key: own.privateKeyPem, headers: { authorization: `Bearer ${bound}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ client_id: selfClient.client_id, certificate_bound: true });
  });
  it('rejects the token with another certificate because the thumbprint differs from cnf', async () => {
    const answer = await request(`${server.httpsUrl}/resource`, { ca, cert: stranger.certificatePem, key: stranger.privateKeyPem, headers: { authorization: `Bearer ${bound}` } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('invalid_token');
    expect(traceOf(server, answer).outcome.code).toBe('ERR_TOKEN_BINDING');
  });
  it('rejects the token without a certificate because a bound token is not a bearer token', async () => {
    const answer = await request(`${server.httpUrl}/resource`, { headers: { authorization: `Bearer ${bound}` } });
    expect(answer.status).toBe(401);
  });
  it('shows cnf in introspection (RFC 8705 §3.2)', async () => {
    const answer = await postForm(`${server.httpUrl}/introspect`, { token: bound }, { headers: { authorization: basic('lab-resource-server', 'lab-resource-server-secret') } });
    expect(answer.body).toMatchObject({ active: true, cnf: { 'x5t#S256': expect.any(String) } });
  });
  it('binds a secret-authenticated client\'s token to the certificate it presents over mutual TLS', async () => {
    const answer = await postForm(mtlsToken, { grant_type: 'client_credentials' },
      { ca, cert: own.certificatePem, key: own.privateKeyPem, headers: { authorization: basic(boundSecretClient.client_id, boundSecretClient.client_secret as string) } });
    expect(answer.status).toBe(200);
    expect(server.context.store.tokens.get(answer.body.access_token)?.cnf?.['x5t#S256']).toBeDefined();
  });
  it('rejects a binding client without a certificate because there is nothing to bind to', async () => {
    const answer = await postForm(`${server.httpUrl}/token`, { grant_type: 'client_credentials' },
      { headers: { authorization: basic(boundSecretClient.client_id, boundSecretClient.client_secret as string) } });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_BINDING_NO_CERTIFICATE');
  });
});

describe('private_key_jwt on the mutual-TLS listener', () => {
  it('accepts the mTLS token endpoint alias as aud (RFC 8705 §5)', async () => {
    const key = ecKey();
    const client = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] });
    const assertion = await signJwt(assertionClaims(client.client_id, mtlsToken), 'ES256', key.privateKey, { kid: 'k1' });
    const answer = await postForm(mtlsToken, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }, { ca });
    expect(answer.status).toBe(200);
  });
});

describe('curl, as the deck does it', () => {
  it('gets a token with curl --cacert --cert --key against the TLS listener', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-curl-'));
    try {
      await writeFile(join(dir, 'ca.pem'), ca);
      await writeFile(join(dir, 'client.pem'), pkiCert.certificatePem);
      await writeFile(join(dir, 'key.pem'), pkiCert.privateKeyPem, { mode: 0o600 });
      const { stdout } = await promisify(execFile)('curl', [
        '-sS', '--cacert', join(dir, 'ca.pem'), '--cert', join(dir, 'client.pem'), '--key', join(dir, 'key.pem'),
        mtlsToken, '-d', `client_id=${pkiClient.client_id}`, '-d', 'grant_type=client_credentials',
      ]);
      expect(JSON.parse(stdout)).toMatchObject({ token_type: 'Bearer' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
