import { describe, it } from 'vitest';
import { createCertificateAuthority, generateKeyPair, issueCertificate, toHex, type IssuedCertificate } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { certificateFromXSslCert } from './x-ssl-cert-header.js';

async function issue(subject: string): Promise<IssuedCertificate> {
  const ca = await createCertificateAuthority({ subject: '/CN=proxy test CA' });
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  return issueCertificate({ ca, publicKey: key, subject });
}

/** A certificate whose Base64 has a '+' in it, so that form decoding would corrupt it. */
async function issueWithPlus(): Promise<IssuedCertificate> {
  for (let i = 0; ; i++) {
    const issued = await issue(`/CN=plus-${i}`);
    if (issued.pem.includes('+')) return issued;
  }
}

const SECTION = 'RFC 8705 §2; nginx $ssl_client_escaped_cert';
const read = (value: string | readonly string[] | undefined) => expectNoThrow(() => certificateFromXSslCert(value), SECTION, 'a well-formed X-Ssl-Cert value must be read without an error');
const hex = (der: Uint8Array | undefined) => (der === undefined ? undefined : toHex(der));

describe('certificateFromXSslCert: the certificate a proxy forwards in X-Ssl-Cert', () => {
  it("accepts nginx's $ssl_client_escaped_cert (the PEM, percent-encoded) and returns the DER", async () => {
    const issued = await issue('/CN=behind-the-proxy');
    const header = encodeURIComponent(issued.pem);
    expectRule(hex(await read(header)), toHex(issued.der), 'RFC 3986 §2.1; RFC 7468 §5.1', 'percent-decode the value to the PEM, then Base64-decode the block body to the DER');
  });

  it("accepts a '+' left unescaped and keeps it: percent-decoding is not form decoding", async () => {
    const issued = await issueWithPlus();
    const header = issued.pem.replace(/\n/g, '%0A').replace(/ /g, '%20');
    expectRule(hex(await read(header)), toHex(issued.der), 'RFC 3986 §2.1',
      "only %XX sequences are decoded; '+' means space only in application/x-www-form-urlencoded (decodeURIComponent, not URLSearchParams)");
  });

  it('returns undefined when no certificate was forwarded (header absent or empty)', async () => {
    expectRule(await read(undefined), undefined, SECTION, 'no header: the client presented no certificate');
    expectRule(await read(''), undefined, SECTION, 'nginx sends an empty value when the client presented no certificate');
  });

  it('rejects the folded header of $ssl_client_cert because obs-fold is forbidden', async () => {
    const issued = await issue('/CN=folded');
    const lines = issued.pem.trim().split('\n');
    await expectCode(() => certificateFromXSslCert(lines.join('\n\t')), 'ERR_PROXY_HEADER_FOLDED', 'RFC 7230 §3.2.4; RFC 9112 §5.2',
      'raw PEM lines continued with a tab are obs-fold: refuse them instead of guessing');
    await expectCode(() => certificateFromXSslCert(lines.join(' ')), 'ERR_PROXY_HEADER_FOLDED', 'RFC 9112 §5.2',
      'a server that unfolds replaces each fold with spaces: spaces inside a PEM body are the trace of a fold, refuse it');
  });

  it('rejects a header given twice because one request presents one certificate', async () => {
    const one = encodeURIComponent((await issue('/CN=one')).pem);
    const two = encodeURIComponent((await issue('/CN=two')).pem);
    await expectCode(() => certificateFromXSslCert([one, two]), 'ERR_PROXY_HEADER_REPEATED', 'RFC 9110 §5.3',
      'two X-Ssl-Cert values are ambiguous: which certificate would authenticate the client?');
  });

  it('rejects broken percent-encoding', async () => {
    const header = `${encodeURIComponent((await issue('/CN=broken')).pem)}%E2%8`;
    await expectCode(() => certificateFromXSslCert(header), 'ERR_PROXY_HEADER_ENCODING', 'RFC 3986 §2.1', "'%' must be followed by two hex digits forming UTF-8");
  });

  it('rejects a value that is not exactly one CERTIFICATE block', async () => {
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
    await expectCode(() => certificateFromXSslCert(encodeURIComponent(key.publicKeyPem)), 'ERR_PROXY_HEADER_FORMAT', 'RFC 7468 §5.1', 'a PUBLIC KEY block is not a certificate');
    const chain = `${(await issue('/CN=leaf')).pem}${(await issue('/CN=second')).pem}`;
    await expectCode(() => certificateFromXSslCert(encodeURIComponent(chain)), 'ERR_PROXY_HEADER_FORMAT', 'RFC 7468 §5.1', '$ssl_client_escaped_cert carries one certificate; two blocks are not what nginx sends');
    const bare = Buffer.from((await issue('/CN=bare')).der).toString('base64');
    await expectCode(() => certificateFromXSslCert(bare), 'ERR_PROXY_HEADER_FORMAT', 'RFC 7468 §5.1', 'bare Base64 without the BEGIN/END lines is not the PEM nginx escapes');
  });
});
