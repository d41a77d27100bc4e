/** A JWK generator like mkjwk: a new key as private JWK, public JWK and JWK Set (RFC 7517 §5). */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JwkRecord } from '../keys/generate.js';
import { jwkThumbprint, orderJwkMembers, toPublicJwk } from '../keys/jwk.js';
import { assertAlgorithmFitsKey } from './algorithms.js';
import { JoseMakeError } from './errors.js';

export interface GenerateJwkOptions {
  kty?: 'EC' | 'RSA' | 'OKP' | 'oct';
  /** EC: P-256 (default), P-384, P-521; OKP: Ed25519 (default). */
  crv?: string;
  /** RSA modulus bits (default 2048) or oct key bits (default 256). */
  size?: number;
  alg?: string;
  use?: 'sig' | 'enc';
  /** Key ID; default: the RFC 7638 thumbprint. */
  kid?: string;
}

export interface GeneratedJwk {
  private: JwkRecord;
  /** For `oct` this is the same secret key: a symmetric key has no public half (RFC 7518 §6.4). */
  public: JwkRecord;
  jwks: { keys: JwkRecord[] };
}

function newKeyMaterial(options: GenerateJwkOptions): JwkRecord {
  const kty = options.kty ?? 'EC';
  switch (kty) {
    case 'EC': {
      const crv = options.crv ?? 'P-256';
      if (!['P-256', 'P-384', 'P-521'].includes(crv)) throw new JoseMakeError('ERR_KEY_CURVE', `EC curve '${crv}' is not P-256, P-384 or P-521`, 'RFC 7518 §6.2.1.1');
      return generateKeyPairSync('ec', { namedCurve: crv }).privateKey.export({ format: 'jwk' }) as JwkRecord;
    }
    case 'RSA': {
      const size = options.size ?? 2048;
      // RFC 7518 §3.3: 2048 bits or more.
      if (!Number.isInteger(size) || size < 2048 || size > 16384) throw new JoseMakeError('ERR_KEY_SIZE', `RSA size ${size} is not 2048 to 16384 bits`, 'RFC 7518 §3.3');
      return generateKeyPairSync('rsa', { modulusLength: size }).privateKey.export({ format: 'jwk' }) as JwkRecord;
    }
    case 'OKP': {
      const crv = options.crv ?? 'Ed25519';
      if (crv !== 'Ed25519' && crv !== 'X25519') throw new JoseMakeError('ERR_KEY_CURVE', `OKP curve '${crv}' is not Ed25519 or X25519`, 'RFC 8037 §2');
      const pair = crv === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('x25519');
      return pair.privateKey.export({ format: 'jwk' }) as JwkRecord;
    }
    case 'oct': {
      const size = options.size ?? 256;
      // RFC 7518 §3.2: HMAC keys of at least 256 bits; whole octets.
      if (!Number.isInteger(size) || size < 256 || size % 8 !== 0 || size > 4096) throw new JoseMakeError('ERR_KEY_SIZE', `oct size ${size} is not a multiple of 8 between 256 and 4096 bits`, 'RFC 7518 §3.2');
      return { kty: 'oct', k: randomBytes(size / 8).toString('base64url') };
    }
    default:
      throw new JoseMakeError('ERR_JWK_KTY', `kty '${String(kty)}' is not EC, RSA, OKP or oct`, 'RFC 7518 §6.1');
  }
}

/** Generates a key and returns it as JWKs, with optional alg, use and kid (RFC 7517 §4.2, §4.4, §4.5). */
export function generateJwk(options: GenerateJwkOptions = {}): GeneratedJwk {
  const material = newKeyMaterial(options);
  // RFC 7517 §4.2: "use" is "sig" or "enc".
  if (options.use !== undefined && options.use !== 'sig' && options.use !== 'enc') throw new JoseMakeError('ERR_JWK_USE', `use '${String(options.use)}' is not sig or enc`, 'RFC 7517 §4.2');
  if (options.alg !== undefined) assertAlgorithmFitsKey(options.alg, material);
  const kid = options.kid ?? jwkThumbprint(material);
  const privateJwk = orderJwkMembers({
    ...material,
    ...(options.use === undefined ? {} : { use: options.use }),
    ...(options.alg === undefined ? {} : { alg: options.alg }),
    kid,
  });
  const publicJwk = material.kty === 'oct' ? privateJwk : toPublicJwk(privateJwk);
  return { private: privateJwk, public: publicJwk, jwks: { keys: [publicJwk] } };
}
