/**
 * The shapes client authentication works on: what arrived with the request, what the client
 * registered (RFC 7591 §2 names, kept as on the wire), and what the server is configured with.
 */
import type { Clock } from '../clock.js';
import type { Check } from '../checks.js';
import type { ReplayStore } from '../assertions/replay.js';
import type { JwksResolver } from '../assertions/keys.js';
import type { AudiencePolicy } from '../assertions/audience.js';
import type { FapiProfile } from '../profiles/fapi.js';

/** The client authentication methods of OIDC Core §9, RFC 8705 §2 and RFC 7591 §2. */
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'
  | 'none';

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
];

/** A JSON Web Key as registered by a client (RFC 7517 §4). */
export interface Jwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  x5c?: string[];
  [member: string]: unknown;
}

export interface JwkSet {
  keys: Jwk[];
}

/** A registered client, in client metadata terms (RFC 7591 §2, RFC 8705 §2.1.2, OIDC Registration §2). */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  /** Seconds since the epoch; 0 or absent means it never expires (RFC 7591 §3.2.1). */
  client_secret_expires_at?: number;
  /** Absent means client_secret_basic (OIDC Dynamic Client Registration §2). */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  token_endpoint_auth_signing_alg?: string;
  jwks?: JwkSet;
  jwks_uri?: string;
  tls_client_auth_subject_dn?: string;
  tls_client_auth_san_dns?: string;
  tls_client_auth_san_uri?: string;
  tls_client_auth_san_ip?: string;
  tls_client_auth_san_email?: string;
  tls_client_certificate_bound_access_tokens?: boolean;
  grant_types?: string[];
  response_types?: string[];
  redirect_uris?: string[];
  client_name?: string;
  scope?: string;
  [member: string]: unknown;
}

/** The parts of an HTTP request that client authentication reads. */
export interface ClientAuthRequest {
  /** Header names in lower case, as Node delivers them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The application/x-www-form-urlencoded body, already parsed; a repeated parameter is an array. */
  body: Readonly<Record<string, string | string[] | undefined>>;
  /** DER of the certificate the client presented in the TLS handshake (or through a trusted proxy). */
  clientCertificate?: Uint8Array;
  /** Further certificates the client sent after its own, nearest issuer first. */
  clientCertificateChain?: readonly Uint8Array[];
  /** The absolute URL of the endpoint being called (one of the audiences the interop policy accepts). */
  endpointUrl?: string;
}

/** What the authorization server knows of itself when it authenticates a client. */
export interface AuthorizationServerContext {
  /** Issuer identifier (RFC 8414 §2). */
  issuer: string;
  /** Token endpoint URL, and its mutual-TLS alias if any (RFC 8705 §5). */
  tokenEndpoint: string;
  mtlsTokenEndpoint?: string;
  /**
   * The server's mode, named after its audience rule. `interop` (the default) also lets a client that
   * registered one secret transport use the other (RFC 6749 §2.3.1); `strict` requires the registered one.
   */
  audiencePolicy: AudiencePolicy;
  /** Refuse client assertions without typ client-authentication+jwt (RFC 10070 §4 allows it; off by default). */
  requireExplicitTyp?: boolean;
  clock: Clock;
  replayStore: ReplayStore;
  /** Resolves a client's jwks or jwks_uri to keys. */
  jwks: JwksResolver;
  /** Trust anchors for tls_client_auth (RFC 8705 §2.1), as DER. */
  trustAnchors?: readonly Uint8Array[];
  /** Seconds of clock skew allowed on exp, nbf and iat (default 30). */
  clockToleranceSeconds?: number;
  /** The longest an assertion may live, exp minus iat (or minus now), in seconds, inclusive (default 3600). */
  maxAssertionLifetimeSeconds?: number;
  /** A FAPI profile whose client-authentication rules apply on top (methods, algorithms, key sizes). */
  profile?: FapiProfile;
}

/** The outcome of a successful client authentication. */
export interface AuthenticatedClient {
  client: RegisteredClient;
  method: TokenEndpointAuthMethod;
  /** Every check made, in order. */
  checks: Check[];
  /** x5t#S256 of the certificate that authenticated the client, for certificate binding (RFC 8705 §3). */
  certificateThumbprint?: string;
  /** Decoded client assertion, for traces. */
  assertion?: { header: Record<string, unknown>; payload: Record<string, unknown> };
}
