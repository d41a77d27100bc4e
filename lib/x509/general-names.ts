/** GeneralName (RFC 5280 §4.2.1.6): the CHOICE behind subjectAltName, issuerAltName and the AKI's authorityCertIssuer, read and written
 * with the GeneralName of @peculiar/x509. The context tag number says which alternative it is. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { Asn1Error } from '../asn1/errors.js';
import { encodedBytes } from '../asn1/decode.js';
import { generalNameTypes } from '../asn1/labels.js';
import type { Asn1Node } from '../asn1/types.js';
import { toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';
import { formatIpAddress, parseIpAddress } from '../mtls/ip-address.js';
import { decodeName, formatDistinguishedName } from './names.js';

export type GeneralNameType = (typeof generalNameTypes)[number];

export interface GeneralName {
  type: GeneralNameType;
  /** The context-specific tag number, [0] to [8]. */ tag: number;
  /** Text form: the IA5String, the RFC 4514 name, the dotted OID, the IP address (RFC 5952 for IPv6). */ value: string;
  /** The raw content octets; always present for iPAddress (RFC 8705 §2.1.2 compares those). */ bytes?: Uint8Array;
}

/** SAN entries the lab can put into certificates it makes. */
export type SanInput = { type: 'dNSName' | 'rfc822Name' | 'uniformResourceIdentifier' | 'iPAddress'; value: string };

/** Text of an iPAddress GeneralName: 4 or 16 octets, or 8/32 (address and mask, in nameConstraints). */
export function ipAddressToText(bytes: Uint8Array): string {
  const half = bytes.length / 2;
  if (bytes.length === 4 || bytes.length === 16) return formatIpAddress(bytes);
  if (half !== 4 && half !== 16) return `#${toHex(bytes)}`;
  return `${formatIpAddress(bytes.subarray(0, half))}/${formatIpAddress(bytes.subarray(half))}`;
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
  const notOne = `${node.type} is not a GeneralName tag ([0] to [8])`;
  if (type === undefined) throw new Asn1Error('ERR_GENERAL_NAME', notOne, node.offset, 'RFC 5280 §4.2.1.6');
  const tag = node.tagNumber;
  const bytes = new Uint8Array(node.contents);
  let name: x509.GeneralName | undefined;
  try {
    name = new x509.GeneralName(encodedBytes(node));
  } catch {
    // @peculiar/x509 has no text form for x400Address, ediPartyName and most otherNames: shown as hex below.
  }
  switch (name?.type) {
    case 'dns': case 'email': case 'url':
      return { type, tag, value: name.value };
    case 'ip':
      return { type, tag, value: ipAddressToText(bytes), bytes };
    case 'dn':
      return { type, tag, value: formatDistinguishedName(decodeName(node.children[0] as Asn1Node)), bytes };
    case 'id':
      return { type, tag, value: name.value, bytes };
  }
  // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }: the type-id and the string inside, when there is one.
  const [typeId, value] = node.children;
  const inner = value?.children[0]?.value;
  if (type !== 'otherName' || typeId?.value?.kind !== 'oid') return { type, tag, value: `#${toHex(bytes)}`, bytes };
  return { type, tag, value: `${typeId.value.oid};${inner?.kind === 'string' ? inner.text : toHex(value?.contents ?? bytes)}`, bytes };
}

/** The most GeneralNames one extension may hold here: RFC 5280 sets no bound, a server must. */
export const MAX_GENERAL_NAMES = 1024;

/** Reads GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export function decodeGeneralNames(node: Asn1Node): GeneralName[] {
  const tooMany = `the extension lists ${node.children.length} names, more than the ${MAX_GENERAL_NAMES} this lab reads`;
  if (node.children.length > MAX_GENERAL_NAMES) throw new CodedError('ERR_TOO_MANY_NAMES', tooMany, 'RFC 5280 §4.2.1.6');
  return node.children.map(decodeGeneralName);
}

const SAN_TYPES = { dNSName: 'dns', rfc822Name: 'email', uniformResourceIdentifier: 'url', iPAddress: 'ip' } as const;

/** The @peculiar/x509 JSON of SAN entries; IPv6 as the eight groups it reads, after the lab's parser accepted any RFC 4291 §2.2 form. */
export function generalNamesJson(names: readonly SanInput[]): x509.JsonGeneralName[] {
  const ip = (text: string, bytes = ipAddressFromText(text)): string =>
    (bytes.length === 4 ? text : toHex(bytes).replace(/(.{4})(?!$)/g, '$1:'));
  return names.map(({ type, value }) => ({ type: SAN_TYPES[type], value: type === 'iPAddress' ? ip(value) : value }));
}

/** DER of GeneralNames (IMPLICIT tags of RFC 5280 Appendix A.2). */
export function encodeGeneralNames(names: readonly SanInput[]): Uint8Array {
  return new Uint8Array(new x509.GeneralNames(generalNamesJson(names)).rawData);
}

/** Parses the `--san` / openssl `subjectAltName` text "DNS:a,IP:1.2.3.4,URI:u,email:e". */
export function parseSanList(text: string): SanInput[] {
  const prefixes: Readonly<Record<string, SanInput['type']>> = {
    dns: 'dNSName', ip: 'iPAddress', uri: 'uniformResourceIdentifier', email: 'rfc822Name',
  };
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    const colon = item.indexOf(':');
    const type = colon > 0 ? prefixes[item.slice(0, colon).toLowerCase()] : undefined;
    if (type === undefined) throw new CodedError('ERR_SAN_SYNTAX', `'${item}' is not DNS:…, IP:…, URI:… or email:…`);
    const value = item.slice(colon + 1);
    if (type === 'iPAddress') ipAddressFromText(value);
    return { type, value };
  });
}
