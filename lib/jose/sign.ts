/** Making a compact JWS (RFC 7515 §7.1) with jose, like mkjose / jose-generator. */
import { CompactSign, importJWK, type JWK } from 'jose';
import type { JwkRecord } from '../keys/generate.js';
import { assertAlgorithmFitsKey, defaultAlgorithm } from './algorithms.js';
import { JoseMakeError } from './errors.js';

export interface SignJwsOptions {
  /** Bytes or text to sign; objects are serialised as JSON. */
  payload: Uint8Array | string | Record<string, unknown>;
  /** Signing key as a JWK (private for asymmetric algorithms). */
  jwk: JwkRecord;
  /** Default: the JWK's alg, or the usual alg for its key type. */
  alg?: string;
  /** Extra protected header members (typ, cty …). `kid` is taken from the JWK when it has one. */
  header?: Record<string, unknown>;
}

/** Signs and returns header.payload.signature. */
export async function signCompactJws(options: SignJwsOptions): Promise<string> {
  const alg = options.alg ?? defaultAlgorithm(options.jwk);
  assertAlgorithmFitsKey(alg, options.jwk);
  // Asymmetric algorithms sign with the private key, which has "d" (RFC 7518 §6.2.2, §6.3.2).
  if (options.jwk.kty !== 'oct' && typeof options.jwk.d !== 'string') {
    throw new JoseMakeError('ERR_JWK_NOT_PRIVATE', 'signing needs the private JWK (the one with "d")', 'RFC 7518 §6');
  }
  const payload = options.payload instanceof Uint8Array ? options.payload : new TextEncoder().encode(typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload));
  const header: Record<string, unknown> = { alg, ...(typeof options.jwk.kid === 'string' ? { kid: options.jwk.kid } : {}), ...options.header };
  try {
    const { kid: _kid, x5c: _x5c, ...keyOnly } = options.jwk;
    const key = await importJWK(keyOnly as JWK, alg);
    return await new CompactSign(payload).setProtectedHeader(header as { alg: string }).sign(key);
  } catch (error) {
    throw new JoseMakeError('ERR_JWS_SIGN', `jose could not sign: ${(error as Error).message}`, 'RFC 7515 §5.1');
  }
}
