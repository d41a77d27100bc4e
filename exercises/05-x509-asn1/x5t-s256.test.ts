import { X509Certificate } from 'node:crypto';
import { describe, it } from 'vitest';
import { createCertificateAuthority, generateKeyPair, issueCertificate } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule, expectTrue } from '../support/expectations.js';
import { x5tS256FromPem } from './x5t-s256.js';

/** The certificate of RFC 8705 Appendix A (CN=mtls). */
const RFC8705_APPENDIX_A = `-----BEGIN CERTIFICATE-----
MIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxzMB4XDTE4MTAx
ODEyMzcwOVoXDTIyMDUwMjEyMzcwOVowDzENMAsGA1UEAwwEbXRsczBZMBMGByqG
SM49AgEGCCqGSM49AwEHA0IABNcnyxwqV6hY8QnhxxzFQ03C7HKW9OylMbnQZjjJ
/Au08/coZwxS7LfA4vOLS9WuneIXhbGGWvsDSb0tH6IxLm8wCgYIKoZIzj0EAwID
SQAwRgIhAP0RC1E+vwJD/D1AGHGzuri+hlV/PpQEKTWUVeORWz83AiEA5x2eXZOV
bUlJSGQgjwD5vaUaKlLR50Q2DmFfQj1L+SY=
-----END CERTIFICATE-----
`;

/** What node's own X.509 parser says: its SHA-256 fingerprint (hex with colons) as base64url. */
function nodeThumbprint(pem: string): string {
  return Buffer.from(new X509Certificate(pem).fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');
}

const SECTION = 'RFC 8705 §3.1';
const thumbprint = (pem: string) => expectNoThrow(() => x5tS256FromPem(pem), SECTION, 'a PEM certificate must give its thumbprint without an error');

describe('x5tS256FromPem: the SHA-256 thumbprint of a certificate (RFC 8705 §3.1)', () => {
  it('accepts the certificate of RFC 8705 Appendix A and gives its published thumbprint', async () => {
    const got = await thumbprint(RFC8705_APPENDIX_A);
    expectRule(got, 'A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0', SECTION, 'base64url(SHA-256(DER)), no padding');
    expectTrue(/^[A-Za-z0-9_-]{43}$/.test(got), 'RFC 7515 §4.1.8; RFC 4648 §5', 'a SHA-256 thumbprint is 43 base64url characters: no "=", "+" or "/"', got);
  });

  it('accepts certificates the lab CA issues and agrees with node\'s own fingerprint (generated vectors)', async () => {
    const ca = await createCertificateAuthority({ subject: '/CN=thumbprint test CA' });
    for (const subject of ['/CN=client-one', '/O=client-auth-lab/CN=client-two', '/CN=client-three']) {
      const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
      const { pem } = await issueCertificate({ ca, publicKey: key, subject });
      expectRule(await thumbprint(pem), nodeThumbprint(pem), SECTION, `the thumbprint of ${subject} is the SHA-256 of its DER, as X509Certificate.fingerprint256 computes it`);
    }
  });

  it('accepts CRLF line endings and text around the block: the digest is over the DER, not the PEM text', async () => {
    const expected = 'A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0';
    const crlf = RFC8705_APPENDIX_A.replace(/\n/g, '\r\n');
    expectRule(await thumbprint(crlf), expected, 'RFC 7468 §3', 'line breaks (LF or CRLF) are not part of the Base64 data');
    const annotated = `Certificate:\n    Subject: CN = mtls\n${RFC8705_APPENDIX_A}trailing notes\n`;
    expectRule(await thumbprint(annotated), expected, 'RFC 7468 §5.1', 'text before "-----BEGIN" or after "-----END" is not part of the certificate');
  });

  it('accepts a chain and thumbprints the first certificate, the client\'s own', async () => {
    const ca = await createCertificateAuthority({ subject: '/CN=chain test CA' });
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
    const leaf = await issueCertificate({ ca, publicKey: key, subject: '/CN=chain leaf' });
    expectRule(await thumbprint(`${leaf.pem}${ca.certificatePem}`), nodeThumbprint(leaf.pem), SECTION,
      'cnf binds the token to the certificate the client presented, which comes first in a chain');
  });

  it('rejects a PEM without a CERTIFICATE block because there is nothing to thumbprint', async () => {
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
    await expectCode(() => x5tS256FromPem(key.publicKeyPem), 'ERR_PEM_NO_CERTIFICATE', 'RFC 7468 §5.1',
      'a "PUBLIC KEY" block is not a certificate: x5t#S256 is computed over a certificate only');
  });
});
