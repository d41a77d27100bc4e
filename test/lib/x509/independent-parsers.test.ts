// Cross-checks with the two libraries of the design, used here as independent parsers and writers.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { decodeAsn1 } from '../../../lib/asn1/index.js';
import { createCertificateAuthority, generateKeyPair, issueCertificate } from '../../../lib/keys/index.js';
import { readCertificate } from '../../../lib/x509/index.js';

describe('lab-made certificates read by @peculiar/x509', () => {
  it('have the same serial, names, validity, SANs, key identifiers and a signature that verifies', async () => {
    const ca = await createCertificateAuthority({ subject: 'CN=Peculiar Root,O=Lab' });
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-384' });
    const issued = await issueCertificate({ ca, publicKey: key, subject: 'CN=client,O=Lab', extendedKeyUsage: ['clientAuth'], san: [{ type: 'dNSName', value: 'client.example' }, { type: 'iPAddress', value: '192.0.2.9' }] });
    const theirs = new x509.X509Certificate(issued.pem);
    const ours = issued.view;
    expect(theirs.serialNumber.toLowerCase()).toBe(ours.serialNumber);
    // @peculiar/x509 lists the RDNs in ASN.1 order; RFC 4514 (ours) lists them reversed.
    expect(theirs.subject).toBe('O=Lab, CN=client');
    expect(ours.subjectString).toBe('CN=client,O=Lab');
    expect(theirs.issuer).toBe('O=Lab, CN=Peculiar Root');
    expect(theirs.notBefore.getTime()).toBe(ours.notBefore.getTime());
    expect(theirs.notAfter.getTime()).toBe(ours.notAfter.getTime());
    const san = theirs.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.toJSON()).toEqual([{ type: 'dns', value: 'client.example' }, { type: 'ip', value: '192.0.2.9' }]);
    expect(theirs.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe(ours.subjectKeyIdentifier);
    expect(theirs.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ca.view.subjectKeyIdentifier);
    expect(theirs.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(await theirs.verify({ publicKey: new x509.X509Certificate(ca.certificatePem).publicKey, signatureOnly: true })).toBe(true);
  });
});

describe('the DER reader against asn1js', () => {
  it('reads what asn1js writes with the same values', () => {
    const written = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: -129 }),
        new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.311.60.2.1.3' }),
        new asn1js.Utf8String({ value: 'テスト' }),
        new asn1js.Boolean({ value: true }),
        new asn1js.Null(),
        new asn1js.BitString({ valueHex: new Uint8Array([0xa0]).buffer, unusedBits: 5 }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 5 }, value: [new asn1js.OctetString({ valueHex: new Uint8Array([1, 2]).buffer })] }),
      ],
    }).toBER();
    const root = decodeAsn1(new Uint8Array(written));
    expect(root.children.map((c) => c.value)).toEqual([
      { kind: 'integer', hex: 'ff7f', decimal: '-129' },
      { kind: 'oid', oid: '1.3.6.1.4.1.311.60.2.1.3', name: 'jurisdictionCountryName' },
      { kind: 'string', text: 'テスト' },
      { kind: 'boolean', value: true },
      { kind: 'null' },
      { kind: 'bitString', unusedBits: 5, hex: 'a0', bitLength: 3 },
      undefined,
    ]);
    expect(root.children[6]).toMatchObject({ tagClass: 'context', tagNumber: 5, type: '[5]', constructed: true });
  });

  it('agrees with asn1js on the element lengths of a real certificate', async () => {
    const key = await generateKeyPair({ alg: 'RSA' });
    const ca = await createCertificateAuthority({ key });
    const parsed = asn1js.fromBER(new Uint8Array(ca.der));
    expect(parsed.offset).toBe(ca.der.length);
    const ours = decodeAsn1(ca.der);
    const theirs = parsed.result as asn1js.Sequence;
    expect(ours.headerLength).toBe(theirs.idBlock.blockLength + theirs.lenBlock.blockLength);
    expect(ours.children.map((c) => c.headerLength + c.length)).toEqual(theirs.valueBlock.value.map((v) => v.blockLength));
    expect(readCertificate(ca.der).publicKey).toMatchObject({ type: 'RSA', bits: 2048 });
  });
});
