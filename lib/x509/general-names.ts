/**
 * GeneralName (RFC 5280 §4.2.1.6): the CHOICE behind subjectAltName, issuerAltName and the AKI's
 * authorityCertIssuer. The context tag number says which alternative it is.
 */
import { Asn1Error } from '../asn1/errors.js';
import { derContext, derSequence } from '../asn1/encode.js';
import { generalNameTypes } from '../asn1/labels.js';
import type { Asn1Node } from '../asn1/types.js';
import { decodeOid } from '../asn1/values.js';
import { toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';
import { decodeName, encodeName, formatDistinguishedName, parseSubjectText } from './names.js';
import { formatIpAddress, parseIpAddress } from '../mtls/ip-address.js';

export type GeneralNameType = (typeof generalNameTypes)[number];

export interface GeneralName {
  type: GeneralNameType;
  /** The context-specific tag number, [0] to [8]. */
  tag: number;
  /** Text form: the IA5String, the RFC 4514 name, the dotted OID, the IP address (RFC 5952 for IPv6). */
  value: string;
  /** The raw content octets; always present for iPAddress (RFC 8705 §2.1.2 compares those). */
  bytes?: Uint8Array;
}

/** SAN entries the lab can put into certificates it makes. */
export type SanInput = { type: 'dNSName' | 'rfc822Name' | 'uniformResourceIdentifier' | 'iPAddress'; value: string };

/** Text of an iPAddress GeneralName: 4 or 16 octets, or 8/32 (address and mask, in nameConstraints). */
export function ipAddressToText(bytes: Uint8Array): string {
  if (bytes.length === 4 || bytes.length === 16) return formatIpAddress(bytes);
  if (bytes.length === 8 || bytes.length === 32) {
    const half = bytes.length / 2;
    return `${formatIpAddress(bytes.subarray(0, half))}/${formatIpAddress(bytes.subarray(half))}`;
  }
  return `#${toHex(bytes)}`;
}

/** Octets of an IPv4 or IPv6 address in text form (RFC 5280 §4.2.1.6: 4 or 16 octets, network order). */
export function ipAddressFromText(text: string): Uint8Array {
  const bytes = parseIpAddress(text);
  if (bytes === undefined) throw new CodedError('ERR_IP_ADDRESS_SYNTAX', `'${text}' is not an IPv4 or IPv6 address`);
  return bytes;
}

/** Reads one GeneralName from its node (a context-specific tag, RFC 5280 §4.2.1.6). */
export function decodeGeneralName(node: Asn1Node): GeneralName {
  const type = node.tagClass === 'context' ? generalNameTypes[node.tagNumber] : undefined;
  // RFC 5280 §4.2.1.6: GeneralName alternatives are the context tags [0] to [8].
  if (type === undefined) throw new Asn1Error('ERR_GENERAL_NAME', `${node.type} is not a GeneralName tag ([0] to [8])`, node.offset, 'RFC 5280 §4.2.1.6');
  const tag = node.tagNumber;
  const bytes = node.contents;
  const text = (): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  switch (type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      // IA5String under an IMPLICIT tag: primitive, 7-bit characters.
      if (node.constructed) throw new Asn1Error('ERR_GENERAL_NAME', `${type} must be primitive`, node.offset, 'RFC 5280 §4.2.1.6');
      return { type, tag, value: text() };
    case 'iPAddress':
      if (node.constructed) throw new Asn1Error('ERR_GENERAL_NAME', 'iPAddress must be primitive', node.offset, 'RFC 5280 §4.2.1.6');
      return { type, tag, value: ipAddressToText(bytes), bytes: new Uint8Array(bytes) };
    case 'registeredID':
      return { type, tag, value: decodeOid(bytes, node.offset), bytes: new Uint8Array(bytes) };
    case 'directoryName': {
      // [4] is EXPLICIT because Name is a CHOICE (X.680 §31.2.7).
      const inner = node.children[0];
      if (!node.constructed || !inner) throw new Asn1Error('ERR_GENERAL_NAME', 'directoryName must wrap a Name', node.offset, 'RFC 5280 §4.2.1.6');
      return { type, tag, value: formatDistinguishedName(decodeName(inner)), bytes: new Uint8Array(bytes) };
    }
    case 'otherName': {
      // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } with the SEQUENCE tag replaced by [0].
      const [typeId, value] = node.children;
      if (typeId?.value?.kind !== 'oid') throw new Asn1Error('ERR_GENERAL_NAME', 'otherName must start with its type-id OID', node.offset, 'RFC 5280 §4.2.1.6');
      const inner = value?.children[0];
      const shown = inner?.value?.kind === 'string' ? inner.value.text : toHex(value?.contents ?? new Uint8Array());
      return { type, tag, value: `${typeId.value.oid};${shown}`, bytes: new Uint8Array(bytes) };
    }
    default:
      return { type, tag, value: `#${toHex(bytes)}`, bytes: new Uint8Array(bytes) };
  }
}

/** Reads GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
/** The most GeneralNames one extension may hold here: RFC 5280 sets no bound, a server must. */
export const MAX_GENERAL_NAMES = 1024;

export function decodeGeneralNames(node: Asn1Node): GeneralName[] {
  if (node.children.length > MAX_GENERAL_NAMES) {
    throw new CodedError('ERR_TOO_MANY_NAMES', `the extension lists ${node.children.length} names, more than the ${MAX_GENERAL_NAMES} this lab reads`, 'RFC 5280 §4.2.1.6');
  }
  return node.children.map(decodeGeneralName);
}

/** DER of one GeneralName the lab can make (IMPLICIT tags of RFC 5280 Appendix A.2). */
export function encodeGeneralName(name: SanInput | { type: 'directoryName'; value: string }): Uint8Array {
  switch (name.type) {
    case 'rfc822Name':
      return derContext(1, new Uint8Array(Buffer.from(name.value, 'latin1')), false);
    case 'dNSName':
      return derContext(2, new Uint8Array(Buffer.from(name.value, 'latin1')), false);
    case 'uniformResourceIdentifier':
      return derContext(6, new Uint8Array(Buffer.from(name.value, 'latin1')), false);
    case 'iPAddress':
      return derContext(7, ipAddressFromText(name.value), false);
    case 'directoryName':
      return derContext(4, encodeName(parseSubjectText(name.value)), true);
  }
}

export function encodeGeneralNames(names: readonly SanInput[]): Uint8Array {
  return derSequence(...names.map(encodeGeneralName));
}

/** Parses the `--san` / openssl `subjectAltName` text "DNS:a,IP:1.2.3.4,URI:u,email:e". */
export function parseSanList(text: string): SanInput[] {
  const prefixes: Readonly<Record<string, SanInput['type']>> = { dns: 'dNSName', ip: 'iPAddress', uri: 'uniformResourceIdentifier', email: 'rfc822Name' };
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const colon = item.indexOf(':');
      const type = colon > 0 ? prefixes[item.slice(0, colon).toLowerCase()] : undefined;
      if (type === undefined) throw new CodedError('ERR_SAN_SYNTAX', `'${item}' is not DNS:…, IP:…, URI:… or email:…`);
      const value = item.slice(colon + 1);
      if (type === 'iPAddress') ipAddressFromText(value);
      return { type, value };
    });
}

/** The universal tag a GeneralName alternative's IMPLICIT tag replaced, for learners reading dumps. */
export const generalNameUnderlyingType: Readonly<Record<GeneralNameType, string>> = {
  otherName: 'OtherName', rfc822Name: 'IA5String', dNSName: 'IA5String', x400Address: 'ORAddress', directoryName: 'Name',
  ediPartyName: 'EDIPartyName', uniformResourceIdentifier: 'IA5String', iPAddress: 'OCTET STRING', registeredID: 'OBJECT IDENTIFIER',
};
