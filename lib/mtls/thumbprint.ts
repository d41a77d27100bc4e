import { createHash } from 'node:crypto';

/**
 * The X.509 certificate SHA-256 thumbprint, `x5t#S256` (RFC 8705 §3.1; RFC 7515 §4.1.8): the
 * base64url-encoded SHA-256 digest of the certificate's DER bytes, without padding.
 */
export function x5tS256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}
