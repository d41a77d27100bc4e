/**
 * Chapter 05 · Reading subjectAltName straight from the DER
 *
 * The registered values tls_client_auth_san_dns, _san_uri, _san_ip and _san_email (RFC 8705 §2.1.2)
 * are compared with entries of the client certificate's subjectAltName extension. Before trusting a
 * library to find those entries, find them yourself in the ASN.1 tree (RFC 5280 §4.1):
 *
 *   Certificate SEQUENCE → tbsCertificate SEQUENCE → extensions [3] EXPLICIT → SEQUENCE OF Extension
 *   Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 *
 * The Extension whose extnID is 2.5.29.17 carries, inside its extnValue, the DER of
 * GeneralNames ::= SEQUENCE OF GeneralName, a CHOICE told apart by context tags [0] to [8]
 * (RFC 5280 §4.2.1.6). Use `decodeAsn1` from the lib (nodes with tagClass, tagNumber, constructed,
 * contents and children), not `readCertificate`, which does this walk for you.
 *
 * Return one entry per GeneralName, in certificate order:
 * - `type`: the alternative's name, GENERAL_NAME_TYPES[tag number];
 * - `value`: the IA5String text for rfc822Name, dNSName and uniformResourceIdentifier; for iPAddress
 *   the address as text (4 octets: dotted decimal; 16 octets: RFC 5952 text such as 2001:db8::7,
 *   `formatIpAddress` from the lib writes it); for the five other alternatives '#' followed by the
 *   lowercase hex of the content octets.
 *
 * No subjectAltName extension: an empty list. More than one: refuse with a CodedError whose code is
 * ERR_DUPLICATE_EXTENSION (RFC 5280 §4.2: a certificate MUST NOT include an extension twice).
 */
import { CodedError, decodeAsn1, formatIpAddress, toHex, type Asn1Node } from '@client-auth-lab/lib';

/** The GeneralName alternatives, indexed by their context tag number (RFC 5280 §4.2.1.6). */
export const GENERAL_NAME_TYPES = [
  'otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName',
  'ediPartyName', 'uniformResourceIdentifier', 'iPAddress', 'registeredID',
] as const;

export type GeneralNameType = (typeof GENERAL_NAME_TYPES)[number];

export interface SubjectAltName {
  type: GeneralNameType;
  value: string;
}

/** id-ce-subjectAltName (RFC 5280 §4.2.1.6). */
export const SUBJECT_ALT_NAME_OID = '2.5.29.17';

/** The subjectAltName entries of a DER certificate. */
export function subjectAltNames(der: Uint8Array): SubjectAltName[] {
  const certificate: Asn1Node = decodeAsn1(der, { encapsulation: false });
  // TODO: walk certificate → tbsCertificate → the [3] extensions, find the Extension(s) whose extnID is
  // SUBJECT_ALT_NAME_OID, decode its extnValue contents with decodeAsn1, and turn each GeneralName
  // node into { type, value } as the comment above says (CodedError, formatIpAddress and toHex help).
  throw new Error('TODO: walk the ASN.1 tree to the subjectAltName extension and read its GeneralNames');
}
