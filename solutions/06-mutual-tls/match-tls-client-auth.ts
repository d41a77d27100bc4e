/**
 * Chapter 06 · Does this certificate belong to the client? (tls_client_auth, RFC 8705 §2.1.2)
 *
 * A tls_client_auth client registers exactly one of five metadata values, and the server accepts a
 * CA-issued certificate only if it carries that value:
 *
 *   tls_client_auth_subject_dn  the subject, an RFC 4514 string, compared as a name (RFC 4517 §4.2.15):
 *                               same RDNs in the same order, values case-insensitively
 *   tls_client_auth_san_dns     a dNSName SAN; DNS names compare case-insensitively (RFC 4343)
 *   tls_client_auth_san_uri     a uniformResourceIdentifier SAN, compared exactly
 *   tls_client_auth_san_ip      an iPAddress SAN, compared in binary (RFC 8705 §2.1.2): the registered
 *                               text becomes 4 or 16 octets ("::1" and "0:0:0:0:0:0:0:1" are the same;
 *                               192.0.2.1 and ::ffff:192.0.2.1 are not)
 *   tls_client_auth_san_email   an rfc822Name SAN; the domain compares case-insensitively, the local
 *                               part (before the last '@') exactly (RFC 5280 §4.2.1.6, §7.5)
 *
 * A SAN value only counts in a SAN entry of its own type: a dNSName "192.0.2.1" is no iPAddress.
 * A registered value that cannot be read (an IP address that is none) matches nothing.
 *
 * From the lib you may use readCertificate's view (subject, subjectAltNames with `bytes` for
 * iPAddress), parseIpAddress, parseDistinguishedName and distinguishedNamesEqual; not
 * matchTlsClientAuthField, which is this exercise done.
 */
import {
  distinguishedNamesEqual, parseDistinguishedName, parseIpAddress, type CertificateView, type TlsClientAuthField,
} from '@client-auth-lab/lib';

/** Whether `certificate` carries the value a client registered under `field`. */
export function certificateMatches(certificate: CertificateView, field: TlsClientAuthField, registered: string): boolean {
  const sans = (type: string) => certificate.subjectAltNames.filter((name) => name.type === type);
  switch (field) {
    case 'tls_client_auth_subject_dn': {
      let expected;
      try {
        expected = parseDistinguishedName(registered);
      } catch {
        return false;
      }
      return distinguishedNamesEqual(certificate.subject, expected);
    }
    case 'tls_client_auth_san_dns':
      return sans('dNSName').some((name) => name.value.toLowerCase() === registered.toLowerCase());
    case 'tls_client_auth_san_uri':
      return sans('uniformResourceIdentifier').some((name) => name.value === registered);
    case 'tls_client_auth_san_ip': {
      // RFC 8705 §2.1.2: binary comparison of the octets, never of the text.
      const expected = parseIpAddress(registered);
      if (expected === undefined) return false;
      return sans('iPAddress').some((name) => name.bytes !== undefined && Buffer.from(name.bytes).equals(Buffer.from(expected)));
    }
    case 'tls_client_auth_san_email': {
      const at = registered.lastIndexOf('@');
      if (at <= 0) return false;
      return sans('rfc822Name').some((name) => {
        const split = name.value.lastIndexOf('@');
        return split > 0 && name.value.slice(0, split) === registered.slice(0, at)
          && name.value.slice(split + 1).toLowerCase() === registered.slice(at + 1).toLowerCase();
      });
    }
    default:
      return false;
  }
}
