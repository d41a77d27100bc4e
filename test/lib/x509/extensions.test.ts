import { describe, expect, it } from 'vitest';
import {
  concatBytes, derBitString, derBoolean, derContext, derInteger, derOctetString, derOid, derSequence, derString, derTime, UniversalTag,
} from '../../../lib/asn1/index.js';
import { fromHex } from '../../../lib/encoding/index.js';
import { generateKeyPair } from '../../../lib/keys/index.js';
import { encodeName, parseDistinguishedName, readCertificate } from '../../../lib/x509/index.js';
import { codeOf } from '../../support/coded.js';

const key = await generateKeyPair();
const spki = new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
const algorithm = derSequence(derOid('1.2.840.10045.4.3.2'));

/** A structurally complete certificate with the given extensions (the signature is not checked here). */
function certificateWith(extensions: Uint8Array[], version = 2): Uint8Array {
  const name = encodeName(parseDistinguishedName('CN=ext'));
  const fields = [
    derContext(0, derInteger(version), true),
    derInteger(1),
    algorithm,
    name,
    derSequence(derTime(new Date('2026-01-01T00:00:00Z')), derTime(new Date('2026-02-01T00:00:00Z'))),
    name,
    spki,
  ];
  if (extensions.length > 0) fields.push(derContext(3, derSequence(...extensions), true));
  return derSequence(derSequence(...fields), algorithm, derBitString(fromHex('3006020101020101')));
}

const ext = (oid: string, value: Uint8Array, critical = false): Uint8Array =>
  critical ? derSequence(derOid(oid), derBoolean(true), derOctetString(value)) : derSequence(derOid(oid), derOctetString(value));

describe('extension values (RFC 5280 §4.2)', () => {
  it('accepts every GeneralName form in a subjectAltName with its type and tag', () => {
    const san = derSequence(
      // [0] IMPLICIT OtherName: the SEQUENCE tag is replaced, its contents stay.
      derContext(0, concatBytes([derOid('1.3.6.1.4.1.311.20.2.3'), derContext(0, derString(UniversalTag.UTF8String, 'upn@example'), true)]), true),
      derContext(1, new TextEncoder().encode('a@example.com'), false),
      derContext(2, new TextEncoder().encode('example.com'), false),
      derContext(4, encodeName(parseDistinguishedName('CN=dir,O=Example')), true),
      derContext(6, new TextEncoder().encode('https://example.com/'), false),
      derContext(7, fromHex('c0000201'), false),
      derContext(7, fromHex('20010db8000000000000000000000001'), false),
      derContext(7, fromHex('00000000000000000000ffffc0000201'), false),
      derContext(8, derOid('1.2.3.4').subarray(2), false),
    );
    const view = readCertificate(certificateWith([ext('2.5.29.17', san)]));
    expect(view.subjectAltNames.map(({ type, tag, value }) => [type, tag, value])).toEqual([
      ['otherName', 0, '1.3.6.1.4.1.311.20.2.3;upn@example'],
      ['rfc822Name', 1, 'a@example.com'],
      ['dNSName', 2, 'example.com'],
      ['directoryName', 4, 'CN=dir,O=Example'],
      ['uniformResourceIdentifier', 6, 'https://example.com/'],
      ['iPAddress', 7, '192.0.2.1'],
      ['iPAddress', 7, '2001:db8::1'],
      ['iPAddress', 7, '::ffff:192.0.2.1'],
      ['registeredID', 8, '1.2.3.4'],
    ]);
    expect(view.subjectAltNames[5]?.bytes).toEqual(fromHex('c0000201'));
  });

  it('accepts keyUsage bits, pathLenConstraint, certificatePolicies and an unknown extension kept as hex', () => {
    const view = readCertificate(certificateWith([
      ext('2.5.29.15', derBitString(fromHex('86'), 1), true),
      ext('2.5.29.19', derSequence(derBoolean(true), derInteger(3)), true),
      ext('2.5.29.32', derSequence(derSequence(derOid('2.23.140.1.2.1')))),
      ext('1.2.3.4.5', derString(UniversalTag.UTF8String, 'x')),
    ]));
    expect(view.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(view.basicConstraints).toEqual({ cA: true, pathLenConstraint: 3, critical: true });
    expect(view.extensions[2]?.value).toEqual({ kind: 'certificatePolicies', policies: [{ oid: '2.23.140.1.2.1', name: 'domain-validated' }] });
    expect(view.extensions[3]).toMatchObject({ oid: '1.2.3.4.5', name: '1.2.3.4.5', critical: false, value: { kind: 'unknown', hex: '0c0178' } });
  });

  it('rejects the same extension twice because RFC 5280 §4.2 allows one instance', () => {
    const ski = ext('2.5.29.14', derOctetString(fromHex('01')));
    expect(codeOf(() => readCertificate(certificateWith([ski, ski])))).toBe('ERR_CERTIFICATE_DUPLICATE_EXTENSION');
  });

  it('rejects a subjectAltName that is not DER', () => {
    expect(codeOf(() => readCertificate(certificateWith([ext('2.5.29.17', fromHex('3005820161'))])))).toBe('ERR_CERTIFICATE_EXTENSION');
  });

  it('rejects an empty subjectAltName because GeneralNames is SIZE (1..MAX)', () => {
    expect(codeOf(() => readCertificate(certificateWith([ext('2.5.29.17', derSequence())])))).toBe('ERR_CERTIFICATE_EXTENSION');
  });

  it('rejects a GeneralName with a universal tag', () => {
    expect(codeOf(() => readCertificate(certificateWith([ext('2.5.29.17', derSequence(derString(UniversalTag.IA5String, 'x')))])))).toBe('ERR_GENERAL_NAME');
  });

  it('rejects basicConstraints with a negative pathLenConstraint', () => {
    expect(codeOf(() => readCertificate(certificateWith([ext('2.5.29.19', derSequence(derBoolean(true), fromHex('0201ff')))])))).toBe('ERR_CERTIFICATE_EXTENSION');
  });

  it('rejects an extension whose extnValue is not an OCTET STRING', () => {
    const bad = derSequence(derOid('2.5.29.14'), derInteger(1));
    expect(codeOf(() => readCertificate(certificateWith([bad])))).toBe('ERR_CERTIFICATE_EXTENSION');
  });

  it('rejects extensions in a version 1 certificate because RFC 5280 §4.1.2.9 reserves them for v3', () => {
    expect(codeOf(() => readCertificate(certificateWith([ext('2.5.29.14', derOctetString(fromHex('01')))], 0)))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('rejects a version other than v1, v2 or v3', () => {
    expect(codeOf(() => readCertificate(certificateWith([], 7)))).toBe('ERR_CERTIFICATE_MALFORMED');
  });
});
