/**
 * Verifying a JWS signature with node:crypto (RFC 7518 §3). The key object is cached by the caller,
 * so this is one `crypto.verify` (or one HMAC) per assertion.
 */
import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm, HmacAlgorithm } from './algorithms.js';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
/** ECDSA signatures are R || S, each as long as the curve's field (RFC 7518 §3.4). */
const ECDSA_SIGNATURE_LENGTH: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

export function verifyAsymmetricSignature(alg: AsymmetricAlgorithm, key: KeyObject, signingInput: string, signature: Uint8Array): boolean {
  const data = Buffer.from(signingInput, 'ascii');
  try {
    if (alg === 'EdDSA' || alg === 'Ed25519') return verify(null, data, key, signature);
    const hash = HASH[alg.slice(2)] as string;
    if (alg.startsWith('ES')) {
      if (signature.length !== ECDSA_SIGNATURE_LENGTH[alg]) return false;
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (alg.startsWith('PS')) {
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
    }
    return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    // A key of the wrong type for the algorithm: not a valid signature.
    return false;
  }
}

export function verifyHmacSignature(alg: HmacAlgorithm, secret: string, signingInput: string, signature: Uint8Array): boolean {
  const expected = createHmac(HASH[alg.slice(2)] as string, Buffer.from(secret, 'utf8')).update(signingInput, 'ascii').digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}
