/**
 * Exercise 03-make-assertion: authenticate with private_key_jwt by signing a client assertion.
 *
 * Story: your backend holds an EC private key; the authorization server has its public half (the
 * client registered `jwks`). Instead of a secret, each token request carries a short-lived JWT the
 * client signs (RFC 7523 §2.2, OIDC Core §9). The claims are fixed by RFC 7523 §3:
 *
 * - `iss` and `sub`: both the client_id (§3 (1), (2));
 * - `aud`: identifies the authorization server, here its token endpoint URL (§3 (3));
 * - `exp`: a short lifetime after `iat` (§3 (4)); the lab refuses more than 3,600 s by default, and a minute or two is plenty;
 * - `iat`: now, in seconds since the epoch (§3 (6));
 * - `jti`: unique per assertion, so the server can refuse a replay (§3 (7)).
 *
 * The request then carries two form parameters (RFC 7521 §4.2): `client_assertion_type` with the value
 * `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, and `client_assertion` with the JWT.
 * Signing is done for you with the lib's `signCompactJws`.
 */
import { randomUUID } from 'node:crypto';
import { signCompactJws, type JwkRecord } from '@client-auth-lab/lib';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
}

export function assertionClaims(clientId: string, tokenEndpoint: string, now: Date, lifetimeSeconds = 60): AssertionClaims {
  const iat = Math.floor(now.getTime() / 1000);
  // TODO: return the RFC 7523 §3 claims: iss and sub = clientId, aud = tokenEndpoint,
  // iat, exp = iat + lifetimeSeconds, and a fresh jti (randomUUID()).
  throw new Error(`TODO: the claims of ${clientId}'s assertion issued at ${iat}`);
}

/** The form parameters that authenticate the client (add grant_type and the rest yourself). */
export async function clientAssertionParameters(clientId: string, tokenEndpoint: string, privateJwk: JwkRecord, now = new Date()): Promise<Record<string, string>> {
  const assertion = await signCompactJws({ payload: { ...assertionClaims(clientId, tokenEndpoint, now) }, jwk: privateJwk });
  // TODO: return client_assertion_type and client_assertion (RFC 7521 §4.2).
  throw new Error(`TODO: put the signed assertion (${assertion.length} characters) into form parameters`);
}
