/** Reading keys from PEM or JWK into KeyObjects (node:crypto), with coded errors instead of OpenSSL's messages. */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodePemAll } from '../encoding/pem.js';
import { CodedError } from '../errors.js';
import { KeyError } from './errors.js';
import { keyPairFromPrivateKey, type GeneratedKeyPair, type JwkRecord } from './generate.js';

const PRIVATE_LABELS = ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'];
const PUBLIC_LABELS = ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE', ...PRIVATE_LABELS];

function pemLabels(pem: string): string[] {
  try {
    return decodePemAll(pem).map((block) => block.label);
  } catch (error) {
    if (error instanceof CodedError) throw new KeyError('ERR_KEY_MALFORMED', `not a PEM key: ${error.message}`, error.spec);
    throw error;
  }
}

/** The first PEM label among `labels`, or the coded error `code`. */
function pemBlock(pem: string, labels: readonly string[], code: string, message: string, spec: string): string {
  const label = pemLabels(pem).find((l) => labels.includes(l));
  if (label === undefined) throw new KeyError(code, message, spec);
  return label;
}

/** `make`'s result, or its failure as the KeyError `code` whose message starts with `message`. */
function recoded<T>(code: string, message: string, spec: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new KeyError(code, `${message}: ${(error as Error).message}`, spec);
  }
}
const usable = <T>(make: () => T, label: string, spec: string): T =>
  recoded('ERR_KEY_MALFORMED', `the ${label} block is not a usable key`, spec, make);

/** A private key from PEM: PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY". */
export function readPrivateKey(pem: string): KeyObject {
  const none = 'no private key PEM block ("-----BEGIN PRIVATE KEY-----") found';
  const label = pemBlock(pem, PRIVATE_LABELS, 'ERR_KEY_NOT_PRIVATE', none, 'RFC 7468 §10');
  return usable(() => createPrivateKey({ key: pem, format: 'pem' }), label, 'RFC 5958');
}

/** A public key from PEM: SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY", a certificate, or derived from a private key. */
export function readPublicKey(pem: string): KeyObject {
  const label = pemBlock(pem, PUBLIC_LABELS, 'ERR_KEY_MALFORMED', 'no key or certificate PEM block found', 'RFC 7468');
  return usable(() => createPublicKey({ key: pem, format: 'pem' }), label, 'RFC 5280 §4.1.2.7');
}

/** A key from a JWK (RFC 7517): private when it has `d` (or is `oct`), public otherwise. */
export function readJwk(jwk: JwkRecord): KeyObject {
  const source = { key: jwk as JsonWebKey, format: 'jwk' } as const;
  return recoded('ERR_JWK_MALFORMED', 'not a usable JWK', 'RFC 7517 §4', () =>
    (typeof jwk.d === 'string' ? createPrivateKey(source) : createPublicKey(source)));
}

/** Every form of a key pair, from a private key PEM. */
export function keyPairFromPem(privateKeyPem: string): GeneratedKeyPair {
  const privateKey = readPrivateKey(privateKeyPem);
  return keyPairFromPrivateKey(privateKey, createPublicKey(privateKey));
}

/** The JWK of a PEM key, as `eckles` prints it: private members when the PEM is a private key. */
export function pemToJwk(pem: string): JwkRecord {
  const key = pemLabels(pem).some((label) => PRIVATE_LABELS.includes(label)) ? readPrivateKey(pem) : readPublicKey(pem);
  const noJwk = `a ${key.asymmetricKeyType ?? 'key'} key has no JWK form`;
  return recoded('ERR_KEY_NO_JWK', noJwk, 'RFC 7518 §6', () => key.export({ format: 'jwk' }) as JwkRecord);
}
