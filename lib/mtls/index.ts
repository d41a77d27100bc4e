export { x5tS256 } from './thumbprint.js';
export { certificateConfirmation, checkCertificateBinding } from './certificate-binding.js';
export type { ConfirmationClaim, BindingCheck } from './certificate-binding.js';
export { parseIpAddress, formatIpAddress, ipAddressesEqual } from './ip-address.js';
export { TLS_CLIENT_AUTH_FIELDS, registeredTlsClientAuthFields, matchTlsClientAuthField } from './tls-client-auth-fields.js';
export type { TlsClientAuthField, FieldMatch } from './tls-client-auth-fields.js';
export {
  X_SSL_CERT_HEADER,
  CLIENT_CERT_HEADER,
  CLIENT_CERT_CHAIN_HEADER,
  OBS_FOLD_EXPLANATION,
  isFoldedHeaderValue,
  parseXSslCertHeader,
  parseClientCertHeader,
  parseClientCertChainHeader,
  clientCertificateFromProxyHeaders,
  formatXSslCertHeader,
  formatClientCertHeader,
} from './proxy-headers.js';
export type { ProxyCertificateSource, ProxyCertificate } from './proxy-headers.js';
