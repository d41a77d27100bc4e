/**
 * Chapter 05 · A distinguished name as an RFC 4514 string
 *
 * A client registered with tls_client_auth_subject_dn gives its certificate's subject as an RFC 4514
 * string (RFC 8705 §2.1.2), so a server has to know how a Name (RFC 5280 §4.1.2.4) is written as
 * one. Write that conversion from the DER of a Name:
 *
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 *
 * The rules (RFC 4514 §2):
 * - §2.1: the RDNs are written in reverse order (the last RDN of the SEQUENCE first), separated by
 *   ','; an empty Name is the empty string.
 * - §2.2: the attributes of a multi-valued RDN are joined by '+'.
 * - §2.3: a type from the §3 table (SHORT_NAMES below) is written by its short name; any other type
 *   by its dotted OID.
 * - §2.4: after a short name, the value's text (decodeAsn1 gives string types as value.text) with
 *   these escaped by a backslash: '"', '+', ',', ';', '<', '>', '\', a space or '#' at the start, a
 *   space at the end; NUL becomes '\00'. Escape nothing else. After a dotted OID, '#' and the
 *   lowercase hex of the value's whole DER encoding (tag, length and contents).
 */
import { CodedError, decodeAsn1, encodedBytes, toHex, type Asn1Node } from '@client-auth-lab/lib';

/** The attribute types RFC 4514 §3 writes by name. */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** The RFC 4514 string of a Name given as DER. */
export function distinguishedNameToString(nameDer: Uint8Array): string {
  const name: Asn1Node = decodeAsn1(nameDer, { encapsulation: false });
  // TODO: for each RDN (a SET) and each AttributeTypeAndValue in it, write "type=value" as the comment
  // above says (SHORT_NAMES, value.text and escaping, or dotted OID and '#' + toHex(encodedBytes(node))),
  // join an RDN's attributes with '+', and the RDNs, last first, with ','.
  throw new Error('TODO: write the Name as an RFC 4514 string');
}
