/** Names of object identifiers a learner meets in certificates, keys and CSRs. A frozen table passed around by value, not a registry that
 * callers mutate. */
export const knownOids: Readonly<Record<string, string>> = Object.freeze({
  // X.520 attribute types (RFC 5280 §4.1.2.4, Appendix A) and friends
  '2.5.4.3': 'commonName', '2.5.4.4': 'surname', '2.5.4.5': 'serialNumber', '2.5.4.6': 'countryName', '2.5.4.7': 'localityName',
  '2.5.4.8': 'stateOrProvinceName', '2.5.4.9': 'streetAddress', '2.5.4.10': 'organizationName', '2.5.4.11': 'organizationalUnitName',
  '2.5.4.12': 'title', '2.5.4.17': 'postalCode', '2.5.4.42': 'givenName', '2.5.4.43': 'initials', '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier', '2.5.4.65': 'pseudonym', '2.5.4.97': 'organizationIdentifier', '0.9.2342.19200300.100.1.1': 'userId',
  '0.9.2342.19200300.100.1.25': 'domainComponent', '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionCountryName', '2.5.4.15': 'businessCategory',
  // certificate extensions (RFC 5280 §4.2)
  '2.5.29.14': 'subjectKeyIdentifier', '2.5.29.15': 'keyUsage', '2.5.29.17': 'subjectAltName', '2.5.29.18': 'issuerAltName',
  '2.5.29.19': 'basicConstraints', '2.5.29.30': 'nameConstraints', '2.5.29.31': 'cRLDistributionPoints', '2.5.29.32': 'certificatePolicies',
  '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.37': 'extKeyUsage', '2.5.29.36': 'policyConstraints', '2.5.29.54': 'inhibitAnyPolicy',
  '2.5.29.32.0': 'anyPolicy', '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess', '1.3.6.1.4.1.11129.2.4.2': 'signedCertificateTimestampList',
  '2.23.140.1.2.1': 'domain-validated', '2.23.140.1.2.2': 'organization-validated', '1.3.6.1.5.5.7.48.1': 'ocsp',
  '1.3.6.1.5.5.7.48.2': 'caIssuers',
  // extended key usages (RFC 5280 §4.2.1.12)
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  // public key algorithms and curves (RFC 3279, RFC 5480, RFC 8410)
  '1.2.840.113549.1.1.1': 'rsaEncryption', '1.2.840.113549.1.1.10': 'RSASSA-PSS', '1.2.840.10045.2.1': 'ecPublicKey',
  '1.2.840.10045.3.1.7': 'prime256v1', '1.3.132.0.34': 'secp384r1', '1.3.132.0.35': 'secp521r1', '1.3.132.0.10': 'secp256k1',
  '1.3.101.110': 'X25519', '1.3.101.111': 'X448', '1.3.101.112': 'Ed25519', '1.3.101.113': 'Ed448',
  // signature algorithms (RFC 3279, RFC 4055, RFC 5758, RFC 8410)
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption', '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption', '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption', '1.2.840.10045.4.1': 'ecdsa-with-SHA1', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384', '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512', '1.2.840.113549.1.1.8': 'mgf1',
  '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512', '1.3.14.3.2.26': 'sha1',
  // PKCS #9 / #10 attributes
  '1.2.840.113549.1.9.14': 'extensionRequest', '1.2.840.113549.1.9.7': 'challengePassword',
});

/** The known name of a dotted OID, or undefined. */
export function oidName(oid: string): string | undefined {
  return Object.hasOwn(knownOids, oid) ? knownOids[oid] : undefined;
}
