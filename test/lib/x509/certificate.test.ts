import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../lib/encoding/index.js';
import { readCertificate, verifyJwkX5c, jwkWithX5c } from '../../../lib/x509/index.js';
import { codeOf } from '../../support/coded.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/x509/${name}`, import.meta.url), 'utf8');
const deckPem = fixture('deck-client-example.pem');
const deckJwk = JSON.parse(fixture('deck-public-key.jwk.json')) as Record<string, string>;

describe('readCertificate on the deck\'s self-signed certificate (CN=client.example.com)', () => {
  const view = readCertificate(deckPem);

  it('accepts it and reads the fields openssl x509 -text shows on the slide', () => {
    expect(view.version).toBe(3);
    expect(view.serialNumber).toBe('7516c7f84948f222e39d1f5e2700a9214f1ef316');
    expect(view.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(view.subjectString).toBe('CN=client.example.com');
    expect(view.issuerString).toBe('CN=client.example.com');
    expect(view.subject).toEqual([[{ type: '2.5.4.3', shortName: 'CN', value: 'client.example.com' }]]);
    expect(view.notBefore.toISOString()).toBe('2020-06-27T11:38:03.000Z');
    expect(view.notAfter.toISOString()).toBe('2020-07-27T11:38:03.000Z');
  });

  it('shows SKI 96:8C:28:… and an AKI with the same key id, and CA:TRUE critical', () => {
    expect(view.subjectKeyIdentifier).toBe('968c280db678a88c5c6bd2a237a82c60a170005c');
    expect(view.authorityKeyIdentifier).toBe(view.subjectKeyIdentifier);
    expect(view.basicConstraints).toEqual({ cA: true, critical: true });
    expect(view.extensions.map((e) => e.name)).toEqual(['subjectKeyIdentifier', 'authorityKeyIdentifier', 'basicConstraints']);
  });

  it('has the public key of the deck\'s JWK (x and y as eckles printed them)', () => {
    expect(view.publicKey).toMatchObject({ type: 'EC', curve: 'P-256', bits: 256 });
    expect(view.publicKey.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: deckJwk.x, y: deckJwk.y });
  });

  it('is self-signed: issuer = subject and its own key verifies the signature', () => {
    expect(view.selfSigned).toBe(true);
  });

  it('picks the CERTIFICATE block of a PEM file that also holds a key', () => {
    const bundle = `${fixture('deck-private-key.pem')}${deckPem}`;
    expect(readCertificate(bundle).x5tS256).toBe(view.x5tS256);
  });

  it('reads the same certificate from DER bytes, Base64 and hex text', () => {
    const der = view.der;
    expect(readCertificate(Buffer.from(der).toString('base64')).x5tS256).toBe(view.x5tS256);
    expect(readCertificate(Buffer.from(der).toString('hex')).x5tS256).toBe(view.x5tS256);
    expect(readCertificate(new Uint8Array(der)).serialNumber).toBe(view.serialNumber);
  });

  it('accepts the deck\'s certificate.jwk: x5c[0] holds the JWK\'s key', () => {
    const jwk = jwkWithX5c(deckJwk, [deckPem]);
    expect(jwk.x5c).toEqual([Buffer.from(view.der).toString('base64')]);
    expect(verifyJwkX5c(jwk)).toHaveLength(1);
  });
});

describe('readCertificate on the RFC 8705 Appendix A certificate (CN=mtls)', () => {
  it('accepts it and computes the x5t#S256 given in the RFC', () => {
    const view = readCertificate(fixture('rfc8705-mtls.pem'));
    expect(view.x5tS256).toBe('A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0');
    // A v1 certificate: no [0] version field, so 02 01 02 is the serial number.
    expect(view.version).toBe(1);
    expect(view.serialNumber).toBe('02');
    expect(view.subjectString).toBe('CN=mtls');
    expect(view.extensions).toEqual([]);
    expect(view.selfSigned).toBe(true);
  });
});

describe('readCertificate on damaged input', () => {
  const der = readCertificate(deckPem).der;

  it('rejects text that is no encoding at all because it is neither PEM, Base64 nor hex', () => {
    expect(codeOf(() => readCertificate('this is not a certificate!'))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('rejects a truncated certificate because the outer length exceeds the bytes left', () => {
    expect(codeOf(() => readCertificate(der.subarray(0, der.length - 10)))).toBe('ERR_ASN1_TRUNCATED');
  });

  it('rejects a certificate with bytes after it because they are trailing data', () => {
    expect(codeOf(() => readCertificate(Uint8Array.of(...der, 0x00)))).toBe('ERR_ASN1_TRAILING_DATA');
  });

  it('rejects a DER SEQUENCE that is not a certificate because the structure does not match RFC 5280', () => {
    expect(codeOf(() => readCertificate(fromHex('30 03 02 01 01')))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('rejects a certificate whose signature algorithms differ because RFC 5280 §4.1.1.2 requires them equal', () => {
    const bytes = new Uint8Array(der);
    // The outer signatureAlgorithm's last OID octet (ecdsa-with-SHA256 → SHA384).
    const outer = Buffer.from(bytes).lastIndexOf(Buffer.from('2a8648ce3d040302', 'hex'));
    bytes[outer + 7] = 0x03;
    expect(codeOf(() => readCertificate(bytes))).toBe('ERR_CERTIFICATE_ALGORITHM_MISMATCH');
  });

  it('reads a certificate with a changed signature as not self-signed', () => {
    const bytes = new Uint8Array(der);
    bytes[bytes.length - 1] ^= 0x01;
    expect(readCertificate(bytes).selfSigned).toBe(false);
  });
});
