/**
 * Chapter 09 · private_key_jwt end to end, by hand
 *
 * The whole walk-through in one file, with node:crypto only: no JOSE library signs for you.
 * 1. makeClientKey: a new EC P-256 key pair. The public half as a JWK (RFC 7517 §4, RFC 7518 §6.2)
 *    with kid, use "sig" and alg "ES256"; the private half stays a KeyObject and never leaves the client.
 * 2. clientRegistration: the registration request (RFC 7591 §2): token_endpoint_auth_method
 *    private_key_jwt, token_endpoint_auth_signing_alg ES256, jwks with the public JWK, and
 *    grant_types [client_credentials].
 * 3. assertionClaims: iss = sub = client_id (RFC 7523 §3 (1), (2)), aud the token endpoint URL
 *    (OIDC Core §9), a fresh unique jti (§3 (7)), iat now and exp at most 300 s later (§3 (4)).
 * 4. signEs256: the compact JWS (RFC 7515 §7.1): BASE64URL(header) '.' BASE64URL(payload) '.'
 *    BASE64URL(signature), where the header is {"alg":"ES256","kid":…} and the signature is taken over
 *    the ASCII of the first two parts. Careful: node:crypto signs ECDSA in DER by default; JWS wants
 *    the 64 octets R ‖ S (RFC 7518 §3.4), which node writes with dsaEncoding 'ieee-p1363'.
 * 5. tokenRequestForm: client_credentials (RFC 6749 §4.4.2) with client_assertion_type
 *    urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion (RFC 7523 §2.2).
 * `getTokenWithPrivateKeyJwt` below runs the five steps against a server.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface ClientKey {
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  jti: string;
  iat: number;
  exp: number;
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** 1. A new P-256 key pair; the public half as a JWK with kid, use and alg. */
export function makeClientKey(): ClientKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'ES256' };
  return { privateKey, publicJwk };
}

/** 2. The registration request for this public key. */
export function clientRegistration(publicJwk: Record<string, unknown>): Record<string, unknown> {
  return {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [publicJwk] },
    grant_types: ['client_credentials'],
  };
}

/** 3. The claims, made at `nowSeconds`, for the server whose token endpoint is `audience`. */
export function assertionClaims(clientId: string, audience: string, nowSeconds: number): AssertionClaims {
  return { iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat: nowSeconds, exp: nowSeconds + 60 };
}

/** 4. The compact JWS of `claims`, signed ES256 with `privateKey`, with `kid` in the header. */
export function signEs256(claims: AssertionClaims, privateKey: KeyObject, kid: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'ES256', kid })}.${encode(claims)}`;
  // RFC 7518 §3.4: R ‖ S, 32 octets each, not the DER SEQUENCE node:crypto writes by default.
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** 5. The token request's form parameters, in order. */
export function tokenRequestForm(assertion: string): [string, string][] {
  return [
    ['grant_type', 'client_credentials'],
    ['client_assertion_type', JWT_BEARER],
    ['client_assertion', assertion],
  ];
}

export interface PrivateKeyJwtEndpoints {
  registration: string;
  token: string;
}

export interface PrivateKeyJwtRun {
  clientId: string;
  /** The assertion sent, to look at (or to try again, and see it refused). */
  assertion: string;
  status: number;
  body: Record<string, unknown>;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sends an application/x-www-form-urlencoded body (RFC 6749 Appendix B) and reads the JSON answer. */
export async function postForm(url: string, form: [string, string][]): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Key, registration, assertion, token request: the five steps in order. */
export async function getTokenWithPrivateKeyJwt(endpoints: PrivateKeyJwtEndpoints): Promise<PrivateKeyJwtRun> {
  const key = makeClientKey();
  const registered = await postJson(endpoints.registration, clientRegistration(key.publicJwk));
  if (registered.status !== 201) {
    throw new Error(`registration refused (${registered.status}): ${String(registered.body.error)}: ${String(registered.body.error_description)}`);
  }
  const clientId = String(registered.body.client_id);
  const claims = assertionClaims(clientId, endpoints.token, Math.floor(Date.now() / 1000));
  const assertion = signEs256(claims, key.privateKey, String(key.publicJwk.kid));
  const answer = await postForm(endpoints.token, tokenRequestForm(assertion));
  return { clientId, assertion, ...answer };
}
