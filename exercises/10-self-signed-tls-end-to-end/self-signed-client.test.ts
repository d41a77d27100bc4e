import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, generateKeyPair, validateClientMetadata, verifyJwkX5c } from '@client-auth-lab/lib';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue, ruleMessage } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { clientRegistration, makeClientCertificate, mutualTlsRequest, runSelfSignedTls, tokenRequestForm, x5cValue, type ClientCertificate, type MutualTlsEndpoints } from './self-signed-client.js';

const lab = useLab();
const X5C = 'RFC 7517 §4.7';

/** The RFC 8705 Appendix A certificate (CN=mtls), as the deck prints it. */
const APPENDIX_A_BASE64 =
  'MIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxzMB4XDTE4MTAxODEyMzcwOVoXDTIyMDUwMjEyMzcwOVowDzENMAsGA1UEAwwEbXRsczBZMBMGByqG' +
  'SM49AgEGCCqGSM49AwEHA0IABNcnyxwqV6hY8QnhxxzFQ03C7HKW9OylMbnQZjjJ/Au08/coZwxS7LfA4vOLS9WuneIXhbGGWvsDSb0tH6IxLm8wCgYIKoZIzj0EAwID' +
  'SQAwRgIhAP0RC1E+vwJD/D1AGHGzuri+hlV/PpQEKTWUVeORWz83AiEA5x2eXZOVbUlJSGQgjwD5vaUaKlLR50Q2DmFfQj1L+SY=';

function pem(base64: string, eol = '\n'): string {
  return ['-----BEGIN CERTIFICATE-----', ...(base64.match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----', ''].join(eol);
}

/** A key pair and certificate made by the lib, so that each test checks one step of the exercise only. */
async function labMadeCertificate(subject: string): Promise<ClientCertificate> {
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  return { key, certificatePem: (await createSelfSignedCertificate({ key, subject })).pem };
}

function endpoints(): MutualTlsEndpoints {
  const { mtlsToken, mtlsResource, registration } = lab().urls;
  return { registration, mtlsToken: mtlsToken as string, mtlsResource: mtlsResource as string, serverCaPem: lab().caCertificatePem };
}

describe('self_signed_tls_client_auth end to end', () => {
  it('makes a self-signed certificate that holds the new public key', async () => {
    const client = await expectNoThrow(() => makeClientCertificate('CN=exercise 10'), 'RFC 8705 §2.2', 'make the key pair and the certificate');
    const certificate = new X509Certificate(client.certificatePem);
    expectRule(certificate.issuer, certificate.subject, 'RFC 5280 §4.1.2.4, §4.1.2.6', 'a self-signed certificate has issuer = subject');
    expectRule(certificate.subject, 'CN=exercise 10', 'RFC 5280 §4.1.2.6', 'the subject is the one asked for');
    expectTrue(certificate.verify(certificate.publicKey), 'RFC 5280 §4.1.1.3', 'the certificate is signed by its own key');
    expectTrue(certificate.publicKey.equals(createPublicKey(client.key.privateKeyPem)), 'RFC 8705 §2.2', 'the certificate holds the public half of the client key (the TLS handshake proves the private half)');
  });

  it('writes x5c as standard Base64 of the DER, on one line', async () => {
    expectRule(await expectNoThrow(() => x5cValue(pem(APPENDIX_A_BASE64)), X5C, 'convert the RFC 8705 Appendix A certificate'), APPENDIX_A_BASE64, X5C,
      'x5c is the DER in standard Base64, like the PEM body without its header, footer and line breaks');
    expectRule(await expectNoThrow(() => x5cValue(pem(APPENDIX_A_BASE64, '\r\n')), X5C, 'convert a PEM with CRLF line ends'), APPENDIX_A_BASE64, X5C,
      'a PEM with Windows line ends gives the same x5c');
    for (let i = 0; i < 5; i++) {
      const { certificatePem } = await labMadeCertificate(`CN=x5c ${i}`);
      const der = new X509Certificate(certificatePem).raw;
      const value = await expectNoThrow(() => x5cValue(certificatePem), X5C, 'convert a generated certificate');
      expectTrue(/^[A-Za-z0-9+/]+={0,2}$/.test(value), X5C, 'x5c uses the standard Base64 alphabet (+ and /, = padding), never base64url (- and _) and no line breaks', value.slice(0, 40));
      expectRule(value, der.toString('base64'), X5C, 'x5c decodes to exactly the certificate DER');
    }
  });

  it('registers self_signed_tls_client_auth with the certificate in x5c and certificate-bound tokens', async () => {
    const client = await labMadeCertificate('CN=exercise 10');
    const metadata = await expectNoThrow(() => clientRegistration(client.key.publicJwk, client.certificatePem), 'RFC 7591 §2', 'write the registration');
    expectRule(metadata.token_endpoint_auth_method, 'self_signed_tls_client_auth', 'RFC 8705 §2.2', 'the method is self_signed_tls_client_auth');
    expectRule(metadata.tls_client_certificate_bound_access_tokens, true, 'RFC 8705 §3.4', 'the client asks for certificate-bound access tokens');
    expectTrue(Array.isArray(metadata.grant_types) && metadata.grant_types.includes('client_credentials'), 'RFC 7591 §2', 'grant_types includes client_credentials', metadata.grant_types);
    const keys = (metadata.jwks as { keys?: Record<string, unknown>[] } | undefined)?.keys;
    expectTrue(Array.isArray(keys) && keys.length === 1, 'RFC 8705 §2.2.2', 'jwks is a JWK Set with the client key', metadata.jwks);
    const jwk = (keys as Record<string, unknown>[])[0] as Record<string, unknown>;
    expectRule(jwk.x5c, [new X509Certificate(client.certificatePem).raw.toString('base64')], X5C, 'x5c holds the one self-signed certificate, first');
    expectTrue(!('d' in jwk), 'RFC 7517 §5', 'the registered JWK is public: no d', Object.keys(jwk));
    await expectNoThrow(() => verifyJwkX5c(jwk), X5C, 'the key in x5c[0] is the JWK key');
    await expectNoThrow(() => validateClientMetadata(metadata), 'RFC 8705 §2.2.2', "the lab's registration rules accept this metadata");
  });

  it('sends client_id with the mutual-TLS token request', async () => {
    const form = await expectNoThrow(() => tokenRequestForm('client-10'), 'RFC 8705 §2', 'write the form');
    expectRule(Object.fromEntries(form), { grant_type: 'client_credentials', client_id: 'client-10' }, 'RFC 8705 §2; RFC 6749 §4.4.2',
      'grant_type client_credentials, and client_id because the certificate alone does not name the client');
  });

  it('accepts: the lab issues a certificate-bound token over mutual TLS, and the resource takes it with the same certificate', async () => {
    const run = await expectNoThrow(() => runSelfSignedTls(endpoints()), 'RFC 7591 §3.1', 'register at the lab');
    expectTokenResponse(run.token, traceOf(lab(), run.clientId), 'RFC 8705 §2.2', 'the lab authenticates the client by its registered self-signed certificate');
    expectRule(lab().lastTrace({ clientId: run.clientId, endpoint: 'token' })?.method, 'self_signed_tls_client_auth', 'RFC 8705 §2.2', 'the method the lab verified');
    const record = lab().server.store.tokens.get(String(run.token.body.access_token));
    const thumbprint = createHash('sha256').update(new X509Certificate(run.client.certificatePem).raw).digest('base64url');
    expectRule(record?.cnf, { 'x5t#S256': thumbprint }, 'RFC 8705 §3.1', 'the token is bound to the SHA-256 thumbprint of the certificate presented');
    expect(run.resource.status, `${ruleMessage('RFC 8705 §3', 'the resource accepts the bound token over the same certificate', 200, run.resource.status)}\n${traceOf(lab(), run.clientId)}`).toBe(200);
    expectRule(run.resource.body.certificate_bound, true, 'RFC 8705 §3', 'the resource checked the binding');
  });

  it('rejects the bound token without its certificate, or with another one, because it is bound to the certificate', async () => {
    const run = await expectNoThrow(() => runSelfSignedTls(endpoints()), 'RFC 7591 §3.1', 'register at the lab');
    expectTokenResponse(run.token, traceOf(lab(), run.clientId), 'RFC 8705 §2.2', 'the lab issues the token');
    const token = String(run.token.body.access_token);
    const plain = await lab().request(lab().urls.resource, { headers: { authorization: `Bearer ${token}` } });
    expect(plain.status, ruleMessage('RFC 8705 §3', 'a bound token sent without any certificate is refused', 401, plain.status)).toBe(401);
    const other = await labMadeCertificate('CN=someone else');
    const stolen = await mutualTlsRequest(endpoints().mtlsResource, other, lab().caCertificatePem, { bearer: token });
    expect(stolen.status, ruleMessage('RFC 8705 §3', 'a bound token sent with another certificate is refused', 401, stolen.status)).toBe(401);
  });
});
