/**
 * The claims of a client assertion for private_key_jwt / client_secret_jwt (RFC 7523 §3 and §2.2,
 * OpenID Connect Core §9): iss and sub are the client_id, aud the authorization server, plus jti,
 * iat and a short exp.
 */
import { randomUUID } from 'node:crypto';
import { CLIENT_AUTHENTICATION_JWT_TYPE } from '../assertions/client-assertion.js';
import type { JwkRecord } from '../keys/generate.js';
import { JoseMakeError } from './errors.js';
import { signCompactJws } from './sign.js';

export interface ClientAssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL or the issuer identifier of the authorization server. */
  audience: string;
  /** When the assertion is made (default: now). */
  now?: Date;
  /** Seconds until exp (default 300). */
  lifetimeSeconds?: number;
  /** Default: a random UUID. */
  jti?: string;
}

/** The claim set, with every rule from RFC 7523 §3 that a maker controls. */
export function clientAssertionClaims(options: ClientAssertionOptions): ClientAssertionClaims {
  // RFC 7523 §3 (1)(2): iss and sub are both the client_id (§3 of RFC 7523 as profiled by §2.2).
  if (options.clientId === '') throw new JoseMakeError('ERR_CLIENT_ID_MISSING', 'client_id is empty', 'RFC 7523 §3 (2)');
  // RFC 7523 §3 (3): aud identifies the authorization server.
  if (options.audience === '') throw new JoseMakeError('ERR_AUDIENCE_MISSING', 'aud is empty', 'RFC 7523 §3 (3)');
  const lifetime = options.lifetimeSeconds ?? 300;
  // RFC 7523 §3 (4): exp limits the time window; it must be after iat.
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new JoseMakeError('ERR_LIFETIME', `lifetime ${lifetime} s is not a positive whole number`, 'RFC 7523 §3 (4)');
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return { iss: options.clientId, sub: options.clientId, aud: options.audience, jti: options.jti ?? randomUUID(), iat, exp: iat + lifetime };
}

/** A signed client assertion (compact JWS over the claims above). */
export async function signClientAssertion(options: ClientAssertionOptions & { jwk: JwkRecord; alg?: string }): Promise<{ assertion: string; claims: ClientAssertionClaims }> {
  const claims = clientAssertionClaims(options);
  const assertion = await signCompactJws({ payload: { ...claims }, jwk: options.jwk, ...(options.alg === undefined ? {} : { alg: options.alg }), header: { typ: CLIENT_AUTHENTICATION_JWT_TYPE } });
  return { assertion, claims };
}
