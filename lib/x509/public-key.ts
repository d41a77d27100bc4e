/** The subject public key of a certificate (RFC 5280 §4.1.2.7) as Node sees it, with its JWK (RFC 7517). */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CodedError } from '../errors.js';

export interface PublicKeyInfo {
  /** 'EC', 'RSA', 'RSA-PSS', 'Ed25519', 'Ed448', 'X25519', 'X448', or the algorithm OID name when Node does not know it. */
  type: string;
  /** NIST name for EC keys: P-256, P-384, P-521 (or OpenSSL's name for other curves). */
  curve?: string;
  bits: number;
  /** Public JWK (RFC 7518 §6); empty when the key type has no JWK form. */
  jwk: Record<string, unknown>;
}

const curveNames: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const curveBits: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, secp256k1: 256 };

/** Describes a KeyObject: type, curve, size and public JWK. */
export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const kind = publicKey.asymmetricKeyType ?? 'unknown';
  const details = publicKey.asymmetricKeyDetails ?? {};
  let jwk: Record<string, unknown> = {};
  try {
    jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    // Some key types (DSA, DH) have no JWK representation.
  }
  switch (kind) {
    case 'ec': {
      const named = details.namedCurve ?? 'unknown';
      const curve = curveNames[named] ?? named;
      return { type: 'EC', curve, bits: curveBits[curve] ?? 0, jwk };
    }
    case 'rsa':
    case 'rsa-pss':
      return { type: kind === 'rsa' ? 'RSA' : 'RSA-PSS', bits: details.modulusLength ?? 0, jwk };
    case 'ed25519':
      return { type: 'Ed25519', bits: 256, jwk };
    case 'ed448':
      return { type: 'Ed448', bits: 456, jwk };
    case 'x25519':
      return { type: 'X25519', bits: 253, jwk };
    case 'x448':
      return { type: 'X448', bits: 448, jwk };
    default:
      return { type: kind.toUpperCase(), bits: details.modulusLength ?? 0, jwk };
  }
}

/** KeyObjects (immutable) cached by their SPKI bytes: a CA key or a client certificate's key is seen on every mutual-TLS request. */
const spkiKeys = new Map<string, KeyObject>();
const SPKI_CACHE_LIMIT = 1_000;

/** A KeyObject from SubjectPublicKeyInfo DER; a coded error when Node cannot use the key. */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const cacheKey = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  const cached = spkiKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (error) {
    throw new CodedError('ERR_PUBLIC_KEY_UNSUPPORTED', `the subject public key cannot be used: ${(error as Error).message}`, 'RFC 5280 §4.1.2.7');
  }
  if (spkiKeys.size >= SPKI_CACHE_LIMIT) spkiKeys.delete(spkiKeys.keys().next().value as string);
  spkiKeys.set(cacheKey, key);
  return key;
}
