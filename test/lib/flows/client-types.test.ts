import { describe, expect, it } from 'vitest';
import { clientTypeOf, ENDPOINT_RULES, FLOW_RULES, GRANT_TYPES, isGrantAllowedFor } from '../../../lib/index.js';

describe('client types (RFC 6749 §2.1)', () => {
  it('makes a client with token_endpoint_auth_method none public', () => {
    expect(clientTypeOf({ token_endpoint_auth_method: 'none' })).toBe('public');
  });
  it('makes every other client confidential, including the default method', () => {
    expect(clientTypeOf({})).toBe('confidential');
    expect(clientTypeOf({ token_endpoint_auth_method: 'tls_client_auth' })).toBe('confidential');
  });
});

describe('flow × client type', () => {
  it('forbids exactly two combinations: client credentials and CIBA for public clients', () => {
    const forbidden = FLOW_RULES.filter((r) => !r.public || !r.confidential).map((r) => r.grantType);
    expect(forbidden).toEqual([GRANT_TYPES.client_credentials, GRANT_TYPES.ciba]);
  });
  it('rejects client_credentials for a public client, citing RFC 6749 §4.4', () => {
    expect(isGrantAllowedFor('public', 'client_credentials')).toMatchObject({ allowed: false, spec: 'RFC 6749 §4.4' });
  });
  it('rejects CIBA for a public client', () => {
    expect(isGrantAllowedFor('public', GRANT_TYPES.ciba)).toMatchObject({ allowed: false, spec: 'CIBA Core §7.1' });
  });
  it('accepts implicit for a confidential client (implicit is not public-only)', () => {
    expect(isGrantAllowedFor('confidential', 'implicit').allowed).toBe(true);
  });
  it('accepts the JWT bearer grant for a public client', () => {
    expect(isGrantAllowedFor('public', GRANT_TYPES.jwt_bearer).allowed).toBe(true);
  });
});

describe('where client authentication happens', () => {
  it('happens at token, revocation, device authorization and backchannel endpoints', () => {
    expect(ENDPOINT_RULES.filter((e) => e.authenticatesClient).map((e) => e.endpoint))
      .toEqual(['token', 'revocation', 'device_authorization', 'backchannel_authentication']);
  });
  it('never happens at the authorization endpoint, and introspection authenticates a resource server', () => {
    expect(ENDPOINT_RULES.find((e) => e.endpoint === 'authorization')?.authenticatesClient).toBe(false);
    expect(ENDPOINT_RULES.find((e) => e.endpoint === 'introspection')?.authenticatesClient).toBe(false);
  });
});
