/**
 * Distinguished names (RFC 5280 §4.1.2.4): the ASN.1 form, the RFC 4514 string form, the
 * `openssl -subj /CN=…` form, and comparison as RFC 4517 §4.2.15 distinguishedNameMatch does it.
 */
import { Asn1Error } from '../asn1/errors.js';
import { decodeAsn1, encodedBytes } from '../asn1/decode.js';
import { derOid, derSequence, derSet, derString } from '../asn1/encode.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { fromHex, toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';

export interface AttributeTypeAndValue {
  /** Dotted OID of the attribute type. */
  type: string;
  /** CN, O, OU, C, L, ST, DC, UID, emailAddress … when the type has a well-known short name. */
  shortName?: string;
  /** The value as text when it is a string (any attribute type); otherwise '#' and the hex of its DER (RFC 4514 §2.4). */
  value: string;
  /** For a type without a short name: the hex of the value's DER as read, which RFC 4514 §2.4 prints after '#'. */
  hex?: string;
}
export type RelativeDistinguishedName = AttributeTypeAndValue[];
/** ASN.1 order: the most significant RDN (e.g. C) first, the reverse of the RFC 4514 string. */
export type DistinguishedName = RelativeDistinguishedName[];

/** Short names: RFC 4514 §3 table first, then the names OpenSSL prints for other common types. */
const shortNames: readonly (readonly [string, string])[] = [
  ['CN', '2.5.4.3'], ['L', '2.5.4.7'], ['ST', '2.5.4.8'], ['O', '2.5.4.10'], ['OU', '2.5.4.11'], ['C', '2.5.4.6'],
  ['STREET', '2.5.4.9'], ['DC', '0.9.2342.19200300.100.1.25'], ['UID', '0.9.2342.19200300.100.1.1'],
  ['emailAddress', '1.2.840.113549.1.9.1'], ['serialNumber', '2.5.4.5'], ['SN', '2.5.4.4'], ['GN', '2.5.4.42'],
  ['title', '2.5.4.12'], ['initials', '2.5.4.43'], ['generationQualifier', '2.5.4.44'], ['dnQualifier', '2.5.4.46'],
  ['pseudonym', '2.5.4.65'], ['postalCode', '2.5.4.17'], ['businessCategory', '2.5.4.15'], ['organizationIdentifier', '2.5.4.97'],
];
const JURISDICTION = '1.3.6.1.4.1.311.60.2.1';
/** Other spellings accepted on input: OpenSSL's short and long names (its objects.txt), read case-insensitively. */
const aliases: Readonly<Record<string, string>> = {
  e: '1.2.840.113549.1.9.1', email: '1.2.840.113549.1.9.1', s: '2.5.4.8', givenname: '2.5.4.42', surname: '2.5.4.4', commonname: '2.5.4.3',
  userid: '0.9.2342.19200300.100.1.1', countryname: '2.5.4.6', localityname: '2.5.4.7', stateorprovincename: '2.5.4.8',
  organizationname: '2.5.4.10', organizationalunitname: '2.5.4.11', streetaddress: '2.5.4.9', domaincomponent: '0.9.2342.19200300.100.1.25',
  description: '2.5.4.13', name: '2.5.4.41', role: '2.5.4.72', telephonenumber: '2.5.4.20', unstructuredname: '1.2.840.113549.1.9.2',
  jurisdictionl: `${JURISDICTION}.1`, jurisdictionlocalityname: `${JURISDICTION}.1`,
  jurisdictionst: `${JURISDICTION}.2`, jurisdictionstateorprovincename: `${JURISDICTION}.2`,
  jurisdictionc: `${JURISDICTION}.3`, jurisdictioncountryname: `${JURISDICTION}.3`,
};

const oidByName = new Map<string, string>([...shortNames.map(([n, o]) => [n.toLowerCase(), o] as [string, string]), ...Object.entries(aliases)]);
const nameByOid = new Map<string, string>(shortNames.map(([n, o]) => [o, n]));

/** The short name of an attribute type OID, if it has one. */
export function attributeShortName(oid: string): string | undefined {
  return nameByOid.get(oid);
}

/** The OID of an attribute type given by short name (case-insensitive) or dotted form. */
export function attributeTypeOid(nameOrOid: string): string | undefined {
  if (/^\d+(\.\d+)+$/.test(nameOrOid)) return nameOrOid;
  if (/^oid\.\d+(\.\d+)+$/i.test(nameOrOid)) return nameOrOid.slice(4);
  return oidByName.get(nameOrOid.toLowerCase());
}

function ava(type: string, value: string, hex?: string): AttributeTypeAndValue {
  const shortName = attributeShortName(type);
  if (shortName !== undefined) return { type, shortName, value };
  return hex === undefined ? { type, value } : { type, value, hex };
}

function dnSyntax(message: string, text: string, position: number): CodedError {
  return new CodedError('ERR_DN_SYNTAX', `${message} at position ${position} of '${text}'`, 'RFC 4514 §3');
}

const STRING_VALUE_TAGS: ReadonlySet<number> = new Set([12, 18, 19, 20, 22, 26, 28, 30]);

/** Reads a hexstring value "#0c03616263" (RFC 4514 §2.4): a string type becomes its text, anything else stays '#hex'. */
function hexValue(hex: string, text: string, position: number): string {
  let node: Asn1Node;
  try {
    node = decodeAsn1(fromHex(hex), { encapsulation: false });
  } catch (error) {
    const reason = error instanceof CodedError ? error.message : String(error);
    throw dnSyntax(`'#${hex}' is not the hex of one BER value (${reason})`, text, position);
  }
  if (node.tagClass === 'universal' && STRING_VALUE_TAGS.has(node.tagNumber) && node.value?.kind === 'string') return node.value.text;
  return `#${hex.toLowerCase()}`;
}

/**
 * Parses an RFC 4514 string ("CN=client,O=Example,C=JP") into ASN.1 order (C first). Spaces around
 * '=', ',' and '+' are tolerated so that OpenSSL's "CN = a, O = b" output reads back too.
 */
export function parseDistinguishedName(text: string): DistinguishedName {
  const rdns: DistinguishedName = [];
  if (text.trim() === '') return rdns;
  let pos = 0;
  const skipSpaces = (): void => {
    while (text[pos] === ' ') pos++;
  };
  let rdn: RelativeDistinguishedName = [];
  for (;;) {
    skipSpaces();
    const typeMatch = /^(?:OID\.\d+(?:\.\d+)+|\d+(?:\.\d+)+|[A-Za-z][A-Za-z0-9-]*)/i.exec(text.slice(pos));
    // RFC 4514 §3: attributeType = descr / numericoid.
    if (!typeMatch) throw dnSyntax('expected an attribute type', text, pos);
    const typeName = typeMatch[0];
    const type = attributeTypeOid(typeName);
    // A descr must be one the lab knows; otherwise the dotted OID has to be used (RFC 4514 §3).
    if (type === undefined) throw new CodedError('ERR_DN_UNKNOWN_ATTRIBUTE', `unknown attribute type '${typeName}' in '${text}': use its dotted OID`, 'RFC 4514 §3');
    pos += typeName.length;
    skipSpaces();
    if (text[pos] !== '=') throw dnSyntax(`expected '=' after '${typeName}'`, text, pos);
    pos++;
    skipSpaces();
    let value: string;
    let hex: string | undefined;
    if (text[pos] === '#') {
      // RFC 4514 §3: hexstring = SHARP 1*hexpair.
      const hexMatch = /^#((?:[0-9A-Fa-f]{2})+)/.exec(text.slice(pos));
      if (!hexMatch?.[1]) throw dnSyntax("'#' must be followed by hex pairs", text, pos);
      hex = hexMatch[1].toLowerCase();
      value = hexValue(hex, text, pos);
      pos += hexMatch[0].length;
      skipSpaces();
    } else {
      const bytes: number[] = [];
      let lastSignificant = 0;
      while (pos < text.length && text[pos] !== ',' && text[pos] !== '+') {
        const ch = text[pos] as string;
        if (ch === '\\') {
          const next = text.slice(pos + 1, pos + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(next)) {
            // RFC 4514 §3: '\' hexpair is one octet of the UTF-8 encoding.
            bytes.push(parseInt(next, 16));
            pos += 3;
          } else if (next[0] !== undefined && ' "#+,;<=>\\'.includes(next[0])) {
            bytes.push(next.charCodeAt(0));
            pos += 2;
          } else {
            throw dnSyntax("'\\' must be followed by a special character or two hex digits", text, pos);
          }
          lastSignificant = bytes.length;
          continue;
        }
        // RFC 4514 §3: '"', ';', '<', '>' and NUL must be escaped inside a value.
        if ('";<>\0'.includes(ch)) throw dnSyntax(`unescaped '${ch === '\0' ? '\\0' : ch}' in a value`, text, pos);
        const code = ch.codePointAt(0) ?? 0;
        bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
        pos += code > 0xffff ? 2 : 1;
        if (ch !== ' ') lastSignificant = bytes.length;
      }
      // Unescaped trailing spaces are not part of the value (RFC 4514 §2.4 requires a trailing space to be escaped).
      bytes.length = lastSignificant;
      try {
        value = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
      } catch {
        throw dnSyntax('escaped octets are not UTF-8', text, pos);
      }
    }
    rdn.push(ava(type, value, hex));
    if (pos >= text.length) break;
    const separator = text[pos];
    pos++;
    if (separator === ',') {
      rdns.push(rdn);
      rdn = [];
    } else if (separator !== '+') {
      throw dnSyntax(`unexpected '${separator}'`, text, pos - 1);
    }
    if (pos >= text.length) throw dnSyntax('the string ends after a separator', text, pos);
  }
  rdns.push(rdn);
  // RFC 4514 §2.1: the string lists the RDNs starting with the last one.
  return rdns.reverse();
}

/**
 * Parses the `openssl req -subj` form: "/C=JP/O=Example/CN=client", '+' joining the AVAs of a
 * multi-valued RDN, '\' escaping the next character. Written order is ASN.1 order.
 */
export function parseOpensslSubject(text: string): DistinguishedName {
  // The OpenSSL form starts with '/'.
  if (!text.startsWith('/')) throw new CodedError('ERR_DN_SYNTAX', `'${text}' does not start with '/' (expected the /CN=… form)`);
  const rdns: DistinguishedName = [];
  let rdn: RelativeDistinguishedName = [];
  let typePart = '';
  let valuePart = '';
  let inValue = false;
  const finishAva = (position: number): void => {
    if (!inValue || typePart.trim() === '') throw new CodedError('ERR_DN_SYNTAX', `expected type=value before position ${position} of '${text}'`);
    const type = attributeTypeOid(typePart.trim());
    if (type === undefined) throw new CodedError('ERR_DN_UNKNOWN_ATTRIBUTE', `unknown attribute type '${typePart}' in '${text}'`);
    rdn.push(ava(type, valuePart));
    typePart = '';
    valuePart = '';
    inValue = false;
  };
  for (let pos = 1; pos < text.length; pos++) {
    let ch = text[pos] as string;
    if (ch === '\\') {
      pos++;
      if (pos >= text.length) throw new CodedError('ERR_DN_SYNTAX', `'${text}' ends with a lone '\\'`);
      ch = text[pos] as string;
    } else if (ch === '/' || ch === '+') {
      finishAva(pos);
      if (ch === '/') {
        rdns.push(rdn);
        rdn = [];
      }
      continue;
    } else if (ch === '=' && !inValue) {
      inValue = true;
      continue;
    }
    if (inValue) valuePart += ch;
    else typePart += ch;
  }
  if (typePart !== '' || inValue) finishAva(text.length);
  if (rdn.length > 0) rdns.push(rdn);
  return rdns;
}

/** Either form: "/CN=x/O=y" (OpenSSL) or "CN=x,O=y" (RFC 4514). */
export function parseSubjectText(text: string): DistinguishedName {
  return text.trimStart().startsWith('/') ? parseOpensslSubject(text.trim()) : parseDistinguishedName(text);
}

/** RFC 4514 §2.4 escaping of one string value. */
export function escapeAttributeValue(value: string): string {
  let out = '';
  const chars = Array.from(value);
  chars.forEach((ch, index) => {
    if ('"+,;<>\\'.includes(ch)) out += `\\${ch}`;
    else if (index === 0 && (ch === '#' || ch === ' ')) out += `\\${ch}`;
    else if (index === chars.length - 1 && ch === ' ') out += '\\ ';
    else if (ch === '\0') out += '\\00';
    else if (ch < ' ' || ch === '\x7f') out += `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  });
  return out;
}

/** The hex of a value's DER, for types without a short name (RFC 4514 §2.4). */
function hexForm(type: string, value: string): string {
  if (/^#(?:[0-9a-fA-F]{2})+$/.test(value)) return value.toLowerCase();
  return `#${toHex(derString(valueTag(type), value))}`;
}

/** RFC 4514 §2: RDNs in reverse order separated by ',', multi-valued RDNs joined by '+'. */
export function formatDistinguishedName(dn: DistinguishedName): string {
  return [...dn]
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => {
          const name = a.shortName ?? attributeShortName(a.type);
          return name === undefined ? `${a.type}=${a.hex === undefined ? hexForm(a.type, a.value) : `#${a.hex}`}` : `${name}=${escapeAttributeValue(a.value)}`;
        })
        .join('+'),
    )
    .join(',');
}

/** RFC 4518 §2: case folding, NFKC, and insignificant space handling (trim, collapse inner runs). */
function prepareValue(value: string): string {
  if (/^#(?:[0-9a-fA-F]{2})+$/.test(value)) return value.toLowerCase();
  return value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Same type, and the same prepared text or (both given as hex, e.g. non-string values) the same encoding. */
function avaEqual(a: AttributeTypeAndValue, b: AttributeTypeAndValue): boolean {
  if (a.type !== b.type) return false;
  return prepareValue(a.value) === prepareValue(b.value) || (a.hex !== undefined && a.hex === b.hex);
}

function rdnEqual(a: RelativeDistinguishedName, b: RelativeDistinguishedName): boolean {
  // RFC 4517 §4.2.15: an RDN is a set, so order inside it does not matter, but sizes must agree.
  if (a.length !== b.length) return false;
  const unused = [...b];
  for (const item of a) {
    const index = unused.findIndex((candidate) => avaEqual(item, candidate));
    if (index < 0) return false;
    unused.splice(index, 1);
  }
  return true;
}

/** RFC 4517 §4.2.15 distinguishedNameMatch, values compared with caseIgnoreMatch (RFC 4517 §4.2.11). */
export function distinguishedNamesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.length === b.length && a.every((rdn, index) => rdnEqual(rdn, b[index] ?? []));
}

/** Reads a Name (RFC 5280 §4.1.2.4: SEQUENCE OF SET OF AttributeTypeAndValue) from its tree. */
export function decodeName(node: Asn1Node): DistinguishedName {
  const fail = (message: string, at: Asn1Node): never => {
    throw new Asn1Error('ERR_NAME_MALFORMED', message, at.offset, 'RFC 5280 §4.1.2.4');
  };
  if (node.tagClass !== 'universal' || node.tagNumber !== UniversalTag.SEQUENCE) fail('Name is not a SEQUENCE', node);
  return node.children.map((set) => {
    // RFC 5280 §4.1.2.4: RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue.
    if (set.tagClass !== 'universal' || set.tagNumber !== UniversalTag.SET || set.children.length === 0) fail('RelativeDistinguishedName is not a non-empty SET', set);
    return set.children.map((pair) => {
      const [typeNode, valueNode] = pair.children;
      if (pair.tagNumber !== UniversalTag.SEQUENCE || pair.children.length !== 2 || !typeNode || !valueNode || typeNode.value?.kind !== 'oid') {
        return fail('AttributeTypeAndValue is not SEQUENCE { type OID, value }', pair);
      }
      const hex = toHex(encodedBytes(valueNode));
      // RFC 4514 §3: any attribute type, named or dotted, carries its string value as text.
      const value = valueNode.tagClass === 'universal' && valueNode.value?.kind === 'string' ? valueNode.value.text : `#${hex}`;
      return ava(typeNode.value.oid, value, hex);
    });
  });
}

/** The ASN.1 string type OpenSSL uses by default for an attribute (C is PrintableString, e-mail and DC are IA5String). */
function valueTag(type: string): number {
  if (type === '2.5.4.6' || type === '2.5.4.5' || type === '2.5.4.46' || type === `${JURISDICTION}.3`) return UniversalTag.PrintableString;
  if (type === '1.2.840.113549.1.9.1' || type === '0.9.2342.19200300.100.1.25') return UniversalTag.IA5String;
  return UniversalTag.UTF8String;
}

/** DER of a Name; '#hex' values of unnamed types are written as the BER they stand for. */
export function encodeName(dn: DistinguishedName): Uint8Array {
  return derSequence(
    ...dn.map((rdn) =>
      derSet(
        ...rdn.map((a) => {
          const raw = attributeShortName(a.type) === undefined ? a.hex ?? (/^#(?:[0-9a-fA-F]{2})+$/.test(a.value) ? a.value.slice(1) : undefined) : undefined;
          return derSequence(derOid(a.type), raw !== undefined ? fromHex(raw) : derString(valueTag(a.type), a.value));
        }),
      ),
    ),
  );
}

