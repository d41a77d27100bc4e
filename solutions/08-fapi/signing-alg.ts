/**
 * Chapter 08 · Which signing algorithms a FAPI server accepts for client assertions
 *
 * private_key_jwt proves possession of a key with a JWS signature, and the JWS header's `alg` says
 * which algorithm made it. The FAPI profiles narrow the choice:
 * - FAPI 1.0 Part 1 (read-only) does not narrow it: any JWS algorithm the server supports, since
 *   Part 1 still allows client_secret_jwt and its HMAC algorithms.
 * - FAPI 1.0 Part 2 §8.6: PS256 or ES256 only. RS256 (RSASSA-PKCS1-v1_5) is not to be used.
 * - FAPI 2.0 Security Profile §5.4.1: PS256, ES256, or EdDSA with Ed25519 (whose fully specified
 *   name is Ed25519, RFC 9864); still no RS256 and no HMAC.
 * Under every profile `none` is refused (RFC 7518 §3.6, RFC 8725 §3.1): an unsigned JWT proves nothing.
 * `alg` values are case-sensitive (RFC 7515 §4.1.1), so `es256` is not ES256.
 *
 * Return the alg when the profile allows it. Refuse with a `CodedError` from the lib:
 * - ERR_ALG_MISSING: alg is not a non-empty string (RFC 7515 §4.1.1);
 * - ERR_ALG_NONE: alg is exactly "none" (RFC 7518 §3.6);
 * - ERR_FAPI_ALG: the profile does not allow this alg (FAPI 1.0 Part 2 §8.6, FAPI 2.0 Security Profile
 *   §5.4.1); under fapi1-part1, an alg that is not a registered JWS signature algorithm (RFC 7518
 *   §3.1, RFC 8037 §3.1, RFC 9864) is refused with this code too.
 */
import { CodedError } from '@client-auth-lab/lib';

export type FapiProfileName = 'fapi1-part1' | 'fapi1-part2' | 'fapi2';

/** The JWS signature algorithms registered for JOSE (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864). */
export const JWS_SIGNATURE_ALGORITHMS: readonly string[] = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519', 'ES256K',
];

/** `alg` if `profile` allows it for client assertions, else a coded refusal. */
export function checkFapiSigningAlg(alg: unknown, profile: FapiProfileName): string {
  // RFC 7515 §4.1.1: alg is a required, case-sensitive string.
  if (typeof alg !== 'string' || alg === '') throw new CodedError('ERR_ALG_MISSING', `alg ${JSON.stringify(alg)} is not a non-empty string`, 'RFC 7515 §4.1.1');
  // RFC 7518 §3.6, RFC 8725 §3.1: an unsecured JWT authenticates nobody.
  if (alg === 'none') throw new CodedError('ERR_ALG_NONE', 'alg none means no signature: it never authenticates a client', 'RFC 7518 §3.6; RFC 8725 §3.1');
  const allowed = ALLOWED[profile];
  if (!allowed.algorithms.includes(alg)) {
    throw new CodedError('ERR_FAPI_ALG', `${profile} allows ${allowed.algorithms.join(', ')} for client assertions, not ${alg}`, allowed.spec);
  }
  return alg;
}

const ALLOWED: Readonly<Record<FapiProfileName, { algorithms: readonly string[]; spec: string }>> = {
  'fapi1-part1': { algorithms: JWS_SIGNATURE_ALGORITHMS, spec: 'RFC 7518 §3.1' },
  'fapi1-part2': { algorithms: ['PS256', 'ES256'], spec: 'FAPI 1.0 Part 2 §8.6' },
  fapi2: { algorithms: ['PS256', 'ES256', 'EdDSA', 'Ed25519'], spec: 'FAPI 2.0 Security Profile §5.4.1' },
};
