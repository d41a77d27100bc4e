/**
 * Finding the key that verifies a client assertion: the client's `jwks`, or its `jwks_uri`
 * fetched over HTTP, cached, and fetched again when a `kid` is not found (OIDC Core §10.1.1).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CodedError } from '../errors.js';
import type { Jwk, RegisteredClient } from '../client-auth/types.js';
import { keyRequirementsOf, type AsymmetricAlgorithm } from './algorithms.js';

export interface ResolvedKeys {
  keys: Jwk[];
  source: 'jwks' | 'jwks_uri';
}

export interface JwksResolver {
  /** The client's keys. With `refresh`, a jwks_uri is fetched again (subject to a minimum interval). */
  keysFor(client: RegisteredClient, options?: { refresh?: boolean }): Promise<ResolvedKeys>;
}

export interface JwksResolverOptions {
  fetch?: typeof globalThis.fetch;
  /** How long a fetched JWK Set is used before it is fetched again (default 5 minutes). */
  cacheTtlMs?: number;
  /** The least time between two fetches of one URI, so an unknown kid cannot make us hammer it (default 5 s). */
  minRefreshIntervalMs?: number;
  timeoutMs?: number;
  /** The largest JWK Set document accepted (default 64 KiB). */
  maxBytes?: number;
  /** The most keys a set may hold (default 32). */
  maxKeys?: number;
  now?: () => number;
}

interface CacheEntry {
  keys: Jwk[];
  fetchedAt: number;
}

/** Checks the shape of a JWK Set (RFC 7517 §5) and returns its keys. */
export function readJwkSet(value: unknown, maxKeys = 32): Jwk[] {
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw new CodedError('ERR_JWKS_INVALID', 'a JWK Set is a JSON object with a "keys" array (RFC 7517 §5)', 'RFC 7517 §5');
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length > maxKeys) {
    throw new CodedError('ERR_JWKS_TOO_LARGE', `the JWK Set holds ${keys.length} keys, more than the ${maxKeys} allowed`);
  }
  keys.forEach((key, i) => {
    if (key === null || typeof key !== 'object' || typeof (key as { kty?: unknown }).kty !== 'string') {
      throw new CodedError('ERR_JWKS_INVALID', `key ${i} of the JWK Set has no "kty" member (RFC 7517 §4.1)`, 'RFC 7517 §4.1');
    }
  });
  return keys as Jwk[];
}

export function createJwksResolver(options: JwksResolverOptions = {}): JwksResolver {
  const doFetch = options.fetch ?? globalThis.fetch;
  const ttl = options.cacheTtlMs ?? 300_000;
  const minInterval = options.minRefreshIntervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 65_536;
  const maxKeys = options.maxKeys ?? 32;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<CacheEntry>>();

  async function fetchSet(uri: string): Promise<CacheEntry> {
    let response: Response;
    try {
      response = await doFetch(uri, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: 'error' });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      throw new CodedError('ERR_JWKS_FETCH', `the client's jwks_uri ${uri} could not be fetched: ${reason}`);
    }
    if (!response.ok) {
      throw new CodedError('ERR_JWKS_FETCH', `the client's jwks_uri ${uri} answered HTTP ${response.status}`);
    }
    const text = await readLimited(response, maxBytes, uri);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CodedError('ERR_JWKS_INVALID', `the client's jwks_uri ${uri} did not return JSON`, 'RFC 7517 §5');
    }
    return { keys: readJwkSet(json, maxKeys), fetchedAt: now() };
  }

  return {
    async keysFor(client, { refresh = false } = {}) {
      if (client.jwks !== undefined) return { keys: readJwkSet(client.jwks, maxKeys), source: 'jwks' };
      const uri = client.jwks_uri;
      if (uri === undefined) {
        throw new CodedError('ERR_CLIENT_NO_KEYS', `client '${client.client_id}' registered neither jwks nor jwks_uri`, 'RFC 7591 §2');
      }
      const cached = cache.get(uri);
      const age = cached === undefined ? Infinity : now() - cached.fetchedAt;
      if (cached !== undefined && age < ttl && (!refresh || age < minInterval)) return { keys: cached.keys, source: 'jwks_uri' };
      let pending = inFlight.get(uri);
      if (pending === undefined) {
        pending = fetchSet(uri).finally(() => inFlight.delete(uri));
        inFlight.set(uri, pending);
      }
      const entry = await pending;
      cache.set(uri, entry);
      return { keys: entry.keys, source: 'jwks_uri' };
    },
  };
}

async function readLimited(response: Response, maxBytes: number, uri: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    throw new CodedError('ERR_JWKS_TOO_LARGE', `the client's jwks_uri ${uri} returned ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new CodedError('ERR_JWKS_TOO_LARGE', `the client's jwks_uri ${uri} returned more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Keys that may verify a JWS with `alg` and `kid`, by kid, use, key_ops, alg and key type (RFC 7517 §4). */
export function selectVerificationKeys(keys: readonly Jwk[], alg: AsymmetricAlgorithm, kid: string | undefined): Jwk[] {
  const { kty, crv } = keyRequirementsOf(alg);
  return keys.filter(
    (key) =>
      (kid === undefined || key.kid === kid) &&
      (key.use === undefined || key.use === 'sig') &&
      (key.key_ops === undefined || key.key_ops.includes('verify')) &&
      (key.alg === undefined || key.alg === alg || (alg === 'Ed25519' && key.alg === 'EdDSA') || (alg === 'EdDSA' && key.alg === 'Ed25519')) &&
      key.kty === kty &&
      (crv === undefined || key.crv === crv),
  );
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Public key objects are cached by their JWK's content, so a request never re-parses a key it has seen. */
const keyObjects = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 1_000;
const keyObjectsByJwk = new WeakMap<Jwk, Pick<Jwk, 'kty' | 'crv' | 'x' | 'y' | 'n' | 'e'> & { key: KeyObject }>();

/** Turns a public JWK into a KeyObject. Private members are refused: a JWK Set is public (RFC 7517 §5). */
export function publicKeyFromJwk(jwk: Jwk): KeyObject {
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) {
    throw new CodedError('ERR_JWK_PRIVATE', 'the registered JWK contains private key members; register only the public key', 'RFC 7517 §5');
  }
  // The same JWK object as last time, with the same members (compared one by one, so a JWK changed in
  // place, as a learner swapping a key would, is read afresh); the content key below covers equal
  // keys in different objects (a re-registration, a fetched set).
  const byObject = keyObjectsByJwk.get(jwk);
  if (byObject !== undefined && byObject.kty === jwk.kty && byObject.crv === jwk.crv && byObject.x === jwk.x
    && byObject.y === jwk.y && byObject.n === jwk.n && byObject.e === jwk.e) return byObject.key;
  const cacheKey = JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e]);
  const cached = keyObjects.get(cacheKey);
  if (cached !== undefined) {
    rememberJwk(jwk, cached);
    return cached;
  }
  const { kty, crv, x, y, n, e } = jwk;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty, crv, x, y, n, e } as never, format: 'jwk' });
  } catch (error) {
    throw new CodedError('ERR_JWK_INVALID', `the registered JWK is not a valid public key: ${(error as Error).message}`, 'RFC 7518 §6');
  }
  if (keyObjects.size >= KEY_CACHE_LIMIT) keyObjects.delete(keyObjects.keys().next().value as string);
  keyObjects.set(cacheKey, key);
  rememberJwk(jwk, key);
  return key;
}

function rememberJwk(jwk: Jwk, key: KeyObject): void {
  const { kty, crv, x, y, n, e } = jwk;
  keyObjectsByJwk.set(jwk, { key, kty, crv, x, y, n, e });
}

const keySizes = new WeakMap<KeyObject, number>();

/** The size of a key in bits: the modulus for RSA, the curve's field for EC and OKP. */
export function keySizeInBits(key: KeyObject): number {
  let bits = keySizes.get(key);
  if (bits === undefined) {
    bits = computeKeySizeInBits(key);
    keySizes.set(key, bits);
  }
  return bits;
}

function computeKeySizeInBits(key: KeyObject): number {
  const details = key.asymmetricKeyDetails;
  if (details?.modulusLength !== undefined) return details.modulusLength;
  switch (details?.namedCurve) {
    case 'prime256v1':
    case 'P-256':
      return 256;
    case 'secp384r1':
    case 'P-384':
      return 384;
    case 'secp521r1':
    case 'P-521':
      return 521;
    default:
      return key.asymmetricKeyType === 'ed25519' ? 256 : key.asymmetricKeyType === 'ed448' ? 456 : 0;
  }
}
