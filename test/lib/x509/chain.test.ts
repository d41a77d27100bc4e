import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority, createSelfSignedCertificate, generateKeyPair, issueCertificate, type CertificateAuthority, type GeneratedKeyPair,
} from '../../../lib/keys/index.js';
import { readCertificate, verifyCertificateChain, type CertificateView } from '../../../lib/x509/index.js';

const start = new Date('2026-01-01T00:00:00Z');
const during = new Date('2026-01-10T00:00:00Z');

let root: CertificateAuthority;
let intermediate: CertificateAuthority;
let leaf: CertificateView;
let leafKey: GeneratedKeyPair;

beforeAll(async () => {
  root = await createCertificateAuthority({ subject: '/CN=Lab Root', notBefore: start, days: 365 });
  const intermediateKey = await generateKeyPair();
  const issued = await issueCertificate({ ca: root, publicKey: intermediateKey, subject: '/CN=Lab Intermediate', isCA: true, notBefore: start, days: 200 });
  intermediate = { certificatePem: issued.pem, der: issued.der, key: intermediateKey, view: issued.view };
  leafKey = await generateKeyPair({ alg: 'Ed25519' });
  leaf = (await issueCertificate({ ca: intermediate, publicKey: leafKey, subject: 'CN=client,O=Lab', extendedKeyUsage: ['clientAuth'], notBefore: start, days: 30 })).view;
});

describe('verifyCertificateChain', () => {
  it('accepts leaf ← intermediate ← root and returns the path leaf first, anchor last', () => {
    const result = verifyCertificateChain({ certificate: leaf, intermediates: [intermediate.view], trustAnchors: [root.view], at: during });
    expect(result.valid).toBe(true);
    expect(result.path.map((c) => c.subjectString)).toEqual(['CN=client,O=Lab', 'CN=Lab Intermediate', 'CN=Lab Root']);
  });

  it('accepts a self-signed certificate that is itself the trust anchor', async () => {
    const self = await createSelfSignedCertificate({ key: leafKey, subject: '/CN=self', notBefore: start });
    const result = verifyCertificateChain({ certificate: self.view, trustAnchors: [self.view], at: during });
    expect(result).toMatchObject({ valid: true });
  });

  it('rejects a leaf without its intermediate because no candidate has the issuer\'s name', () => {
    const result = verifyCertificateChain({ certificate: leaf, trustAnchors: [root.view], at: during });
    expect(result.valid).toBe(false);
    expect(result.code).toBe('ERR_CHAIN_NO_ISSUER');
    expect(result.reason).toContain("certificate 'CN=client,O=Lab' is not signed by any trust anchor or intermediate");
  });

  it('rejects a leaf after its notAfter because every link must be valid at the time given', () => {
    const result = verifyCertificateChain({ certificate: leaf, intermediates: [intermediate.view], trustAnchors: [root.view], at: new Date('2026-03-01T00:00:00Z') });
    expect(result.code).toBe('ERR_CHAIN_EXPIRED');
    expect(result.reason).toContain("'CN=client,O=Lab'");
  });

  it('rejects a chain before its notBefore', () => {
    const result = verifyCertificateChain({ certificate: leaf, intermediates: [intermediate.view], trustAnchors: [root.view], at: new Date('2025-12-31T00:00:00Z') });
    expect(result.code).toBe('ERR_CHAIN_NOT_YET_VALID');
  });

  it('rejects an intermediate that expired even if the leaf is valid', async () => {
    const shortKey = await generateKeyPair();
    const short = await issueCertificate({ ca: root, publicKey: shortKey, subject: '/CN=Short Intermediate', isCA: true, notBefore: start, days: 5 });
    const shortCa = { certificatePem: short.pem, der: short.der, key: shortKey, view: short.view };
    const child = await issueCertificate({ ca: shortCa, publicKey: leafKey, subject: '/CN=child', notBefore: start, days: 30 });
    const result = verifyCertificateChain({ certificate: child.view, intermediates: [short.view], trustAnchors: [root.view], at: during });
    expect(result.code).toBe('ERR_CHAIN_EXPIRED');
    expect(result.reason).toContain("'CN=Short Intermediate'");
  });

  it('rejects an issuer that is not a CA because basicConstraints cA must be TRUE (RFC 5280 §6.1.4 (k))', async () => {
    const notCaKey = await generateKeyPair();
    const notCa = await issueCertificate({ ca: root, publicKey: notCaKey, subject: '/CN=Not A CA', notBefore: start, days: 100 });
    const child = await issueCertificate({ ca: { certificatePem: notCa.pem, der: notCa.der, key: notCaKey, view: notCa.view }, publicKey: leafKey, subject: '/CN=victim', notBefore: start });
    const result = verifyCertificateChain({ certificate: child.view, intermediates: [notCa.view], trustAnchors: [root.view], at: during });
    expect(result.code).toBe('ERR_CHAIN_ISSUER_NOT_CA');
    expect(result.reason).toContain("'CN=Not A CA'");
  });

  it('rejects a certificate signed by another key with the same issuer name because the signature does not verify', async () => {
    const impostor = await createCertificateAuthority({ subject: '/CN=Lab Root', notBefore: start });
    const forged = await issueCertificate({ ca: impostor, publicKey: leafKey, subject: '/CN=forged', notBefore: start });
    // Without key identifiers the name alone picks the real root as candidate.
    const bare = { ...forged.view, authorityKeyIdentifier: undefined } as CertificateView;
    const rootWithoutSki = { ...root.view, subjectKeyIdentifier: undefined } as CertificateView;
    const result = verifyCertificateChain({ certificate: bare, trustAnchors: [rootWithoutSki], at: during });
    expect(result.code).toBe('ERR_CHAIN_SIGNATURE');
  });

  it('rejects a signature tampered with in place after the same views verified once, because remembered verdicts are checked against the bytes', async () => {
    const issued = await issueCertificate({ ca: root, publicKey: leafKey, subject: '/CN=tamper', notBefore: start, days: 30 });
    const view = { ...issued.view, signatureValue: Uint8Array.from(issued.view.signatureValue) };
    expect(verifyCertificateChain({ certificate: view, trustAnchors: [root.view], at: during }).valid).toBe(true);
    view.signatureValue[8] = (view.signatureValue[8] as number) ^ 0x01;
    expect(verifyCertificateChain({ certificate: view, trustAnchors: [root.view], at: during }).code).toBe('ERR_CHAIN_SIGNATURE');
    view.signatureValue[8] = (view.signatureValue[8] as number) ^ 0x01;
    expect(verifyCertificateChain({ certificate: view, trustAnchors: [root.view], at: during }).valid).toBe(true);
  });

  it('rejects a path longer than the root\'s pathLenConstraint', async () => {
    const strictRoot = await createCertificateAuthority({ subject: '/CN=Strict Root', notBefore: start, pathLength: 0 });
    const midKey = await generateKeyPair();
    const mid = await issueCertificate({ ca: strictRoot, publicKey: midKey, subject: '/CN=Mid', isCA: true, notBefore: start });
    const midCa = { certificatePem: mid.pem, der: mid.der, key: midKey, view: mid.view };
    const lowKey = await generateKeyPair();
    const low = await issueCertificate({ ca: midCa, publicKey: lowKey, subject: '/CN=Low', isCA: true, notBefore: start });
    const child = await issueCertificate({ ca: { certificatePem: low.pem, der: low.der, key: lowKey, view: low.view }, publicKey: leafKey, subject: '/CN=deep', notBefore: start });
    // pathLen 0: the root may sign a CA, but no intermediate may stand between the root and the path's target.
    const ok = verifyCertificateChain({ certificate: mid.view, trustAnchors: [strictRoot.view], at: during });
    expect(ok.valid).toBe(true);
    const result = verifyCertificateChain({ certificate: child.view, intermediates: [mid.view, low.view], trustAnchors: [strictRoot.view], at: during });
    expect(result.code).toBe('ERR_CHAIN_PATH_LENGTH');
    expect(verifyCertificateChain({ certificate: low.view, intermediates: [mid.view], trustAnchors: [strictRoot.view], at: during }).code).toBe('ERR_CHAIN_PATH_LENGTH');
  });

  it('rejects a chain longer than maxDepth', () => {
    const result = verifyCertificateChain({ certificate: leaf, intermediates: [intermediate.view], trustAnchors: [root.view], at: during, maxDepth: 2 });
    expect(result.code).toBe('ERR_CHAIN_TOO_LONG');
  });
});

describe('verifyCertificateChain on certificates made with @peculiar/x509 (RFC 5280 rules the lab adds)', () => {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const notAfter = new Date('2026-06-01T00:00:00Z');
  const rsaKeys = (hash: string) => webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', hash, publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }, true, ['sign', 'verify'],
  ) as Promise<CryptoKeyPair>;
  const ecKeys = () => webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  const viewOf = (cert: x509.X509Certificate): CertificateView => readCertificate(new Uint8Array(cert.rawData));
  const caUsages = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

  async function makeRoot(hash: string, usages = caUsages) {
    const keys = await rsaKeys(hash);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: `CN=Peculiar Root ${hash}`, keys, notBefore: start, notAfter, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(usages, true)],
    });
    return { cert, keys };
  }

  async function issue(issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair }, subject: string, extensions: x509.Extension[], keys?: CryptoKeyPair) {
    const publicKey = (keys ?? (await ecKeys())).publicKey;
    return x509.X509CertificateGenerator.create({
      serialNumber: '02', subject, issuer: issuer.cert.subject, notBefore: start, notAfter, publicKey, signingKey: issuer.keys.privateKey,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
      // RFC 5280 §4.1: Extensions is SIZE (1..MAX), so every leaf here carries at least one.
      extensions: extensions.length > 0 ? extensions : [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    });
  }

  let root: { cert: x509.X509Certificate; keys: CryptoKeyPair };
  beforeAll(async () => {
    root = await makeRoot('SHA-256');
  });

  it('accepts a leaf whose extendedKeyUsage lists clientAuth, and says revocation is not checked', async () => {
    const leafCert = await issue(root, 'CN=good', [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), trustAnchors: [viewOf(root.cert)], at: during });
    expect(result).toMatchObject({ valid: true, revocation: 'not checked' });
  });

  it('rejects a leaf whose extendedKeyUsage lacks clientAuth because of RFC 5280 §4.2.1.12', async () => {
    const leafCert = await issue(root, 'CN=server only', [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])]);
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), trustAnchors: [viewOf(root.cert)], at: during });
    expect(result).toMatchObject({ valid: false, code: 'ERR_CHAIN_EXTENDED_KEY_USAGE', link: 0 });
    expect(result.reason).toContain("'CN=server only'");
  });

  it('rejects a leaf with an unrecognised critical extension because of RFC 5280 §4.2', async () => {
    const unknown = new x509.Extension('1.3.6.1.4.1.55555.1', true, new Uint8Array([0x05, 0x00]));
    const leafCert = await issue(root, 'CN=critical', [unknown]);
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), trustAnchors: [viewOf(root.cert)], at: during });
    expect(result).toMatchObject({ code: 'ERR_CHAIN_CRITICAL_EXTENSION', link: 0 });
    expect(result.reason).toContain('1.3.6.1.4.1.55555.1');
  });

  it('rejects an intermediate with an unrecognised critical extension and names that link', async () => {
    const midKeys = await rsaKeys('SHA-256');
    const midCert = await issue(root, 'CN=odd mid', [
      new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(caUsages, true),
      new x509.Extension('2.5.29.30', true, new Uint8Array([0x30, 0x00])),
    ], midKeys);
    const leafCert = await issue({ cert: midCert, keys: midKeys }, 'CN=below odd', []);
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), intermediates: [viewOf(midCert)], trustAnchors: [viewOf(root.cert)], at: during });
    expect(result).toMatchObject({ code: 'ERR_CHAIN_CRITICAL_EXTENSION', link: 1 });
    expect(result.reason).toContain("'CN=odd mid'");
  });

  it('rejects a certificate signed with SHA-1 because its hash is broken', async () => {
    const sha1Root = await makeRoot('SHA-1');
    const leafCert = await issue(sha1Root, 'CN=sha1 leaf', []);
    expect(viewOf(leafCert).signatureAlgorithmOid).toBe('1.2.840.113549.1.1.5');
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), trustAnchors: [viewOf(sha1Root.cert)], at: during });
    expect(result).toMatchObject({ code: 'ERR_CHAIN_WEAK_SIGNATURE', link: 0 });
  });

  it('rejects an issuer whose keyUsage lacks keyCertSign because of RFC 5280 §6.1.4 (n)', async () => {
    const signOnly = await makeRoot('SHA-256', x509.KeyUsageFlags.digitalSignature);
    const leafCert = await issue(signOnly, 'CN=under sign-only CA', []);
    const result = verifyCertificateChain({ certificate: viewOf(leafCert), trustAnchors: [viewOf(signOnly.cert)], at: during });
    expect(result).toMatchObject({ code: 'ERR_CHAIN_KEY_CERT_SIGN', link: 1 });
    expect(result.reason).toContain('keyCertSign');
  });
});
