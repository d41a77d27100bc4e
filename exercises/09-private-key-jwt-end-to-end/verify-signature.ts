/**
 * Chapter 09 · The server's side: whose signature is this?
 *
 * Before a single claim of a client assertion is believed, the authorization server verifies its
 * signature with a key the client registered (RFC 7523 §3 (9), OIDC Core §9). The walk-through's
 * failures "wrong alg" and "unknown kid" happen here. Check, in this order:
 *
 * 1. The compact JWS has three parts, each strict base64url without padding, and the first two are
 *    JSON objects (RFC 7515 §7.1).                                      ERR_JWT_MALFORMED
 * 2. alg is not "none" (RFC 7518 §3.6; RFC 8725 §3.1).                  ERR_ASSERTION_ALG_NONE
 * 3. alg is the client's registered token_endpoint_auth_signing_alg: requests signed otherwise MUST
 *    be rejected (OIDC Dynamic Client Registration §2). This also stops the old trick of an HS256
 *    "signature" keyed with the public key.                             ERR_ASSERTION_ALG_NOT_REGISTERED
 * 4. Candidate keys: those of the registered JWK Set that fit the alg (ES256: kty EC, crv P-256;
 *    PS256: kty RSA), whose `use` is absent or "sig", and whose kid equals the header's kid when the
 *    header has one (RFC 7515 §4.1.4). None left:                       ERR_ASSERTION_KEY_NOT_FOUND
 * 5. The signature over ASCII(header part '.' payload part) verifies with one candidate
 *    (RFC 7515 §5.2):                                                   ERR_ASSERTION_SIGNATURE
 *    - ES256: ECDSA P-256 SHA-256, the signature is R ‖ S, 64 octets (RFC 7518 §3.4);
 *      node:crypto `verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)`.
 *    - PS256: RSASSA-PSS SHA-256, MGF1 SHA-256, salt 32 octets (RFC 7518 §3.5);
 *      `{ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }`.
 * Header members that carry a key (jwk, x5c, jku, x5u) are never used: the key always comes from the
 * registration, or anyone could sign with a key of their own (RFC 8725 §3.10).
 * This exercise supports registered algs ES256 and PS256 only.
 *
 * Refuse with `CodedError(code, message, spec)` from the lib. On success return the decoded header
 * and payload, and the kid of the key that verified (undefined if that key has none). The claims are
 * checked next (verify-claims.ts).
 */
import { CodedError } from '@client-auth-lab/lib';

export interface RegisteredSigningKeys {
  /** The client's registered JWK Set (public keys). */
  jwks: { keys: Record<string, unknown>[] };
  /** The client's registered token_endpoint_auth_signing_alg: 'ES256' or 'PS256'. */
  token_endpoint_auth_signing_alg: 'ES256' | 'PS256';
}

export interface VerifiedAssertion {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  kid: string | undefined;
}

/** Verifies the signature of a client assertion with the client's registered keys. */
export function verifyAssertionSignature(compact: string, client: RegisteredSigningKeys): VerifiedAssertion {
  // TODO: the five steps above, in order. createPublicKey({ key: jwk, format: 'jwk' }) turns a JWK
  // into a KeyObject (pass only the public members: kty, crv, x, y, n, e).
  throw new Error('TODO: verify the assertion signature with the registered keys');
}
