/**
 * Chapter 08 · A client the FAPI 2.0 lab accepts
 *
 * Start the lab with `--profile fapi2` and most clients you have built so far are turned away.
 * The FAPI 2.0 Security Profile allows only private_key_jwt and the two mutual-TLS methods
 * (§5.3.2.1 (3), (6)), signed with PS256, ES256 or EdDSA (§5.4.1), with RSA keys of 2048 bits or
 * more and elliptic-curve keys of 224 bits or more (§5.4), and it makes the server accept one audience
 * only: its issuer identifier, as a plain string (§5.3.2.1 (8)). RFC 10070 §4
 * asks for the issuer as the sole value too but also allows a one-member array; FAPI 2.0 narrows it to
 * a string. The token endpoint URL, accepted by most servers, is refused.
 *
 * Write the three pieces; the rest (registration over HTTP, signing, the token request) is done below.
 * 1. fapi2SigningKey: a new key pair as JWKs, restricted to one FAPI 2.0 algorithm with its `alg`
 *    member (`generateJwk` from the lib makes one, RFC 7517 §4.4).
 * 2. fapi2ClientMetadata: the registration request (RFC 7591 §2): token_endpoint_auth_method
 *    private_key_jwt, token_endpoint_auth_signing_alg equal to the key's alg, the public key only in
 *    `jwks`, and grant_types [client_credentials].
 * 3. fapi2AssertionClaims: the claims of the client assertion (RFC 7523 §3): iss and sub the
 *    client_id, aud the issuer identifier, a fresh jti, iat now, and exp a short time later (a minute
 *    is plenty; the lab allows an hour at most).
 */
import { randomUUID } from 'node:crypto';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, generateJwk, signCompactJws, type GeneratedJwk, type JwkRecord } from '@client-auth-lab/lib';

/** 1. A key pair for PS256, ES256 or EdDSA, with `alg` set. */
export function fapi2SigningKey(): GeneratedJwk {
  // ES256 on P-256: a 256-bit curve, above FAPI 2.0's 224 (§5.4), in the §5.4.1 list.
  return generateJwk({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
}

/** 2. The registration request for a private_key_jwt client with this public key. */
export function fapi2ClientMetadata(publicJwk: JwkRecord): Record<string, unknown> {
  return {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: publicJwk.alg,
    jwks: { keys: [publicJwk] },
    grant_types: ['client_credentials'],
  };
}

/** 3. The claims of a client assertion for the FAPI 2.0 server `issuer`, made at `nowSeconds`. */
export function fapi2AssertionClaims(clientId: string, issuer: string, nowSeconds: number): Record<string, unknown> {
  // FAPI 2.0 §5.3.2.1 (8): the issuer identifier as the only audience, a plain string, not an array.
  return { iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: nowSeconds, exp: nowSeconds + 60 };
}

export interface Fapi2Endpoints {
  /** The authorization server's issuer identifier (RFC 8414 §2). */
  issuer: string;
  registration: string;
  token: string;
}

export interface Fapi2Client {
  clientId: string;
  key: GeneratedJwk;
  /** The server's registration response. */
  registered: Record<string, unknown>;
}

/** Registers a new client (RFC 7591 §3.1) and keeps its key. */
export async function registerFapi2Client(endpoints: Fapi2Endpoints): Promise<Fapi2Client> {
  const key = fapi2SigningKey();
  const response = await fetch(endpoints.registration, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(fapi2ClientMetadata(key.public)),
  });
  const registered = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) {
    throw new Error(`registration refused (${response.status}): ${String(registered.error)}: ${String(registered.error_description)}`);
  }
  return { clientId: String(registered.client_id), key, registered };
}

/** Signs an assertion and asks for a token with client_credentials (RFC 6749 §4.4, RFC 7523 §2.2). */
export async function requestFapi2Token(endpoints: Fapi2Endpoints, client: Fapi2Client): Promise<{ status: number; body: Record<string, unknown>; assertion: string }> {
  const claims = fapi2AssertionClaims(client.clientId, endpoints.issuer, Math.floor(Date.now() / 1000));
  const assertion = await signCompactJws({ payload: claims, jwk: client.key.private });
  const response = await fetch(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, assertion };
}
