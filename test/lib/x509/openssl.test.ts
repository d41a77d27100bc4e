import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority, createSelfSignedCertificate, generateKeyPair, issueCertificate, type CertificateAuthority,
} from '../../../lib/keys/index.js';
import {
  distinguishedNamesEqual, formatCertificateText, ipAddressFromText, parseDistinguishedName, ipAddressToText, opensslDate, readCertificate, verifyCertificateChain, type CertificateView,
} from '../../../lib/x509/index.js';
import { hasOpenssl, openssl, removeTemporaryFiles, tempFile, tempPath } from './openssl-tool.js';

afterAll(removeTemporaryFiles);

/** The "X509v3 extensions:" block of `-text` output, lines trimmed, IPv6 SAN entries in RFC 5952 form. */
function extensionBlock(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'X509v3 extensions:');
  const end = lines.findIndex((l, i) => i > start && /^ {4}Signature Algorithm:/.test(l));
  if (start < 0) return [];
  return lines
    .slice(start + 1, end)
    .map((l) => l.trim())
    .map((l) => l.replace(/IP Address:([0-9A-Fa-f:.]+)/g, (_m, ip: string) => `IP Address:${ipAddressToText(ipAddressFromText(ip))}`));
}

/** Checks the lab's view against what openssl x509 reports for the same file. */
function expectSameAsOpenssl(view: CertificateView, file: string): void {
  const field = (flag: string): string => openssl(['x509', '-in', file, '-noout', flag, '-nameopt', 'RFC2253']).trim().replace(/^[a-zA-Z]+=/, '');
  // OpenSSL's RFC 2253 output also reverses the AVAs inside a multi-valued RDN; an RDN is a set, so compare as names.
  expect(distinguishedNamesEqual(parseDistinguishedName(field('-subject')), view.subject), `${view.subjectString} vs ${field('-subject')}`).toBe(true);
  expect(distinguishedNamesEqual(parseDistinguishedName(field('-issuer')), view.issuer), `${view.issuerString} vs ${field('-issuer')}`).toBe(true);
  if (!view.subject.some((rdn) => rdn.length > 1)) expect(view.subjectString).toBe(field('-subject'));
  expect(view.serialNumber).toBe(field('-serial').toLowerCase());
  expect(opensslDate(view.notBefore)).toBe(field('-startdate'));
  expect(opensslDate(view.notAfter)).toBe(field('-enddate'));
  const theirs = openssl(['x509', '-in', file, '-noout', '-text']);
  expect(extensionBlock(formatCertificateText(view))).toEqual(extensionBlock(theirs));
  // Same algorithm; OpenSSL spells Ed25519 in capitals.
  expect(view.signatureAlgorithm.toLowerCase()).toBe(/Signature Algorithm: (\S+)/.exec(theirs)?.[1]?.toLowerCase());
}

describe.skipIf(!hasOpenssl)('certificates made by openssl, read by the lab', () => {
  let caFile: string;
  let leafFile: string;
  let selfFile: string;

  beforeAll(() => {
    const caKey = tempPath();
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', caKey]);
    caFile = tempPath();
    openssl(['req', '-x509', '-key', caKey, '-subj', '/C=JP/O=Lab CA/CN=Lab Root', '-days', '90', '-out', caFile]);
    const leafKey = tempPath();
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', leafKey]);
    const csr = tempPath();
    openssl(['req', '-new', '-key', leafKey, '-subj', '/O=Example, Inc/CN=client+UID=42', '-multivalue-rdn', '-out', csr]);
    const ext = tempFile('basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth,serverAuth\nsubjectAltName=DNS:client.example.com,IP:192.0.2.7,IP:2001:db8::7,URI:https://client.example.com/,email:ops@example.com\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n', '.cnf');
    leafFile = tempPath();
    openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '10', '-extfile', ext, '-out', leafFile]);
    selfFile = tempPath();
    openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', tempPath(), '-subj', '/CN=client.example.com', '-out', selfFile]);
  });

  it('reads the same names, serial, validity and extensions as openssl x509 -text', () => {
    for (const file of [caFile, leafFile, selfFile]) expectSameAsOpenssl(readCertificate(readFileSync(file, 'utf8')), file);
  });

  it('reads each SAN with its RFC 5280 type and tag, IPv6 in RFC 5952 form', () => {
    const view = readCertificate(readFileSync(leafFile, 'utf8'));
    expect(view.subjectAltNames.map(({ type, tag, value }) => [type, tag, value])).toEqual([
      ['dNSName', 2, 'client.example.com'],
      ['iPAddress', 7, '192.0.2.7'],
      ['iPAddress', 7, '2001:db8::7'],
      ['uniformResourceIdentifier', 6, 'https://client.example.com/'],
      ['rfc822Name', 1, 'ops@example.com'],
    ]);
  });

  it('judges self-signed as openssl does, and verifies the chain openssl verify accepts', () => {
    const ca = readCertificate(readFileSync(caFile, 'utf8'));
    const leaf = readCertificate(readFileSync(leafFile, 'utf8'));
    const self = readCertificate(readFileSync(selfFile, 'utf8'));
    expect([ca.selfSigned, leaf.selfSigned, self.selfSigned]).toEqual([true, false, true]);
    expect(openssl(['verify', '-CAfile', caFile, leafFile]).trim()).toBe(`${leafFile}: OK`);
    expect(verifyCertificateChain({ certificate: leaf, trustAnchors: [ca], at: new Date() })).toMatchObject({ valid: true });
  });
});

describe.skipIf(!hasOpenssl)('certificates made by the lab, read by openssl', () => {
  let ca: CertificateAuthority;

  beforeAll(async () => {
    ca = await createCertificateAuthority({ subject: 'CN=Lab Root,O=client-auth-lab', pathLength: 1 });
  });

  it('openssl accepts a self-signed certificate like the deck\'s and reports the same fields', async () => {
    const key = await generateKeyPair();
    const { pem, view } = await createSelfSignedCertificate({ key, subject: '/CN=client.example.com', san: [{ type: 'dNSName', value: 'client.example.com' }, { type: 'iPAddress', value: '2001:db8::1' }] });
    const file = tempFile(pem);
    expectSameAsOpenssl(view, file);
    expect(openssl(['x509', '-in', file, '-noout', '-text'])).toContain('X509v3 Basic Constraints: critical\n                CA:TRUE');
    expect(openssl(['verify', '-CAfile', file, file]).trim()).toBe(`${file}: OK`);
    // The key inside is the key that was given, as openssl sees it.
    expect(openssl(['x509', '-in', file, '-noout', '-pubkey'])).toBe(key.publicKeyPem);
  });

  it('openssl verify accepts a lab CA, a lab intermediate and a lab client certificate', async () => {
    const midKey = await generateKeyPair({ alg: 'EC', curve: 'P-384' });
    const mid = await issueCertificate({ ca, publicKey: midKey, subject: 'CN=Lab Issuing CA', isCA: true });
    const clientKey = await generateKeyPair({ alg: 'Ed25519' });
    const client = await issueCertificate({
      ca: { certificatePem: mid.pem, der: mid.der, key: midKey, view: mid.view },
      publicKey: clientKey.publicKeyPem,
      subject: 'CN=client\\+1,O=Example\\, Inc,C=JP',
      extendedKeyUsage: ['clientAuth'],
      san: [{ type: 'uniformResourceIdentifier', value: 'https://client.example.com' }, { type: 'rfc822Name', value: 'ops@example.com' }],
    });
    const rootFile = tempFile(ca.certificatePem);
    const midFile = tempFile(mid.pem);
    const clientFile = tempFile(client.pem);
    expect(openssl(['verify', '-CAfile', rootFile, '-untrusted', midFile, '-purpose', 'sslclient', clientFile]).trim()).toBe(`${clientFile}: OK`);
    for (const [view, file] of [[ca.view, rootFile], [mid.view, midFile], [client.view, clientFile]] as const) expectSameAsOpenssl(view, file);
    expect(verifyCertificateChain({ certificate: client.view, intermediates: [mid.view], trustAnchors: [ca.view], at: new Date() }).valid).toBe(true);
  });
});
