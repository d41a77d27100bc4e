export { x5tS256 } from './thumbprint.js';
export { certificateConfirmation, checkCertificateBinding } from './certificate-binding.js';
export type { ConfirmationClaim, BindingCheck } from './certificate-binding.js';
export { parseIpAddress, formatIpAddress, ipAddressesEqual } from './ip-address.js';
export { TLS_CLIENT_AUTH_FIELDS, registeredTlsClientAuthFields, matchTlsClientAuthField } from './tls-client-auth-fields.js';
export type { TlsClientAuthField, FieldMatch } from './tls-client-auth-fields.js';
