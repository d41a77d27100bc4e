/**
 * Chapter 10 · The server's side: which certificate, which token
 *
 * Two checks of RFC 8705 made by the servers of this chapter, both by certificate thumbprint.
 *
 * x5tS256 (RFC 8705 §3.1, RFC 7515 §4.1.8), given below as chapter 05 built it: the base64url
 * encoding, without padding, of the SHA-256 digest of the certificate's DER bytes.
 *
 * matchRegisteredCertificate: the authorization server's self_signed_tls_client_auth check (RFC 8705
 * §2.2). The client registered its certificate in `x5c` of a key in its JWK Set; the certificate
 * presented in the TLS handshake must be one of them, byte for byte, which comparing thumbprints
 * does. Only x5c[0] counts: it is the certificate holding the key (RFC 7517 §4.7), the others only
 * certify it. A new certificate for the same key is a different certificate, not a match.
 * Refusals (`CodedError` from the lib):
 * - ERR_JWKS_INVALID: jwks is not an object whose `keys` is an array of objects (RFC 7517 §5), or an
 *   x5c is not a non-empty array of strings (RFC 7517 §4.7). Keys without x5c are skipped.
 * - ERR_X5C_NOT_BASE64: an x5c[0] that is not standard Base64 (RFC 4648 §4: A–Z a–z 0–9 + /,
 *   '=' padding, length a multiple of 4; no line breaks, no base64url '-' or '_'), RFC 7517 §4.7.
 * - ERR_CERTIFICATE_NOT_REGISTERED: no x5c[0] has the presented certificate's thumbprint (RFC 8705 §2.2).
 * On success: the kid of the matching key (undefined if it has none) and the thumbprint.
 *
 * checkTokenBinding: the resource server's check (RFC 8705 §3). A token whose `cnf` (RFC 7800 §3.1)
 * carries `x5t#S256` may only be used over a TLS connection made with that very certificate.
 * - cnf undefined: a plain bearer token, { bound: false }.
 * - ERR_CNF_INVALID: cnf is not a JSON object, or its x5t#S256 is not a string (RFC 7800 §3.1).
 * - ERR_CNF_UNSUPPORTED: cnf is an object without x5t#S256 (say, jkt of DPoP, RFC 9449): it is
 *   bound to something this check cannot verify, and serving it as a bearer token would drop the binding.
 * - ERR_BINDING_NO_CERTIFICATE: bound, but no certificate was presented (RFC 8705 §3).
 * - ERR_BINDING_MISMATCH: bound to another certificate (RFC 8705 §3.1).
 * On success: { bound: true }.
 */
import { createHash } from 'node:crypto';
import { CodedError } from '@client-auth-lab/lib';

/** The x5t#S256 thumbprint of a DER certificate. */
export function x5tS256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

/** Finds the registered key whose x5c[0] is the presented certificate. */
export function matchRegisteredCertificate(presented: Uint8Array, jwks: unknown): { kid: string | undefined; thumbprint: string } {
  // TODO: check the shape of jwks, then compare x5tS256(presented) with the thumbprint of each key's
  // x5c[0] (standard Base64 → DER), refusing as described above.
  throw new Error('TODO: match the presented certificate with the registered x5c');
}

/** Whether a token with confirmation `cnf` may be used by the holder of the presented certificate. */
export function checkTokenBinding(cnf: unknown, presented: Uint8Array | undefined): { bound: boolean } {
  // TODO: the five cases above, in that order.
  throw new Error('TODO: check the token binding');
}
