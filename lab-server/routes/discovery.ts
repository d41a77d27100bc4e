/**
 * Authorization server metadata (RFC 8414 §2, §3) and its OpenID Connect twin (OIDC Discovery §4),
 * built by lib from the endpoints on each listener and the profile in force.
 */
import { buildAuthorizationServerMetadata } from '@client-auth-lab/lib';
import type { LabContext } from '../context.js';
import type { Exchange } from '../exchange.js';
import { SUPPORTED_GRANT_TYPES } from '../grants/index.js';

export function serverMetadata(ctx: LabContext): Record<string, unknown> {
  const { profile } = ctx.config;
  const grantTypes = profile === undefined ? [...SUPPORTED_GRANT_TYPES, 'implicit'] : [...SUPPORTED_GRANT_TYPES];
  const metadata = buildAuthorizationServerMetadata({
    issuer: ctx.config.issuer,
    endpoints: ctx.endpoints,
    ...(ctx.mtlsEndpoints === undefined ? {} : { mtlsEndpoints: ctx.mtlsEndpoints }),
    ...(profile === undefined ? {} : { profile }),
    grantTypes,
  });
  // The implicit response type exists only to show that no client authentication happens there;
  // FAPI profiles forbid it (FAPI 1.0 Part 2 §5.2.2 (2), FAPI 2.0 Security Profile §5.3.1.2).
  metadata.response_types_supported = profile === undefined ? ['code', 'token'] : ['code'];
  metadata.response_modes_supported = profile === undefined ? ['query', 'fragment'] : ['query'];
  // OIDC Discovery §3 REQUIRES these two; the lab's subjects are the same for every client, and its
  // signing keys are those published at jwks_uri.
  metadata.subject_types_supported = ['public'];
  metadata.id_token_signing_alg_values_supported = [...new Set(ctx.jwks.keys.map((k) => k.alg).filter((a): a is string => typeof a === 'string'))];
  metadata.backchannel_user_code_parameter_supported = false;
  metadata.authorization_response_iss_parameter_supported = true;
  metadata.scopes_supported = ['openid', 'profile', 'read', 'write'];
  return metadata;
}

export function discoveryEndpoint(x: Exchange): void {
  x.log.pass('public', 'metadata is public: no client authentication', 'RFC 8414 §3');
  // Metadata may be cached, but the lab restarts on new ports often: let clients revalidate.
  x.send(200, serverMetadata(x.ctx), { 'Cache-Control': 'no-cache' });
}

export function jwksEndpoint(x: Exchange): void {
  x.send(200, x.ctx.jwks, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'no-cache' });
}
