import { describe, expect, it } from 'vitest';
import { buildAuthorizationServerMetadata, FAPI_PROFILES } from '../../../lib/index.js';

const endpoints = {
  token_endpoint: 'https://as/token',
  revocation_endpoint: 'https://as/revoke',
  introspection_endpoint: 'https://as/introspect',
  backchannel_authentication_endpoint: 'https://as/bc',
};

describe('authorization server metadata (RFC 8414, OIDC Discovery §3)', () => {
  it('lists the six methods and none, and never alg none', () => {
    const md = buildAuthorizationServerMetadata({ issuer: 'https://as', endpoints });
    expect(md.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'none',
    ]);
    expect(md.token_endpoint_auth_signing_alg_values_supported).toContain('RS256');
    expect(md.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
  });
  it('repeats the method lists per endpoint (RFC 8414 §2)', () => {
    const md = buildAuthorizationServerMetadata({ issuer: 'https://as', endpoints });
    expect(md.revocation_endpoint_auth_methods_supported).toEqual(md.token_endpoint_auth_methods_supported);
    expect(md.introspection_endpoint_auth_signing_alg_values_supported).toEqual(md.token_endpoint_auth_signing_alg_values_supported);
    expect(md.backchannel_token_delivery_modes_supported).toEqual(['poll']);
  });
  it('advertises mutual-TLS aliases (RFC 8705 §5)', () => {
    const md = buildAuthorizationServerMetadata({ issuer: 'https://as', endpoints, mtlsEndpoints: { token_endpoint: 'https://mtls.as/token' } });
    expect(md.mtls_endpoint_aliases).toEqual({ token_endpoint: 'https://mtls.as/token' });
    expect(md.tls_client_certificate_bound_access_tokens).toBe(true);
  });
  it('advertises only what FAPI 1.0 Part 2 allows', () => {
    const md = buildAuthorizationServerMetadata({ issuer: 'https://as', endpoints, profile: FAPI_PROFILES['fapi1-part2'] });
    expect(md.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']);
    expect(md.token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256', 'ES256']);
  });
});
