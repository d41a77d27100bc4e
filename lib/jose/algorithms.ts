/** Which JWS alg goes with which key (RFC 7518 §3.1, RFC 8037 §3.1). */
import type { JwkRecord } from '../keys/generate.js';
import { JoseMakeError } from './errors.js';

export type JwsAlgorithm =
  | 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'EdDSA' | 'Ed25519' | 'HS256' | 'HS384' | 'HS512';

const EC_ALGS: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** RFC 7518 §3.2: an HMAC key is at least as long as the hash output. */
const HMAC_MIN_BITS: Readonly<Record<string, number>> = { HS256: 256, HS384: 384, HS512: 512 };
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519', 'HS256', 'HS384', 'HS512'];

/** The alg a key is naturally used with, for when none is given. */
export function defaultAlgorithm(jwk: JwkRecord): JwsAlgorithm {
  if (typeof jwk.alg === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(jwk.alg)) return jwk.alg as JwsAlgorithm;
  switch (jwk.kty) {
    case 'EC':
      return jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256';
    case 'RSA':
      return 'RS256';
    case 'OKP':
      return 'EdDSA';
    case 'oct':
      return 'HS256';
    default:
      throw new JoseMakeError('ERR_JWK_KTY', `no JWS algorithm for kty '${String(jwk.kty)}'`, 'RFC 7518 §6.1');
  }
}

/** Throws unless `alg` can be used with `jwk`. */
export function assertAlgorithmFitsKey(alg: string, jwk: JwkRecord): asserts alg is JwsAlgorithm {
  // RFC 7518 §3.1: the registered JWS algorithms.
  if (!(JWS_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new JoseMakeError('ERR_JWS_ALG_UNKNOWN', `'${alg}' is not a JWS algorithm the lab signs with (${JWS_ALGORITHMS.join(', ')})`, 'RFC 7518 §3.1');
  }
  const mismatch = (why: string): never => {
    throw new JoseMakeError('ERR_JWK_ALG_MISMATCH', `alg ${alg} cannot be used with this key: ${why}`, 'RFC 7517 §4.4');
  };
  if (alg in EC_ALGS && (jwk.kty !== 'EC' || jwk.crv !== EC_ALGS[alg])) mismatch(`${alg} needs an EC key on ${EC_ALGS[alg]} (RFC 7518 §3.4)`);
  if (RSA_ALGS.includes(alg) && jwk.kty !== 'RSA') mismatch(`${alg} needs an RSA key (RFC 7518 §3.3)`);
  if ((alg === 'EdDSA' || alg === 'Ed25519') && (jwk.kty !== 'OKP' || (jwk.crv !== 'Ed25519' && (alg === 'Ed25519' || jwk.crv !== 'Ed448')))) mismatch(`${alg} needs an OKP Ed25519 key (RFC 8037 §3.1)`);
  const minimum = HMAC_MIN_BITS[alg];
  if (minimum !== undefined) {
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') mismatch(`${alg} needs an oct key (RFC 7518 §3.2)`);
    const bits = Buffer.from(String(jwk.k), 'base64url').length * 8;
    if (bits < minimum) mismatch(`${alg} needs a key of at least ${minimum} bits, this one has ${bits} (RFC 7518 §3.2)`);
  }
  // RFC 7517 §4.4: when the JWK names its alg, it is meant for that alg only.
  if (typeof jwk.alg === 'string' && jwk.alg !== alg) mismatch(`the JWK is restricted to alg ${jwk.alg}`);
}
