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

const EC_CURVE_BITS: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, secp256k1: 256 };
const OKP_CURVE_BITS: Readonly<Record<string, number>> = { Ed25519: 256, Ed448: 448 };

function curveBits(table: Readonly<Record<string, number>>, crv: unknown, spec: string): number {
  const bits = typeof crv === 'string' && Object.hasOwn(table, crv) ? table[crv] : undefined;
  return bits ?? refuse('ERR_JWK_CURVE', `crv ${JSON.stringify(crv)} is not one of ${Object.keys(table).join(', ')}`, spec);
}

function modulusBits(n: unknown): number {
  // RFC 7518 §6.3.1.1: n is Base64urlUInt, base64url without padding (RFC 7515 §2).
  if (typeof n !== 'string' || !/^[A-Za-z0-9_-]+$/.test(n)) {
    refuse('ERR_JWK_MODULUS', `n ${JSON.stringify(n)} is not a non-empty base64url string`, 'RFC 7518 §6.3.1.1');
  }
  const octets = Buffer.from(n, 'base64url');
  const first = octets[0] ?? 0;
  // RFC 7518 §6.3.1.1: the fewest octets, so the first one is never zero.
  if (first === 0) refuse('ERR_JWK_MODULUS', 'n starts with a zero octet; Base64urlUInt uses the fewest octets', 'RFC 7518 §6.3.1.1');
  return (octets.length - 1) * 8 + first.toString(2).length;
}

/** The type and size in bits of the key in `jwk`. */
export function jwkKeySize(jwk: Record<string, unknown>): KeySize {
  switch (jwk.kty) {
    case 'RSA':
      return { kty: 'RSA', bits: modulusBits(jwk.n) };
    case 'EC':
      return { kty: 'EC', bits: curveBits(EC_CURVE_BITS, jwk.crv, 'RFC 7518 §6.2.1.1; RFC 8812 §3.1') };
    case 'OKP':
      return { kty: 'OKP', bits: curveBits(OKP_CURVE_BITS, jwk.crv, 'RFC 8037 §2') };
    default:
      return refuse('ERR_JWK_KTY', `kty ${JSON.stringify(jwk.kty)} is not RSA, EC or OKP: client authentication under FAPI needs a key pair`, 'RFC 7518 §6.1');
  }
}

/** The key's size checked against the minimum of FAPI 1.0 (`fapi1`) or FAPI 2.0 (`fapi2`). */
export function checkFapiKeySize(jwk: Record<string, unknown>, version: FapiVersion): KeySizeVerdict {
  const size = jwkKeySize(jwk);
  const rsa = size.kty === 'RSA';
  const minimum = rsa ? 2048 : version === 'fapi1' ? 160 : 224;
  const spec = version === 'fapi2' ? 'FAPI 2.0 Security Profile §5.4' : rsa ? 'FAPI 1.0 Part 1 §5.2.2 (5)' : 'FAPI 1.0 Part 1 §5.2.2 (6)';
  if (size.bits < minimum) {
    refuse('ERR_FAPI_KEY_SIZE', `${rsa ? 'RSA' : 'elliptic-curve'} keys need ${minimum} bits or more; this one has ${size.bits}`, spec);
  }
  return { ...size, minimum, spec };
}
