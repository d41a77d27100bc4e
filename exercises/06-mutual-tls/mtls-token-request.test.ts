import { describe, it } from 'vitest';
import { createCertificateAuthority } from '@client-auth-lab/lib';
import { DEFAULT_RESOURCE_SERVER, type Lab } from '@client-auth-lab/lab-server';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { requestTokenWithMtls, type TokenAnswer } from './mtls-token-request.js';

const lab = useLab();

async function registerTlsClient(l: Lab, dns: string): Promise<string> {
  const client = await l.register({
    token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: dns,
    tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'],
  });
  return client.client_id;
}

async function introspect(l: Lab, token: string): Promise<Record<string, unknown>> {
  const basic = `Basic ${Buffer.from(`${DEFAULT_RESOURCE_SERVER.id}:${DEFAULT_RESOURCE_SERVER.secret}`).toString('base64')}`;
  return (await l.request(l.urls.introspection, { form: { token }, headers: { authorization: basic } })).body as Record<string, unknown>;
}

const send = (input: Parameters<typeof requestTokenWithMtls>[0]): Promise<TokenAnswer> =>
  expectNoThrow(() => requestTokenWithMtls(input), 'RFC 8705 §2.1', 'the request must get an answer from the lab (a refusal is an answer too)');

describe('requestTokenWithMtls: client_credentials with tls_client_auth, end to end', () => {
  it('accepts a lab-CA certificate with the registered SAN and binds the token to it', async () => {
    const l = lab();
    const clientId = await registerTlsClient(l, 'mtls-one.lab.example');
    const certificate = await l.issueClientCertificate({ subject: '/O=client-auth-lab/CN=mtls-one', san: [{ type: 'dNSName', value: 'mtls-one.lab.example' }] });
    const answer = await send({ metadataUrl: l.urls.metadata, clientId, certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem, caPem: l.caCertificatePem });
    expectTokenResponse(answer, traceOf(l, clientId), 'RFC 8705 §2.1', 'a CA-issued certificate carrying the registered tls_client_auth_san_dns authenticates the client');
    const trace = l.lastTrace({ clientId });
    expectRule(trace?.request.listener, 'https', 'RFC 8705 §5', 'the request goes to mtls_endpoint_aliases.token_endpoint, on the mutual-TLS listener');
    expectRule(trace?.method, 'tls_client_auth', 'RFC 8705 §2.1', 'the lab authenticated the client by its certificate');
    const introspection = await introspect(l, String(answer.body.access_token));
    expectRule(introspection.cnf, { 'x5t#S256': certificate['x5t#S256'] }, 'RFC 8705 §3.1',
      'the token is bound to the certificate presented in the handshake (cnf with its SHA-256 thumbprint)');
  });

  it('returns the refusal of a certificate for another name as the server sent it (400 invalid_client: no HTTP authentication scheme fits a certificate, RFC 9110 §15.5.2)', async () => {
    const l = lab();
    const clientId = await registerTlsClient(l, 'mtls-two.lab.example');
    const stranger = await l.issueClientCertificate({ subject: '/O=client-auth-lab/CN=stranger', san: [{ type: 'dNSName', value: 'stranger.lab.example' }] });
    const answer = await send({ metadataUrl: l.urls.metadata, clientId, certificatePem: stranger.certificatePem, privateKeyPem: stranger.privateKeyPem, caPem: l.caCertificatePem });
    expectRule({ status: answer.status, error: answer.body.error }, { status: 400, error: 'invalid_client' }, 'RFC 6749 §5.2; RFC 8705 §2.1.2',
      `a certificate without the registered SAN does not authenticate the client, and the answer is resolved, not thrown\nThe lab's trace:\n${traceOf(l, clientId)}`);
  });

  it("refuses to send anything to a server whose certificate the given CA did not issue", async () => {
    const l = lab();
    const clientId = await registerTlsClient(l, 'mtls-three.lab.example');
    const certificate = await l.issueClientCertificate({ subject: '/O=client-auth-lab/CN=mtls-three', san: [{ type: 'dNSName', value: 'mtls-three.lab.example' }] });
    const otherCa = await createCertificateAuthority({ subject: '/CN=not the lab CA' });
    let failure: { code?: unknown; message?: unknown } | undefined;
    try {
      await requestTokenWithMtls({ metadataUrl: l.urls.metadata, clientId, certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem, caPem: otherCa.certificatePem });
    } catch (error) {
      failure = error as { code?: unknown; message?: unknown };
    }
    expectTrue(failure !== undefined && !String(failure.message).startsWith('TODO') && /CERT|SIGNATURE|ISSUER|VERIFY/.test(String(failure.code)), 'RFC 8705 §2; RFC 9110 §4.3.4',
      'the client must verify the server certificate against the CA it was given (never rejectUnauthorized: false); the handshake must fail with a certificate error',
      failure === undefined ? 'the request went through' : `${String(failure.code)} ${String(failure.message)}`);
    expectTrue(l.traces({ clientId, endpoint: 'token' }).length === 0, 'RFC 8705 §2', 'no token request may reach a server the client could not authenticate');
  });
});
