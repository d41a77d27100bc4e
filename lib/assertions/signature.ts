/**
 * Verifying a JWS signature with node:crypto (RFC 7518 §3). The key object is cached by the caller,
 * so this is one `crypto.verify` (or one HMAC) per assertion.
 */
import { constants, createHmac, timingSafeEqual, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import type { AsymmetricAlgorithm, HmacAlgorithm } from './algorithms.js';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
/** ECDSA signatures are R || S, each as long as the curve's field (RFC 7518 §3.4). */
const ECDSA_SIGNATURE_LENGTH: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

/** The arguments of crypto.verify for `alg`, or undefined when the signature cannot be one of `alg`'s. */
function verifyArguments(alg: AsymmetricAlgorithm, key: KeyObject, signature: Uint8Array): { hash: string | null; key: VerifyKeyObjectInput | KeyObject } | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519') return { hash: null, key };
  const hash = HASH[alg.slice(2)] as string;
  if (alg.startsWith('ES')) {
    if (signature.length !== ECDSA_SIGNATURE_LENGTH[alg]) return undefined;
    return { hash, key: { key, dsaEncoding: 'ieee-p1363' } };
  }
  if (alg.startsWith('PS')) return { hash, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } };
  return { hash, key: { key, padding: constants.RSA_PKCS1_PADDING } };
}

export function verifyAsymmetricSignature(alg: AsymmetricAlgorithm, key: KeyObject, signingInput: string, signature: Uint8Array): boolean {
  const args = verifyArguments(alg, key, signature);
  if (args === undefined) return false;
  try {
    return verify(args.hash, Buffer.from(signingInput, 'ascii'), args.key, signature);
  } catch {
    // A key of the wrong type for the algorithm: not a valid signature.
    return false;
  }
}

/**
 * The same check on libuv's thread pool (crypto.verify with a callback), so that a server keeps
 * answering other requests while OpenSSL works: the main thread only hands the job over.
 */
export function verifyAsymmetricSignatureAsync(alg: AsymmetricAlgorithm, key: KeyObject, signingInput: string, signature: Uint8Array): Promise<boolean> {
  const args = verifyArguments(alg, key, signature);
  if (args === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(args.hash, Buffer.from(signingInput, 'ascii'), args.key, signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}

export function verifyHmacSignature(alg: HmacAlgorithm, secret: string, signingInput: string, signature: Uint8Array): boolean {
  const expected = createHmac(HASH[alg.slice(2)] as string, Buffer.from(secret, 'utf8')).update(signingInput, 'ascii').digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}
