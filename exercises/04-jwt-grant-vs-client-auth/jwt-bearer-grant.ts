/**
 * Chapter 04 · A JWT as the authorization grant (RFC 7523 §2.1)
 *
 * RFC 7523 uses JWTs in two unrelated places. As a client assertion (§2.2) a JWT authenticates the
 * client: iss = sub = client_id. As an authorization grant (§2.1), the subject of this exercise, a
 * JWT asks for a token on behalf of someone: sub names the resource owner (RFC 7523 §3 (2)(A)), and
 * iss is whoever vouches for that user, here the client itself, signing with a key it registered.
 * The two are orthogonal: the client still authenticates by its own registered method, here
 * client_secret_basic (RFC 6749 §2.3.1).
 *
 * Build and send that request:
 * - the grant JWT: iss = the client_id, sub = the lab user, aud = the issuer identifier, iat = now,
 *   exp a few minutes later, and a fresh jti for each assertion (RFC 7523 §3 (3), (4), (7));
 *   sign it with the client's private JWK (`signCompactJws` from the lib does the JWS part);
 * - POST to the token endpoint, application/x-www-form-urlencoded:
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and assertion=<the JWT> (RFC 7523 §2.1);
 * - authenticate the client with an Authorization: Basic header (`encodeClientSecretBasic`),
 *   never with the secret in the body;
 * - resolve with the status and the JSON body, whatever the status.
 */
import { randomUUID } from 'node:crypto';
import { encodeClientSecretBasic, signCompactJws, type JwkRecord } from '@client-auth-lab/lib';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface JwtGrantRequest {
  /** The token endpoint URL, where the request goes. */
  tokenEndpoint: string;
  /** The authorization server's issuer identifier (RFC 8414 §2): the grant's audience. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The client's private signing key (a JWK with d and kid); its public half is in the client's registered jwks. */
  signingKey: JwkRecord;
  /** The resource owner the token is for, e.g. the lab user 'alice'. */
  user: string;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Requests a token for `user` with the RFC 7523 §2.1 JWT grant. */
export async function requestTokenWithJwtGrant(request: JwtGrantRequest): Promise<TokenAnswer> {
  // TODO: build the claims (iss, sub, aud, iat, exp, jti with randomUUID()), sign them with
  // signCompactJws({ payload, jwk: request.signingKey }), then POST the form with fetch and a
  // Basic authorization header, and return { status, body }.
  throw new Error('TODO: build the grant JWT and send the jwt-bearer token request');
}
