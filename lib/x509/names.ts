/** Distinguished names (RFC 5280 §4.1.2.4): the RFC 4514 string form, the `openssl -subj /CN=…` form, comparison as RFC 4517 §4.2.15
 * distinguishedNameMatch does it, and the DER written through @peculiar/x509's Name. The lab keeps the thin RFC 4514 layer: reverse RDN
 * order, escaping, strict parsing. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { Asn1Error } from '../asn1/errors.js';
import { decodeAsn1, encodedBytes, isUniversal } from '../asn1/decode.js';
import { derString } from '../asn1/encode.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { fromHex, toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';

export interface AttributeTypeAndValue {
  /** Dotted OID of the attribute type. */ type: string;
  /** CN, O, OU, C, L, ST, DC, UID, emailAddress … when the type has a well-known short name. */ shortName?: string;
  /** The value as text when it is a string (any attribute type); otherwise '#' and the hex of its DER (RFC 4514 §2.4). */ value: string;
  /** For a type without a short name: the hex of the value's DER as read, which RFC 4514 §2.4 prints after '#'. */ hex?: string;
}
export type RelativeDistinguishedName = AttributeTypeAndValue[];
/** ASN.1 order: the most significant RDN (e.g. C) first, the reverse of the RFC 4514 string. */
export type DistinguishedName = RelativeDistinguishedName[];
const J = '1.3.6.1.4.1.311.60.2.1';
const EMAIL = '1.2.840.113549.1.9.1';
const DC = '0.9.2342.19200300.100.1.25';
/** Short names: RFC 4514 §3 table first, then the names OpenSSL prints for other common types. */
const shortNames: readonly (readonly [string, string])[] = Object.entries({
  CN: '2.5.4.3', L: '2.5.4.7', ST: '2.5.4.8', O: '2.5.4.10', OU: '2.5.4.11', C: '2.5.4.6', STREET: '2.5.4.9', DC,
  UID: '0.9.2342.19200300.100.1.1', emailAddress: EMAIL, serialNumber: '2.5.4.5', SN: '2.5.4.4', GN: '2.5.4.42', title: '2.5.4.12',
  initials: '2.5.4.43', generationQualifier: '2.5.4.44', dnQualifier: '2.5.4.46', pseudonym: '2.5.4.65', postalCode: '2.5.4.17',
  businessCategory: '2.5.4.15', organizationIdentifier: '2.5.4.97',
});
/** Other spellings accepted on input: OpenSSL's short and long names (its objects.txt), read case-insensitively. */
const aliases: Readonly<Record<string, string>> = {
  e: EMAIL, email: EMAIL, s: '2.5.4.8', givenname: '2.5.4.42', surname: '2.5.4.4', commonname: '2.5.4.3',
  userid: '0.9.2342.19200300.100.1.1', countryname: '2.5.4.6', localityname: '2.5.4.7', stateorprovincename: '2.5.4.8',
  organizationname: '2.5.4.10', organizationalunitname: '2.5.4.11', streetaddress: '2.5.4.9', domaincomponent: DC,
  description: '2.5.4.13', name: '2.5.4.41', role: '2.5.4.72', telephonenumber: '2.5.4.20', unstructuredname: '1.2.840.113549.1.9.2',
  jurisdictionl: `${J}.1`, jurisdictionlocalityname: `${J}.1`, jurisdictionst: `${J}.2`, jurisdictionstateorprovincename: `${J}.2`,
  jurisdictionc: `${J}.3`, jurisdictioncountryname: `${J}.3`,
};
const oidByName = new Map<string, string>([...shortNames.map(([n, o]) => [n.toLowerCase(), o] as const), ...Object.entries(aliases)]);
const nameByOid = new Map<string, string>(shortNames.map(([n, o]) => [o, n]));

/** The short name of an attribute type OID, if it has one. */
export const attributeShortName = (oid: string): string | undefined => nameByOid.get(oid);

/** The OID of an attribute type given by short name (case-insensitive) or dotted form. */
export function attributeTypeOid(nameOrOid: string): string | undefined {
  if (/^(?:oid\.)?\d+(\.\d+)+$/i.test(nameOrOid)) return nameOrOid.replace(/^oid\./i, '');
  return oidByName.get(nameOrOid.toLowerCase());
}

function ava(type: string, value: string, hex?: string): AttributeTypeAndValue {
  const shortName = attributeShortName(type);
  if (shortName !== undefined) return { type, shortName, value };
  return hex === undefined ? { type, value } : { type, value, hex };
}

/** The OID of an attribute type as written in `text`. */
function typeOid(name: string, text: string): string {
  const type = attributeTypeOid(name);
  // A descr must be one the lab knows; otherwise the dotted OID has to be used (RFC 4514 §3).
  const unknown = `unknown attribute type '${name}' in '${text}': use its dotted OID`;
  if (type === undefined) throw new CodedError('ERR_DN_UNKNOWN_ATTRIBUTE', unknown, 'RFC 4514 §3');
  return type;
}

function dnSyntax(message: string, text: string, position: number): CodedError {
  return new CodedError('ERR_DN_SYNTAX', `${message} at position ${position} of '${text}'`, 'RFC 4514 §3');
}

/** Reads a hexstring value "#0c03616263" (RFC 4514 §2.4): a string type becomes its text, anything else stays '#hex'. */
function hexValue(hex: string, text: string, position: number): string {
  let node: Asn1Node;
  try {
    node = decodeAsn1(fromHex(hex), { encapsulation: false });
  } catch (error) {
    const why = error instanceof CodedError ? error.message : String(error);
    throw dnSyntax(`'#${hex}' is not the hex of one BER value (${why})`, text, position);
  }
  return node.tagClass === 'universal' && node.value?.kind === 'string' ? node.value.text : `#${hex}`;
}

/** A string value with its RFC 4514 §3 escapes undone: '\' hexpair is one octet of the UTF-8 encoding, '\' special is that character. */
function unescapeValue(raw: string, text: string, position: number): string {
  const octets = raw.split(/(\\[0-9A-Fa-f]{2}|\\.)/).map((part) => {
    if (!part.startsWith('\\')) return Buffer.from(part);
    return part.length === 3 ? Buffer.from(part.slice(1), 'hex') : Buffer.from(part.slice(1));
  });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(octets));
  } catch {
    throw dnSyntax('escaped octets are not UTF-8', text, position);
  }
}

/** Parses an RFC 4514 string ("CN=client,O=Example,C=JP") into ASN.1 order (C first). Spaces around '=', ',' and '+' are tolerated so that
 * OpenSSL's "CN = a, O = b" output reads back too. */
export function parseDistinguishedName(text: string): DistinguishedName {
  const rdns: DistinguishedName = [];
  if (text.trim() === '') return rdns;
  let rdn: RelativeDistinguishedName = [];
  for (let pos = 0; ;) {
    // RFC 4514 §3: attributeType = descr / numericoid, then '='.
    const head = /^ *(OID\.\d+(?:\.\d+)+|\d+(?:\.\d+)+|[A-Za-z][A-Za-z0-9-]*) *(=?) */i.exec(text.slice(pos));
    if (!head?.[1]) throw dnSyntax('expected an attribute type', text, pos);
    const type = typeOid(head[1], text);
    if (!head[2]) throw dnSyntax(`expected '=' after '${head[1]}'`, text, pos + head[0].length);
    pos += head[0].length;
    // RFC 4514 §3: hexstring = SHARP 1*hexpair.
    const hex = /^#((?:[0-9A-Fa-f]{2})+) */.exec(text.slice(pos));
    if (text[pos] === '#' && !hex) throw dnSyntax("'#' must be followed by hex pairs", text, pos);
    // RFC 4514 §3: '"', ';', '<', '>' and NUL must be escaped, '\' is followed by a special or two hex digits.
    const raw = hex ? undefined : (/^(?:[^,+\\";<>\0]|\\[0-9A-Fa-f]{2}|\\[ "#+,;<=>\\])*/.exec(text.slice(pos))?.[0] ?? '');
    const value = hex?.[1] ? hexValue(hex[1].toLowerCase(), text, pos) : unescapeValue((raw ?? '').replace(/(?<!\\) +$/, ''), text, pos);
    rdn.push(ava(type, value, hex?.[1]?.toLowerCase()));
    pos += hex ? hex[0].length : (raw ?? '').length;
    if (pos >= text.length) break;
    const separator = text[pos] as string;
    if (separator === '\\') throw dnSyntax("'\\' must be followed by a special character or two hex digits", text, pos);
    if (!hex && '";<>\0'.includes(separator)) throw dnSyntax(`unescaped '${separator === '\0' ? '\\0' : separator}' in a value`, text, pos);
    if (separator !== ',' && separator !== '+') throw dnSyntax(`unexpected '${separator}'`, text, pos);
    if (separator === ',') rdns.push(rdn);
    if (separator === ',') rdn = [];
    if (++pos >= text.length) throw dnSyntax('the string ends after a separator', text, pos);
  }
  rdns.push(rdn);
  // RFC 4514 §2.1: the string lists the RDNs starting with the last one.
  return rdns.reverse();
}

/** Parses the `openssl req -subj` form: "/C=JP/O=Example/CN=client", '+' joining the AVAs of a multi-valued RDN, '\' escaping the next
 * character. Written order is ASN.1 order. */
export function parseOpensslSubject(text: string): DistinguishedName {
  // The OpenSSL form starts with '/'.
  if (!text.startsWith('/')) throw new CodedError('ERR_DN_SYNTAX', `'${text}' does not start with '/' (expected the /CN=… form)`);
  if (/(?:^|[^\\])(?:\\\\)*\\$/.test(text)) throw new CodedError('ERR_DN_SYNTAX', `'${text}' ends with a lone '\\'`);
  const rdns: DistinguishedName = [];
  const parts = [...text.matchAll(/([/+])((?:[^\\/+]|\\.)*)/g)];
  parts.forEach(([, separator, part = ''], index) => {
    if (part === '' && index === parts.length - 1 && separator === '/') return;
    const pair = /^((?:[^\\=]|\\.)*)=(.*)$/s.exec(part);
    const typeName = pair?.[1]?.replace(/\\(.)/g, '$1').trim();
    if (!pair || !typeName) throw new CodedError('ERR_DN_SYNTAX', `expected type=value in '${part}' of '${text}'`);
    const attribute = ava(typeOid(typeName, text), (pair[2] ?? '').replace(/\\(.)/g, '$1'));
    if (separator === '+' && rdns.length > 0) rdns[rdns.length - 1]?.push(attribute);
    else rdns.push([attribute]);
  });
  return rdns;
}

/** Either form: "/CN=x/O=y" (OpenSSL) or "CN=x,O=y" (RFC 4514). */
export function parseSubjectText(text: string): DistinguishedName {
  return text.trimStart().startsWith('/') ? parseOpensslSubject(text.trim()) : parseDistinguishedName(text);
}

/** RFC 4514 §2.4 escaping of one string value. */
export function escapeAttributeValue(value: string): string {
  const chars = Array.from(value);
  return chars.map((ch, index) => {
    const atEdge = (index === 0 && (ch === '#' || ch === ' ')) || (index === chars.length - 1 && ch === ' ');
    if ('"+,;<>\\'.includes(ch) || atEdge) return `\\${ch}`;
    return ch < ' ' || ch === '\x7f' ? `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch;
  }).join('');
}

const isHexForm = (value: string): boolean => /^#(?:[0-9a-fA-F]{2})+$/.test(value);

/** RFC 4514 §2: RDNs in reverse order separated by ',', multi-valued RDNs joined by '+'; types without a short name as dotted OID and
 * #hex. */
export function formatDistinguishedName(dn: DistinguishedName): string {
  const hexOf = (a: AttributeTypeAndValue): string =>
    a.hex !== undefined ? `#${a.hex}` : isHexForm(a.value) ? a.value.toLowerCase() : `#${toHex(derString(valueTag(a.type), a.value))}`;
  return [...dn].reverse().map((rdn) => rdn.map((a) => {
    const name = a.shortName ?? attributeShortName(a.type);
    return name === undefined ? `${a.type}=${hexOf(a)}` : `${name}=${escapeAttributeValue(a.value)}`;
  }).join('+')).join(',');
}

/** RFC 4518 §2: case folding, NFKC, and insignificant space handling (trim, collapse inner runs). */
function prepareValue(value: string): string {
  return isHexForm(value) ? value.toLowerCase() : value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Same type, and the same prepared text or (both given as hex, e.g. non-string values) the same encoding. */
function avaEqual(a: AttributeTypeAndValue, b: AttributeTypeAndValue): boolean {
  return a.type === b.type && (prepareValue(a.value) === prepareValue(b.value) || (a.hex !== undefined && a.hex === b.hex));
}

function rdnEqual(a: RelativeDistinguishedName, b: RelativeDistinguishedName): boolean {
  // RFC 4517 §4.2.15: an RDN is a set, so order inside it does not matter, but sizes must agree.
  const unused = [...b];
  return a.length === b.length && a.every((item) => {
    const index = unused.findIndex((candidate) => avaEqual(item, candidate));
    return index >= 0 && unused.splice(index, 1).length === 1;
  });
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
  if (!isUniversal(node, UniversalTag.SEQUENCE)) fail('Name is not a SEQUENCE', node);
  return node.children.map((set) => {
    // RFC 5280 §4.1.2.4: RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue.
    if (!isUniversal(set, UniversalTag.SET) || set.children.length === 0) fail('RelativeDistinguishedName is not a non-empty SET', set);
    return set.children.map((pair) => {
      const [typeNode, valueNode] = pair.children;
      if (pair.tagNumber !== UniversalTag.SEQUENCE || pair.children.length !== 2 || !valueNode || typeNode?.value?.kind !== 'oid') {
        return fail('AttributeTypeAndValue is not SEQUENCE { type OID, value }', pair);
      }
      const hex = toHex(encodedBytes(valueNode));
      // RFC 4514 §3: any attribute type, named or dotted, carries its string value as text.
      const text = valueNode.tagClass === 'universal' && valueNode.value?.kind === 'string' ? valueNode.value.text : `#${hex}`;
      return ava(typeNode.value.oid, text, hex);
    });
  });
}

/** The ASN.1 string type OpenSSL uses by default for an attribute (C is PrintableString, e-mail and DC are IA5String). */
function valueTag(type: string): number {
  if (['2.5.4.6', '2.5.4.5', '2.5.4.46', `${J}.3`].includes(type)) return UniversalTag.PrintableString;
  return type === EMAIL || type === DC ? UniversalTag.IA5String : UniversalTag.UTF8String;
}
const STRING_CHOICE: Readonly<Record<number, keyof x509.JsonAttributeObject>> = {
  19: 'printableString', 22: 'ia5String', 12: 'utf8String',
};

/** DER of a Name, written by @peculiar/x509's Name; '#hex' values of unnamed types are written as the BER they stand for. */
export function encodeName(dn: DistinguishedName): Uint8Array {
  const json = dn.map((rdn) => {
    const item: Record<string, (string | x509.JsonAttributeObject)[]> = {};
    for (const a of rdn) {
      const raw = attributeShortName(a.type) === undefined ? (a.hex ?? (isHexForm(a.value) ? a.value.slice(1) : undefined)) : undefined;
      (item[a.type] ??= []).push(raw !== undefined ? `#${raw}` : { [STRING_CHOICE[valueTag(a.type)] as string]: a.value });
    }
    return item;
  });
  return new Uint8Array(new x509.Name(json as x509.JsonNameParams).toArrayBuffer());
}
