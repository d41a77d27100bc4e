/** Key pairs as `openssl genpkey` makes them (EC P-256/P-384/P-521, RSA, Ed25519), with node:crypto, each handed back in every form the
 * chapter uses: PKCS#8 and SPKI PEM, private and public JWK, and KeyObjects. */
import { generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KeyError } from './errors.js';

export type KeySpec = { alg: 'EC'; curve?: 'P-256' | 'P-384' | 'P-521' } | { alg: 'RSA'; bits?: number } | { alg: 'Ed25519' };
/** A JWK as a plain record (RFC 7517 §4). */
export type JwkRecord = Record<string, unknown>;

export interface GeneratedKeyPair {
  /** PKCS#8 "PRIVATE KEY" PEM (RFC 5958, RFC 7468 §10). */ privateKeyPem: string;
  /** SubjectPublicKeyInfo "PUBLIC KEY" PEM (RFC 5280 §4.1.2.7, RFC 7468 §13). */ publicKeyPem: string;
  /** Private JWK: has `d` (and for RSA the CRT members). */ privateJwk: JwkRecord;
  /** Public JWK: the same key without any private member. */ publicJwk: JwkRecord;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateNodeKeyPair) as (type: string, options: object | undefined) =>
  Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;
const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;

/** Builds the GeneratedKeyPair forms from a private KeyObject. */
export function keyPairFromPrivateKey(privateKey: KeyObject, publicKey: KeyObject): GeneratedKeyPair {
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateJwk: privateKey.export({ format: 'jwk' }) as JwkRecord, publicJwk: publicKey.export({ format: 'jwk' }) as JwkRecord,
    privateKey, publicKey,
  };
}

/** The node:crypto key type and options for a spec, after the JOSE rules on it. */
function nodeParameters(spec: KeySpec): [string, object | undefined] {
  switch (spec.alg) {
    case 'EC': {
      const curve = spec.curve ?? 'P-256';
      // The curves JOSE names for ES256/ES384/ES512 (RFC 7518 §3.4).
      const unknown = `curve '${String(curve)}' is not one of ${EC_CURVES.join(', ')}`;
      if (!EC_CURVES.includes(curve)) throw new KeyError('ERR_KEY_CURVE', unknown, 'RFC 7518 §6.2.1.1');
      return ['ec', { namedCurve: curve }];
    }
    case 'RSA': {
      const bits = spec.bits ?? 2048;
      // RFC 7518 §3.3: a key of size 2048 bits or larger MUST be used with RS*/PS* algorithms.
      const size = `RSA keys must have 2048 to 16384 bits, not ${bits}`;
      if (!Number.isInteger(bits) || bits < 2048 || bits > 16384) throw new KeyError('ERR_KEY_SIZE', size, 'RFC 7518 §3.3');
      return ['rsa', { modulusLength: bits, publicExponent: 0x10001 }];
    }
    case 'Ed25519':
      return ['ed25519', undefined];
    default:
      throw new KeyError('ERR_KEY_ALGORITHM', `unknown key algorithm '${(spec as { alg: string }).alg}' (use EC, RSA or Ed25519)`);
  }
}

/** Generates a key pair; EC P-256 unless told otherwise. */
export async function generateKeyPair(spec: KeySpec = { alg: 'EC' }): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generate(...nodeParameters(spec));
  return keyPairFromPrivateKey(privateKey, publicKey);
}
