/**
 * Matching a certificate against the one tls_client_auth_* value a client registered
 * (RFC 8705 §2.1.2): the subject DN as a name, or one SAN entry of the registered kind.
 */
import { CodedError } from '../errors.js';
import type { RegisteredClient } from '../client-auth/types.js';
import {
  distinguishedNamesEqual,
  formatDistinguishedName,
  parseDistinguishedName,
  type CertificateView,
  type GeneralNameType,
} from '../x509/index.js';
import { formatIpAddress, ipAddressesEqual, parseIpAddress } from './ip-address.js';

export const TLS_CLIENT_AUTH_FIELDS = [
  'tls_client_auth_subject_dn',
  'tls_client_auth_san_dns',
  'tls_client_auth_san_uri',
  'tls_client_auth_san_ip',
  'tls_client_auth_san_email',
] as const;

export type TlsClientAuthField = (typeof TLS_CLIENT_AUTH_FIELDS)[number];

const SAN_TYPE: Record<Exclude<TlsClientAuthField, 'tls_client_auth_subject_dn'>, GeneralNameType> = {
  tls_client_auth_san_dns: 'dNSName',
  tls_client_auth_san_uri: 'uniformResourceIdentifier',
  tls_client_auth_san_ip: 'iPAddress',
  tls_client_auth_san_email: 'rfc822Name',
};

/** The tls_client_auth_* members a client registered, by name. */
export function registeredTlsClientAuthFields(client: RegisteredClient): { field: TlsClientAuthField; value: string }[] {
  return TLS_CLIENT_AUTH_FIELDS.filter((field) => client[field] !== undefined).map((field) => ({ field, value: String(client[field]) }));
}

export interface FieldMatch {
  matched: boolean;
  detail: string;
}

/** Whether `certificate` carries the registered value of `field`. */
export function matchTlsClientAuthField(certificate: CertificateView, field: TlsClientAuthField, value: string): FieldMatch {
  if (field === 'tls_client_auth_subject_dn') {
    let expected;
    try {
      expected = parseDistinguishedName(value);
    } catch (error) {
      throw new CodedError('ERR_TLS_CLIENT_AUTH_METADATA', `the registered tls_client_auth_subject_dn is not an RFC 4514 string: ${(error as Error).message}`, 'RFC 8705 §2.1.2');
    }
    const matched = distinguishedNamesEqual(certificate.subject, expected);
    return {
      matched,
      detail: matched
        ? `the subject '${certificate.subjectString}' equals the registered DN '${value}' (compared as names, RFC 4517 distinguishedNameMatch)`
        : `the subject '${certificate.subjectString}' is not the registered DN '${formatDistinguishedName(expected)}'`,
    };
  }
  const type = SAN_TYPE[field];
  const entries = certificate.subjectAltNames.filter((name) => name.type === type);
  const found = entries.find((name) => sanEquals(type, name.value, name.bytes, value));
  const listed = entries.length === 0 ? `the certificate has no ${type} SAN` : `the certificate's ${type} SANs are ${entries.map((e) => `'${e.value}'`).join(', ')}`;
  return found !== undefined
    ? { matched: true, detail: `the ${type} SAN '${found.value}' matches the registered ${field} '${value}'` }
    : { matched: false, detail: `${listed}; none matches the registered ${field} '${value}'` };
}

function sanEquals(type: GeneralNameType, presented: string, bytes: Uint8Array | undefined, registered: string): boolean {
  switch (type) {
    case 'iPAddress': {
      // RFC 8705 §2.1.2 and RFC 5952 §8: compare the binary addresses, not their text.
      const expected = parseIpAddress(registered);
      const actual = bytes ?? parseIpAddress(presented);
      return expected !== undefined && actual !== undefined && ipAddressesEqual(expected, actual);
    }
    case 'dNSName':
      // DNS names are case-insensitive (RFC 4343; RFC 5280 §7.2).
      return presented.toLowerCase() === registered.toLowerCase();
    case 'rfc822Name': {
      // The local part is case-sensitive, the domain is not (RFC 5280 §4.2.1.6, §7.5).
      const at = presented.lastIndexOf('@');
      const atRegistered = registered.lastIndexOf('@');
      return at > 0 && atRegistered > 0
        && presented.slice(0, at) === registered.slice(0, atRegistered)
        && presented.slice(at + 1).toLowerCase() === registered.slice(atRegistered + 1).toLowerCase();
    }
    default:
      return presented === registered;
  }
}

export { formatIpAddress };
