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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds the registered key whose x5c[0] is the presented certificate. */
export function matchRegisteredCertificate(presented: Uint8Array, jwks: unknown): { kid: string | undefined; thumbprint: string } {
  if (!isObject(jwks) || !Array.isArray(jwks.keys) || !jwks.keys.every(isObject)) {
    throw new CodedError('ERR_JWKS_INVALID', 'jwks must be an object whose keys member is an array of JWKs', 'RFC 7517 §5');
  }
  const thumbprint = x5tS256(presented);
  for (const key of jwks.keys as Record<string, unknown>[]) {
    if (key.x5c === undefined) continue;
    if (!Array.isArray(key.x5c) || key.x5c.length === 0 || !key.x5c.every((c) => typeof c === 'string')) {
      throw new CodedError('ERR_JWKS_INVALID', 'x5c must be a non-empty array of strings', 'RFC 7517 §4.7');
    }
    const first = key.x5c[0] as string;
    // RFC 7517 §4.7: standard Base64 (RFC 4648 §4), which Buffer would otherwise decode leniently.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(first) || first.length % 4 !== 0) {
      throw new CodedError('ERR_X5C_NOT_BASE64', 'x5c[0] is not standard Base64 of a DER certificate (no base64url, no line breaks)', 'RFC 7517 §4.7');
    }
    if (x5tS256(Buffer.from(first, 'base64')) === thumbprint) return { kid: typeof key.kid === 'string' ? key.kid : undefined, thumbprint };
  }
  throw new CodedError('ERR_CERTIFICATE_NOT_REGISTERED', `the presented certificate (x5t#S256 ${thumbprint}) is not x5c[0] of any registered key`, 'RFC 8705 §2.2');
}

/** Whether a token with confirmation `cnf` may be used by the holder of the presented certificate. */
export function checkTokenBinding(cnf: unknown, presented: Uint8Array | undefined): { bound: boolean } {
  if (cnf === undefined) return { bound: false };
  if (!isObject(cnf)) throw new CodedError('ERR_CNF_INVALID', 'cnf must be a JSON object', 'RFC 7800 §3.1');
  if (!('x5t#S256' in cnf)) {
    throw new CodedError('ERR_CNF_UNSUPPORTED', `the token is bound by ${Object.keys(cnf).join(', ') || 'nothing known'}, which this check cannot verify`, 'RFC 7800 §3.1; RFC 8705 §3');
  }
  const expected = cnf['x5t#S256'];
  if (typeof expected !== 'string') throw new CodedError('ERR_CNF_INVALID', 'cnf x5t#S256 must be a string', 'RFC 8705 §3.1');
  if (presented === undefined) throw new CodedError('ERR_BINDING_NO_CERTIFICATE', 'the token is certificate-bound but no certificate was presented', 'RFC 8705 §3');
  const actual = x5tS256(presented);
  if (actual !== expected) throw new CodedError('ERR_BINDING_MISMATCH', `the presented certificate's x5t#S256 ${actual} is not the token's ${expected}`, 'RFC 8705 §3.1');
  return { bound: true };
}
