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
  const tbsCertificate = certificate.children[0];
  if (tbsCertificate === undefined || !tbsCertificate.constructed) {
    throw new CodedError('ERR_CERTIFICATE_MALFORMED', 'the input is not a Certificate SEQUENCE starting with tbsCertificate', 'RFC 5280 §4.1');
  }
  // extensions is the [3] field; [0] version and the [1]/[2] unique IDs may sit around it.
  const extensions = tbsCertificate.children.find((node) => node.tagClass === 'context' && node.tagNumber === 3)?.children[0]?.children ?? [];
  const found = extensions.filter((extension) => {
    const extnId = extension.children[0]?.value;
    return extnId?.kind === 'oid' && extnId.oid === SUBJECT_ALT_NAME_OID;
  });
  if (found.length > 1) {
    throw new CodedError('ERR_DUPLICATE_EXTENSION', `the certificate has ${found.length} subjectAltName extensions; an extension appears at most once`, 'RFC 5280 §4.2');
  }
  const [extension] = found;
  if (extension === undefined) return [];
  // extnValue is the last member: critical, when present, comes between it and extnID.
  const extnValue = extension.children[extension.children.length - 1] as Asn1Node;
  const generalNames = decodeAsn1(extnValue.contents, { encapsulation: false });
  return generalNames.children.map((name) => {
    const type = name.tagClass === 'context' ? GENERAL_NAME_TYPES[name.tagNumber] : undefined;
    if (type === undefined) throw new CodedError('ERR_GENERAL_NAME', `${name.type} is not a GeneralName tag ([0] to [8])`, 'RFC 5280 §4.2.1.6');
    switch (type) {
      case 'rfc822Name':
      case 'dNSName':
      case 'uniformResourceIdentifier':
        return { type, value: Buffer.from(name.contents).toString('latin1') };
      case 'iPAddress':
        return { type, value: formatIpAddress(name.contents) };
      default:
        return { type, value: `#${toHex(name.contents)}` };
    }
  });
}
