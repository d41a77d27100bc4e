// Shared fixtures for lib tests: a server context with a frozen clock, and real signed assertions.
import { generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  createJwksResolver,
  fixedClock,
  InMemoryReplayStore,
  type AuthorizationServerContext,
  type ClientAuthRequest,
  type Jwk,
} from '../../lib/index.js';

export const ISSUER = 'https://as.example.com';
export const TOKEN_ENDPOINT = 'https://as.example.com/token';
/** 2026-01-01T00:00:00Z, the instant every test's clock is frozen at. */
export const NOW = 1_767_225_600;

export function serverContext(overrides: Partial<AuthorizationServerContext> = {}): AuthorizationServerContext {
  return {
    issuer: ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    audiencePolicy: 'interop',
    clock: fixedClock(NOW * 1000),
    replayStore: new InMemoryReplayStore(),
    jwks: createJwksResolver(),
    ...overrides,
  };
}

export type KeyAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export interface TestKey {
  alg: KeyAlg;
  privateKey: KeyObject;
  publicJwk: Jwk;
}

const cache = new Map<string, TestKey>();

/** A real key pair for `alg`, made once per test run. */
export function keyFor(alg: KeyAlg, options: { rsaBits?: number; kid?: string } = {}): TestKey {
  const id = `${alg}:${options.rsaBits ?? ''}:${options.kid ?? ''}`;
  const found = cache.get(id);
  if (found) return found;
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (alg.startsWith('RS') || alg.startsWith('PS')) pair = generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048 });
  else if (alg === 'EdDSA') pair = generateKeyPairSync('ed25519');
  else pair = generateKeyPairSync('ec', { namedCurve: ({ ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as Record<string, string>)[alg] as string });
  const publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: options.kid ?? `${alg.toLowerCase()}-key`, use: 'sig' } as Jwk;
  const key = { alg, privateKey: pair.privateKey, publicJwk };
  cache.set(id, key);
  return key;
}

export function assertionClaims(clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: clientId, sub: clientId, aud: TOKEN_ENDPOINT, jti: randomUUID(), iat: NOW, exp: NOW + 60, ...overrides };
}

/** Signs `claims` as a compact JWS with `key` (a private KeyObject, or a secret string for HS*). */
export async function sign(claims: Record<string, unknown>, alg: string, key: KeyObject | string, header: Record<string, unknown> = {}): Promise<string> {
  const signingKey = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  const drop = Object.entries(claims).filter(([, v]) => v === undefined).map(([k]) => k);
  const payload = Object.fromEntries(Object.entries(claims).filter(([k]) => !drop.includes(k)));
  return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(signingKey);
}

export function assertionRequest(assertion: string, extra: Record<string, string> = {}): ClientAuthRequest {
  return {
    headers: {},
    body: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      ...extra,
    },
    endpointUrl: TOKEN_ENDPOINT,
  };
}

/** Runs `promise` and returns the error it rejects with (failing the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; error: string; status: number; message: string; checks: { name: string; passed: boolean }[]; wwwAuthenticate?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/**
 * Signs a compact JWS with node:crypto directly, for headers, payloads and keys that jose refuses to
 * produce (crit, a numeric kid, a 1024-bit RSA key, hostile claims).
 */
export function forgeJws(header: Record<string, unknown>, payload: unknown, key: { alg: string; privateKey: KeyObject }): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const hash = `sha${key.alg.slice(2)}`;
  const options = key.alg.startsWith('ES') ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey;
  return `${h}.${p}.${cryptoSign(hash, Buffer.from(`${h}.${p}`), options).toString('base64url')}`;
}
