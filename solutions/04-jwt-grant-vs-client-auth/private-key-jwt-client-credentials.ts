/**
 * Chapter 04 · The other use of a JWT: authenticating the client (private_key_jwt)
 *
 * Same format, different job. In a client_credentials request (RFC 6749 §4.4) the client asks for a
 * token for itself, and the JWT it sends is a client assertion (RFC 7523 §2.2): it proves the
 * request comes from the client, so iss and sub are both the client_id (RFC 7523 §3 (1), (2)(B)).
 * There is no resource owner and no `assertion` parameter here.
 *
 * Build and send that request:
 * - the client assertion: iss = sub = client_id, aud = the issuer identifier (the one value every
 *   server accepts, and the only one RFC 10070 §4 allows), iat = now, exp a few
 *   minutes later, a fresh jti; signed with the client's private JWK (`signCompactJws`). The header's
 *   typ may be left out; the draft recommends 'client-authentication+jwt'
 *   (CLIENT_AUTHENTICATION_JWT_TYPE in the lib). The lab also takes typ "JWT", but refuses any other
 *   explicit type (dpop+jwt, at+jwt …), since a JWT typed for another use must not pass as one;
 * - POST to the token endpoint, application/x-www-form-urlencoded: grant_type=client_credentials,
 *   client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer,
 *   client_assertion=<the JWT> (RFC 7523 §2.2; OpenID Connect Core §9), and scope when one is given;
 * - no secret anywhere: private_key_jwt clients have none;
 * - resolve with the status and the JSON body, whatever the status.
 */
import { randomUUID } from 'node:crypto';
import { signCompactJws, type JwkRecord } from '@client-auth-lab/lib';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface PrivateKeyJwtRequest {
  tokenEndpoint: string;
  /** The authorization server's issuer identifier (RFC 8414 §2): the assertion's audience. */
  issuer: string;
  clientId: string;
  /** The client's private signing key (a JWK with d and kid), whose public half the client registered. */
  signingKey: JwkRecord;
  /** Space-separated scope values, when the client asks for some. */
  scope?: string;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Requests a client_credentials token, authenticating with private_key_jwt. */
export async function requestClientCredentialsWithPrivateKeyJwt(request: PrivateKeyJwtRequest): Promise<TokenAnswer> {
  const iat = Math.floor(Date.now() / 1000);
  // RFC 7523 §3 (2)(B): for client authentication, sub is the client itself.
  const claims = { iss: request.clientId, sub: request.clientId, aud: request.issuer, iat, exp: iat + 300, jti: randomUUID() };
  const clientAssertion = await signCompactJws({ payload: claims, jwk: request.signingKey });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion });
  if (request.scope !== undefined) form.set('scope', request.scope);
  const response = await fetch(request.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
