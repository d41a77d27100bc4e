/**
 * Authorization server metadata (RFC 8414 §2, OIDC Discovery §3): what the server supports, repeated
 * per endpoint for client authentication, plus the mutual-TLS aliases of RFC 8705 §5.
 */
import { TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from '../client-auth/types.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from '../assertions/algorithms.js';
import type { FapiProfile } from '../profiles/fapi.js';
import { GRANT_TYPES } from '../flows/client-types.js';

export interface AuthorizationServerEndpoints {
  authorization_endpoint?: string;
  token_endpoint: string;
  registration_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  device_authorization_endpoint?: string;
  backchannel_authentication_endpoint?: string;
  jwks_uri?: string;
}

export interface AuthorizationServerMetadataOptions {
  issuer: string;
  endpoints: AuthorizationServerEndpoints;
  /** The same endpoints on the mutual-TLS listener (RFC 8705 §5). */
  mtlsEndpoints?: Partial<AuthorizationServerEndpoints>;
  profile?: FapiProfile;
  methods?: readonly TokenEndpointAuthMethod[];
  grantTypes?: readonly string[];
  /** How callers of the introspection endpoint authenticate (they are resource servers, RFC 7662 §2.1). */
  introspectionAuthMethods?: readonly string[];
}

/** The JWS algorithms a server advertises for client assertions: never `none` (OIDC Discovery §3). */
export function assertionSigningAlgorithms(profile?: FapiProfile, methods: readonly TokenEndpointAuthMethod[] = TOKEN_ENDPOINT_AUTH_METHODS): string[] {
  const hmac = methods.includes('client_secret_jwt') ? [...HMAC_ALGORITHMS] : [];
  const asymmetric = methods.includes('private_key_jwt') ? ASYMMETRIC_ALGORITHMS.filter((a) => a !== 'Ed25519') : [];
  const all: string[] = [...asymmetric, ...hmac];
  return profile?.algorithms === undefined ? all : all.filter((a) => profile.algorithms?.includes(a));
}

export function buildAuthorizationServerMetadata(options: AuthorizationServerMetadataOptions): Record<string, unknown> {
  const { issuer, endpoints, mtlsEndpoints, profile } = options;
  const baseMethods = options.methods ?? TOKEN_ENDPOINT_AUTH_METHODS;
  // A FAPI server accepts only the profile's methods from confidential clients; `none` stays for public ones
  // only where no profile applies.
  const methods = profile === undefined ? [...baseMethods] : baseMethods.filter((m) => profile.methods.includes(m));
  const algs = assertionSigningAlgorithms(profile, methods);
  const metadata: Record<string, unknown> = {
    issuer,
    ...endpoints,
    response_types_supported: ['code', 'token'],
    grant_types_supported: options.grantTypes ?? Object.values(GRANT_TYPES).filter((g) => g !== GRANT_TYPES.password),
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: methods,
    token_endpoint_auth_signing_alg_values_supported: algs,
  };
  if (endpoints.revocation_endpoint !== undefined) {
    metadata.revocation_endpoint_auth_methods_supported = methods;
    metadata.revocation_endpoint_auth_signing_alg_values_supported = algs;
  }
  if (endpoints.introspection_endpoint !== undefined) {
    metadata.introspection_endpoint_auth_methods_supported = options.introspectionAuthMethods ?? methods.filter((m) => m !== 'none');
    metadata.introspection_endpoint_auth_signing_alg_values_supported = algs;
  }
  if (endpoints.backchannel_authentication_endpoint !== undefined) {
    metadata.backchannel_token_delivery_modes_supported = ['poll'];
  }
  metadata.tls_client_certificate_bound_access_tokens = true;
  if (mtlsEndpoints !== undefined) metadata.mtls_endpoint_aliases = mtlsEndpoints;
  return metadata;
}
