import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority, createSelfSignedCertificate, generateKeyPair, issueCertificate, type CertificateAuthority, type GeneratedKeyPair,
} from '../../../lib/keys/index.js';
import { verifyCertificateChain, type CertificateView } from '../../../lib/x509/index.js';

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
