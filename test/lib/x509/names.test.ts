import { describe, expect, it } from 'vitest';
import { decodeAsn1, labelAsn1Tree } from '../../../lib/asn1/index.js';
import { fromHex } from '../../../lib/encoding/index.js';
import {
  decodeName, distinguishedNamesEqual, encodeName, formatDistinguishedName, parseDistinguishedName, parseOpensslSubject, parseSubjectText,
} from '../../../lib/x509/index.js';
import { codeOf } from '../../support/coded.js';
import { matchTlsClientAuthField } from '../../../lib/mtls/tls-client-auth-fields.js';
import { readCertificate } from '../../../lib/x509/index.js';
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

describe('attribute types by dotted OID or OpenSSL name, with string values (RFC 4514 §3)', () => {
  it('accepts the names OpenSSL uses for the EV jurisdiction attributes, businessCategory and serialNumber', () => {
    const dn = parseDistinguishedName('CN=bank,serialNumber=12345,businessCategory=Private Organization,jurisdictionC=GB,jurisdictionST=Wales,jurisdictionL=Cardiff');
    expect(dn.map((rdn) => rdn[0]?.type)).toEqual([
      '1.3.6.1.4.1.311.60.2.1.1', '1.3.6.1.4.1.311.60.2.1.2', '1.3.6.1.4.1.311.60.2.1.3', '2.5.4.15', '2.5.4.5', '2.5.4.3',
    ]);
    expect(distinguishedNamesEqual(dn, parseDistinguishedName('CN=bank,2.5.4.5=12345,2.5.4.15=private organization,1.3.6.1.4.1.311.60.2.1.3=GB,jurisdictionStateOrProvinceName=Wales,1.3.6.1.4.1.311.60.2.1.1=Cardiff'))).toBe(true);
    expect(parseOpensslSubject('/jurisdictionC=GB/CN=x')[0]).toEqual([{ type: '1.3.6.1.4.1.311.60.2.1.3', value: 'GB' }]);
  });

  it('rejects a descr it does not know because RFC 4514 §3 then asks for the dotted OID', () => {
    expect(codeOf(() => parseDistinguishedName('flavour=vanilla'))).toBe('ERR_DN_UNKNOWN_ATTRIBUTE');
  });

  it('prints a dotted type with the #hex of the bytes read, and writes them back unchanged', () => {
    const dn = parseDistinguishedName('1.3.6.1.4.1.311.60.2.1.3=#13024742,CN=x');
    expect(formatDistinguishedName(dn)).toBe('1.3.6.1.4.1.311.60.2.1.3=#13024742,CN=x');
    expect(decodeName(decodeAsn1(encodeName(dn)))).toEqual(dn);
  });

  it('accepts a registered 1.3.6.1.4.1.311.60.2.1.3=GB tls_client_auth_subject_dn against a certificate carrying jurisdictionC', async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      name: new x509.Name([{ '1.3.6.1.4.1.311.60.2.1.3': [{ printableString: 'GB' }] }, { '2.5.4.15': [{ utf8String: 'Private Organization' }] }, { CN: [{ utf8String: 'bank.example' }] }]),
      extensions: [new x509.BasicConstraintsExtension(false)],
    });
    const view = readCertificate(new Uint8Array(cert.rawData));
    expect(view.subject[0]).toEqual([{ type: '1.3.6.1.4.1.311.60.2.1.3', value: 'GB', hex: '13024742' }]);
    const registered = 'CN=bank.example,businessCategory=Private Organization,1.3.6.1.4.1.311.60.2.1.3=GB';
    expect(matchTlsClientAuthField(view, 'tls_client_auth_subject_dn', registered).matched).toBe(true);
    expect(matchTlsClientAuthField(view, 'tls_client_auth_subject_dn', registered.replace('=GB', '=FR')).matched).toBe(false);
  });
});

describe('the deck\'s subject bytes 30 19 31 17 …', () => {
  const bytes = fromHex('30 19 31 17 30 15 06 03 55 04 03 0C 0E 2A 2E 61 75 74 68 6C 65 74 65 2E 63 6F 6D');

  it('decode to CN=*.authlete.com', () => {
    const root = decodeAsn1(bytes);
    expect(labelAsn1Tree(root)).toBe('Name');
    const dn = decodeName(root);
    expect(dn).toEqual([[{ type: '2.5.4.3', shortName: 'CN', value: '*.authlete.com' }]]);
    expect(formatDistinguishedName(dn)).toBe('CN=*.authlete.com');
  });

  it('are what encodeName writes for CN=*.authlete.com', () => {
    expect(Buffer.from(encodeName(parseDistinguishedName('CN=*.authlete.com'))).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('parseDistinguishedName (RFC 4514)', () => {
  it('accepts "CN=a,O=b,C=JP" and returns ASN.1 order, C first', () => {
    expect(parseDistinguishedName('CN=a,O=b,C=JP')).toEqual([
      [{ type: '2.5.4.6', shortName: 'C', value: 'JP' }],
      [{ type: '2.5.4.10', shortName: 'O', value: 'b' }],
      [{ type: '2.5.4.3', shortName: 'CN', value: 'a' }],
    ]);
  });

  it('accepts multi-valued RDNs joined by +', () => {
    expect(parseDistinguishedName('CN=a+UID=b,DC=example')).toEqual([
      [{ type: '0.9.2342.19200300.100.1.25', shortName: 'DC', value: 'example' }],
      [{ type: '2.5.4.3', shortName: 'CN', value: 'a' }, { type: '0.9.2342.19200300.100.1.1', shortName: 'UID', value: 'b' }],
    ]);
  });

  it('accepts escaped specials, hex pairs as UTF-8 and an escaped trailing space', () => {
    const ava = parseDistinguishedName('CN=Ex\\, Inc \\2B \\E6\\97\\A5\\ ')[0]?.[0];
    expect(ava?.value).toBe('Ex, Inc + 日 ');
  });

  it('accepts a dotted OID with a #hex BER value', () => {
    expect(parseDistinguishedName('2.5.4.3=#0c0161')).toEqual([[{ type: '2.5.4.3', shortName: 'CN', value: 'a' }]]);
    expect(parseDistinguishedName('1.2.3.4=#0c0161')).toEqual([[{ type: '1.2.3.4', value: 'a', hex: '0c0161' }]]);
    expect(parseDistinguishedName('1.2.3.4=#020105')).toEqual([[{ type: '1.2.3.4', value: '#020105', hex: '020105' }]]);
  });

  it('accepts OpenSSL\'s "CN = a, O = b" spacing', () => {
    expect(formatDistinguishedName(parseDistinguishedName('CN = a , O = b'))).toBe('CN=a,O=b');
  });

  it('accepts the empty string as the empty DN', () => {
    expect(parseDistinguishedName('')).toEqual([]);
  });

  it('rejects a missing "=" because attributeTypeAndValue needs one', () => {
    expect(codeOf(() => parseDistinguishedName('CN'))).toBe('ERR_DN_SYNTAX');
  });

  it('rejects an unescaped ";" or \'"\' inside a value because RFC 4514 §3 requires escaping', () => {
    expect(codeOf(() => parseDistinguishedName('CN=a;b'))).toBe('ERR_DN_SYNTAX');
    expect(codeOf(() => parseDistinguishedName('CN="a"'))).toBe('ERR_DN_SYNTAX');
  });

  it('rejects a dangling separator because an RDN must follow it', () => {
    expect(codeOf(() => parseDistinguishedName('CN=a,'))).toBe('ERR_DN_SYNTAX');
  });

  it('rejects a bad escape because "\\" must be followed by a special or two hex digits', () => {
    expect(codeOf(() => parseDistinguishedName('CN=a\\x'))).toBe('ERR_DN_SYNTAX');
  });

  it('rejects an unknown attribute name because only dotted OIDs may stand for unknown types', () => {
    expect(codeOf(() => parseDistinguishedName('FOO=a'))).toBe('ERR_DN_UNKNOWN_ATTRIBUTE');
  });

  it('rejects #hex that is not BER', () => {
    expect(codeOf(() => parseDistinguishedName('1.2.3=#0c05'))).toBe('ERR_DN_SYNTAX');
  });
});

describe('formatDistinguishedName (RFC 4514 §2)', () => {
  it('writes the RDNs in reverse order and escapes specials, a leading # and space, a trailing space', () => {
    const dn = [
      [{ type: '2.5.4.6', shortName: 'C', value: 'JP' }],
      [{ type: '2.5.4.10', shortName: 'O', value: '#1 "Co", <x>;y+z\\' }],
      [{ type: '2.5.4.3', shortName: 'CN', value: ' padded ' }],
    ];
    expect(formatDistinguishedName(dn)).toBe('CN=\\ padded\\ ,O=\\#1 \\"Co\\"\\, \\<x\\>\\;y\\+z\\\\,C=JP');
    expect(parseDistinguishedName(formatDistinguishedName(dn))).toEqual(dn);
  });

  it('writes unknown attribute types as dotted OIDs with #hex values', () => {
    expect(formatDistinguishedName([[{ type: '1.2.3.4', value: 'abc' }]])).toBe('1.2.3.4=#0c03616263');
  });
});

describe('parseOpensslSubject (openssl req -subj)', () => {
  it('accepts /C=JP/O=Example/CN=client in written (ASN.1) order', () => {
    expect(formatDistinguishedName(parseOpensslSubject('/C=JP/O=Example/CN=client'))).toBe('CN=client,O=Example,C=JP');
  });

  it('accepts + for multi-valued RDNs and \\ escapes', () => {
    expect(parseOpensslSubject('/CN=a\\/b+UID=c')).toEqual([[{ type: '2.5.4.3', shortName: 'CN', value: 'a/b' }, { type: '0.9.2342.19200300.100.1.1', shortName: 'UID', value: 'c' }]]);
  });

  it('rejects a component without "=" because every RDN needs type=value', () => {
    expect(codeOf(() => parseOpensslSubject('/CN'))).toBe('ERR_DN_SYNTAX');
  });

  it('parseSubjectText picks the form from the first character', () => {
    expect(parseSubjectText('/CN=x')).toEqual(parseSubjectText('CN=x'));
  });
});

describe('distinguishedNamesEqual (RFC 4517 distinguishedNameMatch)', () => {
  const p = parseDistinguishedName;

  it('accepts values that differ only in case and insignificant spaces', () => {
    expect(distinguishedNamesEqual(p('CN=Client  One,O=Example'), p('cn= client one ,o=EXAMPLE'))).toBe(true);
  });

  it('accepts the AVAs of a multi-valued RDN in any order', () => {
    expect(distinguishedNamesEqual(p('CN=a+UID=b'), p('UID=b+CN=a'))).toBe(true);
  });

  it('rejects names whose RDNs are in another order because a DN is a sequence', () => {
    expect(distinguishedNamesEqual(p('CN=a,O=b'), p('O=b,CN=a'))).toBe(false);
  });

  it('rejects names with a different number of RDNs or AVAs', () => {
    expect(distinguishedNamesEqual(p('CN=a'), p('CN=a,O=b'))).toBe(false);
    expect(distinguishedNamesEqual(p('CN=a'), p('CN=a+UID=b'))).toBe(false);
  });

  it('compares types by OID, whatever name was written', () => {
    expect(distinguishedNamesEqual(p('2.5.4.3=#0c0161'), p('CN=A'))).toBe(true);
    expect(distinguishedNamesEqual(p('OID.2.5.4.3=a,commonName=b'), p('CN=A,CN=B'))).toBe(true);
  });
});
