import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Asn1Error, asn1ToJson, decodeAsn1, derInteger, derOid, derSequence, derSet, derTime, formatAsn1Text, labelAsn1Tree, walkAsn1, type Asn1Node,
} from '../../../lib/asn1/index.js';
import { decodeInput, fromHex, toHex } from '../../../lib/encoding/index.js';

function errorOf(run: () => unknown): Asn1Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Asn1Error);
    return error as Asn1Error;
  }
  throw new Error('expected an Asn1Error');
}

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/x509/${name}`, import.meta.url), 'utf8');

describe('the deck\'s SAN extension bytes 30 27 06 03 55 1D 11 …', () => {
  const root = decodeAsn1(decodeInput(fixture('san-authlete.hex')).der);

  it('decode to an Extension whose OCTET STRING encapsulates two dNSNames', () => {
    expect(labelAsn1Tree(root)).toBe('Extension');
    const [extnID, extnValue] = root.children as [Asn1Node, Asn1Node];
    expect(extnID.value).toEqual({ kind: 'oid', oid: '2.5.29.17', name: 'subjectAltName' });
    expect(extnValue.encapsulates).toBe(true);
    const names = extnValue.children[0]?.children ?? [];
    expect(names.map((n) => [n.type, n.name, n.value?.kind === 'bytes' ? n.value.text : undefined])).toEqual([
      ['[2]', 'dNSName', '*.authlete.com'],
      ['[2]', 'dNSName', 'authlete.com'],
    ]);
  });

  it('carry the offsets, depths and lengths lapo.it shows', () => {
    const rows: string[] = [];
    walkAsn1(root, (n) => rows.push(`${n.offset}:${n.depth}:${n.headerLength}:${n.length}`));
    expect(rows).toEqual(['0:0:2:39', '2:1:2:3', '7:1:2:32', '9:2:2:30', '11:3:2:14', '27:3:2:12']);
  });
});

describe('decodeAsn1 on the deck certificate', () => {
  const root = decodeAsn1(decodeInput(fixture('deck-client-example.pem')).der);
  labelAsn1Tree(root);
  const byName = (name: string): Asn1Node | undefined => {
    let found: Asn1Node | undefined;
    walkAsn1(root, (n) => {
      if (!found && n.name === name) found = n;
    });
    return found;
  };

  it('labels the RFC 5280 fields', () => {
    for (const name of ['tbsCertificate', 'version', 'serialNumber', 'signature', 'issuer', 'validity', 'notBefore', 'subject', 'subjectPublicKeyInfo', 'extensions', 'extnID', 'critical', 'extnValue', 'signatureAlgorithm', 'signatureValue', 'cA', 'keyIdentifier']) {
      expect(byName(name), name).toBeDefined();
    }
    expect(byName('serialNumber')?.value).toEqual({ kind: 'integer', hex: '7516c7f84948f222e39d1f5e2700a9214f1ef316' });
    expect(byName('notBefore')?.value).toEqual({ kind: 'time', text: '200627113803Z', iso: '2020-06-27T11:38:03.000Z' });
    expect(byName('subjectPublicKey')?.value).toMatchObject({ kind: 'bitString', unusedBits: 0, bitLength: 520 });
  });

  it('shows the signature BIT STRING as an encapsulated Ecdsa-Sig-Value', () => {
    expect(byName('signatureValue')?.encapsulates).toBe(true);
    expect(byName('r')?.value?.kind).toBe('integer');
  });

  it('renders text with one line per node and JSON with the documented members', () => {
    const text = formatAsn1Text(root);
    expect(text).toContain('  0:d=0  hl=4  l=  399 cons: SEQUENCE');
    expect(text).toMatch(/UTF8String +client\.example\.com +value/);
    const json = asn1ToJson(root);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['offset', 'depth', 'headerLength', 'length', 'tagClass', 'tagNumber', 'constructed', 'type', 'value', 'name', 'children']));
    expect(json.children[0]?.name).toBe('tbsCertificate');
  });
});

describe('decodeAsn1 values', () => {
  it('decodes INTEGER as hex and decimal, negative ones too', () => {
    expect(decodeAsn1(derInteger(65537)).value).toEqual({ kind: 'integer', hex: '010001', decimal: '65537' });
    expect(decodeAsn1(fromHex('0201ff')).value).toEqual({ kind: 'integer', hex: 'ff', decimal: '-1' });
  });

  it('decodes OIDs with large arcs and the 2.x first arc', () => {
    expect(decodeAsn1(derOid('2.999.3')).value).toEqual({ kind: 'oid', oid: '2.999.3' });
    expect(decodeAsn1(derOid('1.2.840.113549.1.1.11')).value).toMatchObject({ name: 'sha256WithRSAEncryption' });
  });

  it('decodes UTCTime (19xx/20xx pivot of RFC 5280) and GeneralizedTime', () => {
    expect(decodeAsn1(fromHex('170d3439313233313233353935395a')).value).toMatchObject({ iso: '2049-12-31T23:59:59.000Z' });
    expect(decodeAsn1(derTime(new Date('1950-01-01T00:00:00Z'))).value).toMatchObject({ iso: '1950-01-01T00:00:00.000Z' });
    expect(decodeAsn1(derTime(new Date('2050-01-01T00:00:00Z'))).value).toMatchObject({ text: '20500101000000Z' });
  });

  it('decodes BOOLEAN, NULL, BMPString and BIT STRING unused bits', () => {
    expect(decodeAsn1(fromHex('0101ff')).value).toEqual({ kind: 'boolean', value: true });
    expect(decodeAsn1(fromHex('0500')).value).toEqual({ kind: 'null' });
    expect(decodeAsn1(fromHex('1e0400410042')).value).toEqual({ kind: 'string', text: 'AB' });
    expect(decodeAsn1(fromHex('030205a0')).value).toEqual({ kind: 'bitString', unusedBits: 5, hex: 'a0', bitLength: 3 });
  });

  it('sorts SET OF in DER order when writing', () => {
    expect(toHex(derSet(fromHex('020102'), fromHex('020101')))).toBe('3106020101020102');
  });

  it('accepts BER indefinite lengths only in ber mode', () => {
    const ber = fromHex('3080020101020102 0000');
    expect(errorOf(() => decodeAsn1(ber)).code).toBe('ERR_ASN1_INDEFINITE_LENGTH');
    const root = decodeAsn1(ber, { mode: 'ber' });
    expect(root.indefiniteLength).toBe(true);
    expect(root.children).toHaveLength(2);
    expect(root.length).toBe(6);
  });

  it('accepts a constructed BER string in ber mode and shows its segments, and rejects it in DER', () => {
    const ber = fromHex('2c0a0c036162630c03646566');
    const root = decodeAsn1(ber, { mode: 'ber' });
    expect(root.children.map((n) => [n.offset, n.value])).toEqual([[2, { kind: 'string', text: 'abc' }], [7, { kind: 'string', text: 'def' }]]);
    expect(errorOf(() => decodeAsn1(ber)).code).toBe('ERR_ASN1_CONSTRUCTED_FLAG');
  });

  it('writes nested structures the reader reads back', () => {
    const der = derSequence(derInteger(1), derSequence(derOid('2.5.4.3')));
    expect(decodeAsn1(der).children[1]?.children[0]?.value).toMatchObject({ oid: '2.5.4.3', name: 'commonName' });
  });
});

describe('decodeAsn1 on malformed input (each error carries its code and offset)', () => {
  it.each([
    ['empty input', '', 'ERR_ASN1_EMPTY', 0],
    ['a header cut after the tag', '30', 'ERR_ASN1_TRUNCATED', 0],
    ['a length larger than the bytes left', '3005020101', 'ERR_ASN1_TRUNCATED', 0],
    ['a child longer than its parent', '3003020201', 'ERR_ASN1_TRUNCATED', 2],
    ['indefinite length in DER', '30800000', 'ERR_ASN1_INDEFINITE_LENGTH', 0],
    ['a length in more than 4 octets (absurd)', '3085ffffffffff', 'ERR_ASN1_LENGTH_TOO_LARGE', 0],
    ['the reserved length octet 0xFF', '30ff', 'ERR_ASN1_LENGTH_RESERVED', 0],
    ['a length not in its shortest form', '30810100', 'ERR_ASN1_LENGTH_NOT_MINIMAL', 0],
    ['trailing bytes after the element', '300000', 'ERR_ASN1_TRAILING_DATA', 2],
    ['a primitive SEQUENCE', '1000', 'ERR_ASN1_CONSTRUCTED_FLAG', 0],
    ['a constructed INTEGER', '2203020101', 'ERR_ASN1_CONSTRUCTED_FLAG', 0],
    ['end-of-contents where an element belongs', '30020000', 'ERR_ASN1_UNEXPECTED_EOC', 2],
    ['an empty INTEGER', '0200', 'ERR_ASN1_INTEGER', 0],
    ['an INTEGER with a redundant leading zero', '02020001', 'ERR_ASN1_INTEGER', 0],
    ['a BOOLEAN of two octets', '01020000', 'ERR_ASN1_BOOLEAN', 0],
    ['a BOOLEAN TRUE that is not 0xFF', '010101', 'ERR_ASN1_BOOLEAN', 0],
    ['NULL with contents', '050100', 'ERR_ASN1_NULL', 0],
    ['an OID that stops inside a subidentifier', '06025586', 'ERR_ASN1_OID', 0],
    ['an OID subidentifier padded with 0x80', '0603558001', 'ERR_ASN1_OID', 0],
    ['an empty BIT STRING', '0300', 'ERR_ASN1_BIT_STRING', 0],
    ['a BIT STRING with 8 unused bits', '030208ff', 'ERR_ASN1_BIT_STRING', 0],
    ['a BIT STRING whose unused bits are not zero', '030201ff', 'ERR_ASN1_BIT_STRING', 0],
    ['a UTF8String that is not UTF-8', '0c01ff', 'ERR_ASN1_STRING', 0],
    ['a BMPString of odd length', '1e0100', 'ERR_ASN1_STRING', 0],
    ['a UTCTime without seconds (DER)', '170b323030363237313133385a', 'ERR_ASN1_TIME', 0],
    ['a UTCTime on 31 February', '170d3230303233313131333830335a', 'ERR_ASN1_TIME', 0],
    ['a tag number longer than 4 octets', '1fffffffff7f00', 'ERR_ASN1_TAG_TOO_LARGE', 0],
    ['a small tag number in the long form', '1f0100', 'ERR_ASN1_TAG_ENCODING', 0],
  ])('rejects %s', (_what, hex, code, offset) => {
    const error = errorOf(() => decodeAsn1(fromHex(hex.replace(/\s/g, ''))));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset);
  });

  it('rejects nesting deeper than the bound instead of following it', () => {
    const depth = 200;
    let der = fromHex('0500');
    for (let i = 0; i < depth; i++) der = derSequence(der);
    expect(errorOf(() => decodeAsn1(der)).code).toBe('ERR_ASN1_TOO_DEEP');
    expect(decodeAsn1(der, { maxDepth: 250 }).depth).toBe(0);
  });

  it('rejects BER without end-of-contents', () => {
    expect(errorOf(() => decodeAsn1(fromHex('3080020101'), { mode: 'ber' })).code).toBe('ERR_ASN1_TRUNCATED');
  });
});
