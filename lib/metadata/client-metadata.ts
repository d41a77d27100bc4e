/**
 * Validating client metadata at registration (RFC 7591 §2, OIDC Dynamic Client Registration §2,
 * RFC 8705 §2.1.2). Every refusal is `invalid_client_metadata` (or `invalid_redirect_uri`) with a
 * description naming the rule (RFC 7591 §3.2.2).
 */
import { OAuthError } from '../errors.js';
import { TOKEN_ENDPOINT_AUTH_METHODS, type Jwk, type RegisteredClient, type TokenEndpointAuthMethod } from '../client-auth/types.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, isAsymmetricAlgorithm, isHmacAlgorithm } from '../assertions/algorithms.js';
import { keySizeInBits, publicKeyFromJwk, readJwkSet } from '../assertions/keys.js';
import { clientTypeOf, GRANT_TYPES, isGrantAllowedFor } from '../flows/client-types.js';
import { checkFapiClientAuthentication, type FapiProfile } from '../profiles/fapi.js';
import { TLS_CLIENT_AUTH_FIELDS } from '../mtls/tls-client-auth-fields.js';
import { parseIpAddress } from '../mtls/ip-address.js';
import { parseDistinguishedName, readCertificate } from '../x509/index.js';
import type { CodedError } from '../errors.js';

/** The named members of a type, leaving out its index signature (Omit<> over one keeps only the signature). */
type NamedKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: unknown };
export type ClientMetadata = Pick<RegisteredClient, Exclude<NamedKeys<RegisteredClient>, 'client_id' | 'client_secret' | 'client_secret_expires_at'>> & {
  [member: string]: unknown;
};

export interface ClientMetadataPolicy {
  profile?: FapiProfile;
  /** Methods the server supports (default: all seven). */
  supportedMethods?: readonly TokenEndpointAuthMethod[];
  /** Assertion signing algorithms the server supports (default: all HMAC and asymmetric ones). */
  supportedSigningAlgs?: readonly string[];
}

const SECRET_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

/** Whether the server must issue a client_secret to a client using `method` (RFC 7591 §3.2.1). */
export function methodNeedsSecret(method: TokenEndpointAuthMethod): boolean {
  return SECRET_METHODS.includes(method);
}

function invalid(code: string, description: string, spec: string, error: 'invalid_client_metadata' | 'invalid_redirect_uri' = 'invalid_client_metadata'): never {
  // Some descriptions (client-type decisions) already end with their rule; do not cite it twice.
  const text = description.endsWith(`(${spec})`) ? description : `${description} (${spec})`;
  throw new OAuthError(error, code, text, { spec, status: 400 });
}

function stringArray(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    invalid('ERR_METADATA_TYPE', `${name} must be an array of strings`, 'RFC 7591 §2');
  }
  return value as string[];
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) invalid('ERR_METADATA_TYPE', `${name} must be a non-empty string`, 'RFC 7591 §2');
  return value;
}

function absoluteUrl(value: string, name: string): URL {
  try {
    return new URL(value);
  } catch {
    return invalid('ERR_METADATA_URL', `${name} '${value}' is not an absolute URL`, 'RFC 7591 §2');
  }
}

/**
 * Checks registration metadata and returns it with the RFC 7591 §2 defaults filled in
 * (token_endpoint_auth_method client_secret_basic, grant_types [authorization_code], response_types [code]).
 */
export function validateClientMetadata(input: unknown, policy: ClientMetadataPolicy = {}): ClientMetadata {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    invalid('ERR_METADATA_NOT_OBJECT', 'the registration request body must be a JSON object of client metadata', 'RFC 7591 §3.1');
  }
  const m = input as Record<string, unknown>;
  const supported = policy.supportedMethods ?? TOKEN_ENDPOINT_AUTH_METHODS;

  // token_endpoint_auth_method (RFC 7591 §2; OIDC Registration §2: default client_secret_basic)
  const method = (optionalString(m.token_endpoint_auth_method, 'token_endpoint_auth_method') ?? 'client_secret_basic') as TokenEndpointAuthMethod;
  if (!supported.includes(method)) {
    invalid('ERR_METADATA_METHOD', `token_endpoint_auth_method '${method}' is not supported; supported: ${supported.join(', ')}`, 'RFC 7591 §2');
  }

  // grant_types and response_types, with defaults and their correspondence (RFC 7591 §2.1)
  const grantTypes = stringArray(m.grant_types, 'grant_types') ?? [GRANT_TYPES.authorization_code];
  const responseTypes = stringArray(m.response_types, 'response_types') ?? (grantTypes.includes(GRANT_TYPES.authorization_code) ? ['code'] : []);
  if (responseTypes.some((r) => r.split(' ').includes('code')) && !grantTypes.includes(GRANT_TYPES.authorization_code)) {
    invalid('ERR_METADATA_GRANT_RESPONSE', 'response_type code requires grant_type authorization_code', 'RFC 7591 §2.1');
  }
  if (responseTypes.some((r) => r.split(' ').includes('token')) && !grantTypes.includes(GRANT_TYPES.implicit)) {
    invalid('ERR_METADATA_GRANT_RESPONSE', 'response_type token requires grant_type implicit', 'RFC 7591 §2.1');
  }

  // client type × grant (RFC 6749 §4.4, CIBA Core §7.1)
  const type = clientTypeOf({ token_endpoint_auth_method: method });
  for (const grant of grantTypes) {
    const decision = isGrantAllowedFor(type, grant);
    if (!decision.allowed) invalid('ERR_METADATA_PUBLIC_GRANT', `a public client (token_endpoint_auth_method none) cannot use ${grant}: ${decision.detail}`, decision.spec);
  }

  // redirect_uris: required for redirect-based flows (RFC 6749 §3.1.2.2), absolute and without fragment (§3.1.2)
  const redirectUris = stringArray(m.redirect_uris, 'redirect_uris');
  const redirecting = grantTypes.includes(GRANT_TYPES.authorization_code) || grantTypes.includes(GRANT_TYPES.implicit);
  if (redirecting && (redirectUris === undefined || redirectUris.length === 0)) {
    invalid('ERR_METADATA_REDIRECT_URIS', 'redirect_uris is required for the authorization_code and implicit grant types', 'RFC 6749 §3.1.2.2', 'invalid_redirect_uri');
  }
  for (const uri of redirectUris ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.hash !== '' || uri.includes('#')) {
      invalid('ERR_METADATA_REDIRECT_URI', `redirect URI '${uri}' must be absolute and carry no fragment`, 'RFC 6749 §3.1.2', 'invalid_redirect_uri');
    }
  }

  // keys: jwks or jwks_uri, never both (RFC 7591 §2)
  if (m.jwks !== undefined && m.jwks_uri !== undefined) {
    invalid('ERR_METADATA_JWKS_BOTH', 'jwks and jwks_uri MUST NOT both be present', 'RFC 7591 §2');
  }
  const jwksUri = optionalString(m.jwks_uri, 'jwks_uri');
  if (jwksUri !== undefined && !['https:', 'http:'].includes(absoluteUrl(jwksUri, 'jwks_uri').protocol)) {
    invalid('ERR_METADATA_URL', `jwks_uri '${jwksUri}' must be an http(s) URL`, 'RFC 7591 §2');
  }
  let keys: Jwk[] | undefined;
  if (m.jwks !== undefined) {
    try {
      keys = readJwkSet(m.jwks);
      keys.forEach((key) => publicKeyFromJwk(key));
    } catch (error) {
      const coded = error as CodedError;
      invalid(coded.code === 'ERR_JWK_PRIVATE' ? 'ERR_METADATA_JWKS_PRIVATE' : 'ERR_METADATA_JWKS', `jwks is not a usable public JWK Set: ${coded.message}`, coded.spec ?? 'RFC 7517 §5');
    }
  }
  if ((method === 'private_key_jwt' || method === 'self_signed_tls_client_auth') && keys === undefined && jwksUri === undefined) {
    invalid('ERR_METADATA_KEYS_REQUIRED', `${method} needs the client's public keys: register jwks or jwks_uri`, method === 'private_key_jwt' ? 'OIDC Core §9' : 'RFC 8705 §2.2.2');
  }
  if (method === 'self_signed_tls_client_auth' && keys !== undefined) {
    const withCertificates = keys.filter((key) => Array.isArray(key.x5c) && key.x5c.length > 0);
    if (withCertificates.length === 0) {
      invalid('ERR_METADATA_X5C_REQUIRED', 'self_signed_tls_client_auth needs the certificate itself: put it in x5c of a key in jwks', 'RFC 8705 §2.2.2; RFC 7517 §4.7');
    }
    for (const key of withCertificates) checkX5cMatchesKey(key);
  }

  // tls_client_auth_*: exactly one, and only for tls_client_auth (RFC 8705 §2.1.2)
  const tlsFields = TLS_CLIENT_AUTH_FIELDS.filter((f) => m[f] !== undefined);
  for (const field of tlsFields) optionalString(m[field], field);
  if (method === 'tls_client_auth' && tlsFields.length !== 1) {
    invalid('ERR_METADATA_TLS_FIELDS', `a tls_client_auth client must register exactly one of ${TLS_CLIENT_AUTH_FIELDS.join(', ')}; this request has ${tlsFields.length}`, 'RFC 8705 §2.1.2');
  }
  if (method !== 'tls_client_auth' && tlsFields.length > 0) {
    invalid('ERR_METADATA_TLS_FIELDS', `${tlsFields.join(', ')} only apply to token_endpoint_auth_method tls_client_auth, not ${method}`, 'RFC 8705 §2.1.2');
  }
  if (m.tls_client_auth_san_ip !== undefined && parseIpAddress(m.tls_client_auth_san_ip as string) === undefined) {
    invalid('ERR_METADATA_SAN_IP', `tls_client_auth_san_ip '${String(m.tls_client_auth_san_ip)}' is not an IPv4 or IPv6 address`, 'RFC 8705 §2.1.2; RFC 5952');
  }
  if (m.tls_client_auth_subject_dn !== undefined) {
    try {
      parseDistinguishedName(m.tls_client_auth_subject_dn as string);
    } catch (error) {
      invalid('ERR_METADATA_SUBJECT_DN', `tls_client_auth_subject_dn is not an RFC 4514 string: ${(error as Error).message}`, 'RFC 8705 §2.1.2; RFC 4514');
    }
  }

  // token_endpoint_auth_signing_alg (OIDC Registration §2)
  const alg = optionalString(m.token_endpoint_auth_signing_alg, 'token_endpoint_auth_signing_alg');
  const supportedAlgs = policy.supportedSigningAlgs ?? [...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS];
  if (alg !== undefined) {
    if (alg === 'none') invalid('ERR_METADATA_ALG_NONE', 'token_endpoint_auth_signing_alg none MUST NOT be used', 'OIDC Dynamic Client Registration §2');
    if (method !== 'client_secret_jwt' && method !== 'private_key_jwt') {
      invalid('ERR_METADATA_ALG_METHOD', `token_endpoint_auth_signing_alg applies only to client_secret_jwt and private_key_jwt, not ${method}`, 'OIDC Dynamic Client Registration §2');
    }
    if (method === 'private_key_jwt' && !isAsymmetricAlgorithm(alg)) {
      invalid('ERR_METADATA_ALG_METHOD', `private_key_jwt needs an asymmetric algorithm; ${alg} is not one`, 'OIDC Core §9');
    }
    if (method === 'client_secret_jwt' && !isHmacAlgorithm(alg)) {
      invalid('ERR_METADATA_ALG_METHOD', `client_secret_jwt needs an HMAC algorithm (HS256/HS384/HS512); ${alg} is not one`, 'OIDC Core §9');
    }
    if (!supportedAlgs.includes(alg)) invalid('ERR_METADATA_ALG_UNSUPPORTED', `token_endpoint_auth_signing_alg ${alg} is not supported by this server`, 'OIDC Dynamic Client Registration §2');
  }

  // FAPI profile rules (FAPI 1.0 Part 1/2 §5.2.2, FAPI 2.0 §5.3.2.1, §5.4)
  if (policy.profile !== undefined) {
    const violations = checkFapiClientAuthentication(policy.profile, { method, ...(alg === undefined ? {} : { alg }) });
    for (const key of keys ?? []) {
      if (key.use !== undefined && key.use !== 'sig') continue;
      const keyObject = publicKeyFromJwk(key);
      violations.push(...checkFapiClientAuthentication(policy.profile, { key: { type: key.kty as 'RSA', bits: keySizeInBits(keyObject) } }));
    }
    const [first] = violations;
    if (first !== undefined) invalid(`ERR_PROFILE_${first.rule.toUpperCase()}`, first.detail, first.spec);
  }

  const bound = m.tls_client_certificate_bound_access_tokens;
  if (bound !== undefined && typeof bound !== 'boolean') {
    invalid('ERR_METADATA_TYPE', 'tls_client_certificate_bound_access_tokens must be a boolean', 'RFC 8705 §3.4');
  }
  const clientName = optionalString(m.client_name, 'client_name');
  const scope = optionalString(m.scope, 'scope');

  const metadata: ClientMetadata = {
    token_endpoint_auth_method: method,
    grant_types: grantTypes,
    response_types: responseTypes,
  };
  if (redirectUris !== undefined) metadata.redirect_uris = redirectUris;
  if (clientName !== undefined) metadata.client_name = clientName;
  if (scope !== undefined) metadata.scope = scope;
  if (alg !== undefined) metadata.token_endpoint_auth_signing_alg = alg;
  if (keys !== undefined) metadata.jwks = { keys };
  if (jwksUri !== undefined) metadata.jwks_uri = jwksUri;
  for (const field of tlsFields) metadata[field] = m[field] as string;
  if (bound !== undefined) metadata.tls_client_certificate_bound_access_tokens = bound as boolean;
  return metadata;
}

/** RFC 7517 §4.7: x5c[0] holds the key, and the JWK's own members must describe the same key. */
function checkX5cMatchesKey(key: Jwk): void {
  const [first] = key.x5c as string[];
  let certificate;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(first ?? '')) throw new Error('x5c values are standard Base64 (not base64url), without line breaks');
    certificate = readCertificate(Buffer.from(first as string, 'base64'));
  } catch (error) {
    return invalid('ERR_METADATA_X5C', `x5c[0] is not a Base64 DER certificate: ${(error as Error).message}`, 'RFC 7517 §4.7');
  }
  const certificateKey = publicKeyFromJwk(certificate.publicKey.jwk as Jwk);
  const jwkKey = publicKeyFromJwk(key);
  if (!certificateKey.equals(jwkKey)) {
    invalid('ERR_METADATA_X5C_KEY', "the key in x5c[0] does not match the JWK's own key members", 'RFC 7517 §4.7');
  }
}
