/**
 * Chapter 08 · How big is this key? The FAPI key-size rule
 *
 * A FAPI authorization server does more than verify a client's signature: it refuses keys that are
 * too small. FAPI 1.0 Part 1 §5.2.2 (5) and (6) ask for RSA keys of 2048 bits or more and
 * elliptic-curve keys of 160 bits or more; the FAPI 2.0 Security Profile §5.4 keeps 2048 for RSA and
 * raises elliptic curves to 224 bits. Conformance suites rarely test this rule, so servers forget it.
 *
 * Work the size out from the JWK's own members (RFC 7518 §6), without importing the key:
 * - RSA: the bit length of the modulus `n`, a base64url big-endian integer (RFC 7518 §6.3.1.1).
 *   Count bits, not octets × 8: a 2047-bit modulus also fills 256 octets. `n` must be strict
 *   base64url (no padding, no '+' or '/') and use the fewest octets, so a leading zero octet is refused.
 * - EC: the size of the curve named by `crv` (RFC 7518 §6.2.1.1, RFC 8812 §3.1): P-256 → 256,
 *   P-384 → 384, P-521 → 521, secp256k1 → 256. Any other crv is refused.
 * - OKP: Ed25519 → 256, Ed448 → 448 (RFC 8037 §2). Any other crv is refused. An OKP key counts as an
 *   elliptic-curve key for the FAPI minimum.
 *
 * Refusals are `CodedError`s from the lib, with these codes:
 * - ERR_JWK_KTY: kty missing, or not RSA, EC or OKP (an `oct` secret is no client key pair);
 * - ERR_JWK_CURVE: crv missing or unknown for the kty;
 * - ERR_JWK_MODULUS: n missing, empty, not strict base64url, or with a leading zero octet;
 * - ERR_FAPI_KEY_SIZE: the key is smaller than the profile's minimum.
 */
import { CodedError } from '@client-auth-lab/lib';

export type FapiVersion = 'fapi1' | 'fapi2';

export interface KeySize {
  kty: 'RSA' | 'EC' | 'OKP';
  bits: number;
}

export interface KeySizeVerdict extends KeySize {
  /** The smallest size the profile allows for this kind of key. */
  minimum: number;
  /** The clause that sets the minimum, e.g. "FAPI 1.0 Part 1 §5.2.2 (5)". */
  spec: string;
}

/** Throws the coded error every refusal uses. */
export function refuse(code: string, message: string, spec: string): never {
  throw new CodedError(code, message, spec);
}

/** The type and size in bits of the key in `jwk`. */
export function jwkKeySize(jwk: Record<string, unknown>): KeySize {
  // TODO: switch on jwk.kty. RSA: decode n (strictly), refuse a leading zero octet, and count the bits
  // of the first octet exactly. EC and OKP: look the size up from crv. Refuse anything else.
  throw new Error('TODO: compute the key size from n (RSA) or crv (EC, OKP)');
}

/** The key's size checked against the minimum of FAPI 1.0 (`fapi1`) or FAPI 2.0 (`fapi2`). */
export function checkFapiKeySize(jwk: Record<string, unknown>, version: FapiVersion): KeySizeVerdict {
  // TODO: pick the minimum for the key type and the version (RSA 2048 in both; EC and OKP 160 in
  // FAPI 1.0, 224 in FAPI 2.0), and refuse a smaller key with ERR_FAPI_KEY_SIZE naming the clause.
  throw new Error('TODO: compare jwkKeySize(jwk) with the FAPI minimum');
}
