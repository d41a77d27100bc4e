import { describe, it } from 'vitest';
import {
  decodeAsn1, decodeName, derOid, derSequence, derSet, derString, encodeName, formatDistinguishedName, parseSubjectText, UniversalTag,
} from '@client-auth-lab/lib';
import { expectNoThrow, expectRule, expectTrue } from '../support/expectations.js';
import { distinguishedNameToString } from './distinguished-name.js';

type Attribute = [oid: string, tag: number, text: string];

/** DER of a Name from RDNs in ASN.1 order (most significant first), each a list of attributes. */
function nameDer(rdns: Attribute[][]): Uint8Array {
  return derSequence(...rdns.map((rdn) => derSet(...rdn.map(([oid, tag, text]) => derSequence(derOid(oid), derString(tag, text))))));
}

const CN = '2.5.4.3';
const UTF8 = UniversalTag.UTF8String;
const cn = (text: string): Uint8Array => nameDer([[['2.5.4.6', UniversalTag.PrintableString, 'JP']], [[CN, UTF8, text]]]);

const write = (der: Uint8Array) => expectNoThrow(() => distinguishedNameToString(der), 'RFC 4514 §2', 'a well-formed Name must be written without an error');

describe('distinguishedNameToString: a Name as an RFC 4514 string', () => {
  it('accepts a Name and writes its RDNs last first, separated by commas', async () => {
    expectRule(await write(encodeName(parseSubjectText('/C=JP/O=Example Corp/OU=Lab/CN=client.example'))), 'CN=client.example,OU=Lab,O=Example Corp,C=JP',
      'RFC 4514 §2.1', 'the output starts with the last RDN of the SEQUENCE and ends with the first');
    const dc = nameDer([[['0.9.2342.19200300.100.1.25', UniversalTag.IA5String, 'net']], [['0.9.2342.19200300.100.1.25', UniversalTag.IA5String, 'example']], [['0.9.2342.19200300.100.1.1', UTF8, 'jsmith']]]);
    expectRule(await write(dc), 'UID=jsmith,DC=example,DC=net', 'RFC 4514 §4', 'the example of RFC 4514 §4, with the short names of the §3 table');
  });

  it('accepts every type of the §3 table by its short name', async () => {
    const der = nameDer([
      [['2.5.4.6', UniversalTag.PrintableString, 'JP']], [['2.5.4.8', UTF8, 'Tokyo']], [['2.5.4.7', UTF8, 'Chiyoda']], [['2.5.4.9', UTF8, '1-1 Marunouchi']],
      [['2.5.4.10', UTF8, 'Lab Inc']], [['2.5.4.11', UTF8, 'Clients']], [[CN, UTF8, 'client']],
    ]);
    expectRule(await write(der), 'CN=client,OU=Clients,O=Lab Inc,STREET=1-1 Marunouchi,L=Chiyoda,ST=Tokyo,C=JP', 'RFC 4514 §3',
      'CN, L, ST, O, OU, C, STREET, DC and UID are written by name');
  });

  it('escapes the characters RFC 4514 §2.4 lists, and only those', async () => {
    const cases: [string, string][] = [
      ['James "Jim" Smith, III', 'James \\"Jim\\" Smith\\, III'],
      ['a+b;c<d>e\\f', 'a\\+b\\;c\\<d\\>e\\\\f'],
      ['#1 client', '\\#1 client'],
      ['client #1', 'client #1'],
      [' padded ', '\\ padded\\ '],
      ['x=y', 'x=y'],
      ['nul\0byte', 'nul\\00byte'],
      ['Lučić 株式会社', 'Lučić 株式会社'],
    ];
    for (const [value, escaped] of cases) {
      expectRule(await write(cn(value)), `CN=${escaped},C=JP`, 'RFC 4514 §2.4',
        `the value ${JSON.stringify(value)}: escape '"' '+' ',' ';' '<' '>' '\\', a leading space or '#', a trailing space, NUL as \\00, nothing else`);
    }
  });

  it('accepts a multi-valued RDN and joins its attributes with +, in any order', async () => {
    const der = nameDer([[['0.9.2342.19200300.100.1.25', UniversalTag.IA5String, 'net']], [['0.9.2342.19200300.100.1.25', UniversalTag.IA5String, 'example']], [['2.5.4.11', UTF8, 'Sales'], [CN, UTF8, 'J.  Smith']]]);
    const got = await write(der);
    const allowed = ['OU=Sales+CN=J.  Smith,DC=example,DC=net', 'CN=J.  Smith+OU=Sales,DC=example,DC=net'];
    expectTrue(allowed.includes(got), 'RFC 4514 §2.2', `the attributes of one RDN are joined by '+' (their order does not matter); expected one of ${JSON.stringify(allowed)}`, got);
  });

  it('writes a type outside the §3 table as its dotted OID and the hex of the value\'s DER', async () => {
    const der = nameDer([[['2.5.4.5', UniversalTag.PrintableString, '1234']], [[CN, UTF8, 'ops']], [['1.2.840.113549.1.9.1', UniversalTag.IA5String, 'ops@lab.example']]]);
    expectRule(await write(der), '1.2.840.113549.1.9.1=#160f6f7073406c61622e6578616d706c65,CN=ops,2.5.4.5=#130431323334', 'RFC 4514 §2.3, §2.4',
      "emailAddress and serialNumber are not in the §3 table: the numeric OID, '=', '#' and the hex of tag, length and contents");
  });

  it('writes an empty Name as the empty string', async () => {
    expectRule(await write(derSequence()), '', 'RFC 4514 §2.1', 'a Name with no RDNs is the empty string');
  });

  it('accepts generated names and writes them as the lab does (generated vectors)', async () => {
    const types = ['2.5.4.3', '2.5.4.10', '2.5.4.11', '2.5.4.7', '2.5.4.8', '2.5.4.9', '0.9.2342.19200300.100.1.1'];
    const alphabet = 'abcXYZ019 -_.#,+";<>\\=é漢';
    let seed = 20240605;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 40; i++) {
      const rdns: Attribute[][] = [];
      for (let r = 0, count = 1 + next(4); r < count; r++) {
        let text = '';
        for (let c = 0, length = 1 + next(8); c < length; c++) text += alphabet[next(alphabet.length)];
        rdns.push([[types[next(types.length)] as string, UTF8, text]]);
      }
      const der = nameDer(rdns);
      const expected = formatDistinguishedName(decodeName(decodeAsn1(der)));
      expectRule(await write(der), expected, 'RFC 4514 §2', `the Name ${JSON.stringify(rdns.map((rdn) => rdn.map(([oid, , text]) => `${oid}=${text}`)))} (ASN.1 order)`);
    }
  });
});
