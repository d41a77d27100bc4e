/** The subject public key of a certificate (RFC 5280 §4.1.2.7) as Node sees it, and the signature check with an issuer's key
 * (§4.1.1.3). */
import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { CodedError } from '../errors.js';

export interface PublicKeyInfo {
  /** 'EC', 'RSA', 'RSA-PSS', 'Ed25519', 'Ed448', 'X25519', 'X448', or the algorithm OID name when Node does not know it. */ type: string;
  /** NIST name for EC keys: P-256, P-384, P-521 (or OpenSSL's name for other curves). */ curve?: string;
  bits: number;
  /** Public JWK (RFC 7518 §6); empty when the key type has no JWK form. */ jwk: Record<string, unknown>;
}

const curveNames: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const curveBits: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, secp256k1: 256 };
const fixedSizes: Readonly<Record<string, [string, number]>> = {
  ed25519: ['Ed25519', 256], ed448: ['Ed448', 456], x25519: ['X25519', 253], x448: ['X448', 448],
};

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
  if (kind === 'ec') {
    const curve = curveNames[details.namedCurve ?? ''] ?? details.namedCurve ?? 'unknown';
    return { type: 'EC', curve, bits: curveBits[curve] ?? 0, jwk };
  }
  const fixed = fixedSizes[kind];
  if (fixed) return { type: fixed[0], bits: fixed[1], jwk };
  return { type: kind === 'rsa-pss' ? 'RSA-PSS' : kind.toUpperCase(), bits: details.modulusLength ?? 0, jwk };
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
    const unusable = `the subject public key cannot be used: ${(error as Error).message}`;
    throw new CodedError('ERR_PUBLIC_KEY_UNSUPPORTED', unusable, 'RFC 5280 §4.1.2.7');
  }
  if (spkiKeys.size >= SPKI_CACHE_LIMIT) spkiKeys.delete(spkiKeys.keys().next().value as string);
  spkiKeys.set(cacheKey, key);
  return key;
}

/** Digest and key type for each signature algorithm OID (RFC 3279 §2.2, RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3). */
const signatureAlgorithms: Readonly<Record<string, [string | null, string]>> = {
  '1.2.840.10045.4.1': ['sha1', 'ec'], '1.2.840.10045.4.3.2': ['sha256', 'ec'], '1.2.840.10045.4.3.3': ['sha384', 'ec'],
  '1.2.840.10045.4.3.4': ['sha512', 'ec'], '1.2.840.113549.1.1.5': ['sha1', 'rsa'], '1.2.840.113549.1.1.11': ['sha256', 'rsa'],
  '1.2.840.113549.1.1.12': ['sha384', 'rsa'], '1.2.840.113549.1.1.13': ['sha512', 'rsa'], '1.3.101.112': [null, 'ed25519'],
  '1.3.101.113': [null, 'ed448'],
};

export interface SignedData {
  der: Uint8Array;
  tbsCertificate: Uint8Array;
  signatureAlgorithmOid: string;
  signatureValue: Uint8Array;
}

/** True when `signatureValue` is a signature over the TBSCertificate bytes by `issuerKey`, checked synchronously with node:crypto
 * (ECDSA signatures are DER Ecdsa-Sig-Value, RFC 3279 §2.2.3, Node's default). Algorithms with parameters (RSASSA-PSS) are checked by
 * OpenSSL through X509Certificate. */
export function verifyCertificateSignature(certificate: SignedData, issuerKey: KeyObject): boolean {
  try {
    const { der, tbsCertificate, signatureAlgorithmOid: oid, signatureValue } = certificate;
    const [digest, keyType] = (Object.hasOwn(signatureAlgorithms, oid) ? signatureAlgorithms[oid] : undefined) ?? [];
    if (keyType === undefined) return new X509Certificate(Buffer.from(der)).verify(issuerKey);
    // The issuer key must be of the family the algorithm names (an EC key cannot check an RSA signature).
    return issuerKey.asymmetricKeyType === keyType && verify(digest ?? null, tbsCertificate, issuerKey, signatureValue);
  } catch {
    // A key of the wrong type for the algorithm, or a signature OpenSSL cannot parse: not verified.
    return false;
  }
}
