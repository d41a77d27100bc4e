import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { FAPI_PROFILES, validateClientMetadata, type Jwk } from '../../../lib/index.js';
import { keyFor } from '../../support/server.js';

const ok = { redirect_uris: ['https://app.example/cb'] };
const es256 = keyFor('ES256').publicJwk;

function refusal(input: unknown, policy = {}) {
  try {
    validateClientMetadata(input, policy);
  } catch (error) {
    return error as { error: string; code: string; message: string; status: number };
  }
  throw new Error('expected invalid_client_metadata');
}

describe('validateClientMetadata (RFC 7591 §2)', () => {
  it('fills in the defaults: client_secret_basic, authorization_code, code', () => {
    expect(validateClientMetadata(ok)).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
  });

  it('accepts a confidential client_credentials client without redirect URIs', () => {
    expect(validateClientMetadata({ grant_types: ['client_credentials'] }).response_types).toEqual([]);
  });

  it('rejects a non-object body', () => {
    expect(refusal([1, 2])).toMatchObject({ error: 'invalid_client_metadata', code: 'ERR_METADATA_NOT_OBJECT', status: 400 });
  });

  it('rejects an unknown token_endpoint_auth_method', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'magic' }).code).toBe('ERR_METADATA_METHOD');
  });

  it('rejects a public client with client_credentials, naming RFC 6749 §4.4', () => {
    const error = refusal({ token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] });
    expect(error).toMatchObject({ error: 'invalid_client_metadata', code: 'ERR_METADATA_PUBLIC_GRANT' });
    expect(error.message).toContain('RFC 6749 §4.4');
  });

  it('rejects a public client with CIBA', () => {
    expect(refusal({ token_endpoint_auth_method: 'none', grant_types: ['urn:openid:params:grant-type:ciba'] }).code).toBe('ERR_METADATA_PUBLIC_GRANT');
  });

  it('rejects the code flow without redirect_uris with invalid_redirect_uri', () => {
    expect(refusal({})).toMatchObject({ error: 'invalid_redirect_uri', code: 'ERR_METADATA_REDIRECT_URIS' });
  });

  it('rejects a redirect URI with a fragment (RFC 6749 §3.1.2)', () => {
    expect(refusal({ redirect_uris: ['https://app/cb#x'] }).code).toBe('ERR_METADATA_REDIRECT_URI');
  });

  it('rejects response_type token without the implicit grant (RFC 7591 §2.1)', () => {
    expect(refusal({ ...ok, response_types: ['token'] }).code).toBe('ERR_METADATA_GRANT_RESPONSE');
  });

  it('rejects jwks and jwks_uri together', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [es256] }, jwks_uri: 'https://app/jwks' }).code)
      .toBe('ERR_METADATA_JWKS_BOTH');
  });

  it('rejects private_key_jwt without keys', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt' }).code).toBe('ERR_METADATA_KEYS_REQUIRED');
  });

  it('rejects a jwks holding a private key', () => {
    const privateJwk = keyFor('ES256').privateKey.export({ format: 'jwk' });
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [privateJwk] } }).code).toBe('ERR_METADATA_JWKS_PRIVATE');
  });

  it('rejects a malformed jwks', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA' }] } }).code).toBe('ERR_METADATA_JWKS');
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: [es256] }).code).toBe('ERR_METADATA_JWKS');
  });

  it('rejects an HMAC alg with private_key_jwt', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [es256] }, token_endpoint_auth_signing_alg: 'HS256' }).code)
      .toBe('ERR_METADATA_ALG_METHOD');
  });

  it('rejects an asymmetric alg with client_secret_jwt', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'RS256' }).code).toBe('ERR_METADATA_ALG_METHOD');
  });

  it('rejects token_endpoint_auth_signing_alg none', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [es256] }, token_endpoint_auth_signing_alg: 'none' }).code)
      .toBe('ERR_METADATA_ALG_NONE');
  });

  it('rejects tls_client_auth with no field, and with two fields (RFC 8705 §2.1.2)', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'tls_client_auth' }).code).toBe('ERR_METADATA_TLS_FIELDS');
    expect(refusal({ ...ok, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'a', tls_client_auth_san_email: 'b@c' }).code)
      .toBe('ERR_METADATA_TLS_FIELDS');
  });

  it('rejects a tls_client_auth_* field on another method', () => {
    expect(refusal({ ...ok, tls_client_auth_san_dns: 'a' }).code).toBe('ERR_METADATA_TLS_FIELDS');
  });

  it('accepts tls_client_auth with one field', () => {
    expect(validateClientMetadata({ ...ok, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_ip: '::1' }).tls_client_auth_san_ip).toBe('::1');
  });

  it('rejects a tls_client_auth_san_ip that is not an address', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_ip: 'localhost' }).code).toBe('ERR_METADATA_SAN_IP');
  });

  it('rejects a tls_client_auth_subject_dn that is not RFC 4514', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'no equals sign' }).code).toBe('ERR_METADATA_SUBJECT_DN');
  });

  it('rejects self_signed_tls_client_auth whose jwks has no x5c', () => {
    expect(refusal({ ...ok, token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [es256] } }).code).toBe('ERR_METADATA_X5C_REQUIRED');
  });

  it('rejects wrongly typed members', () => {
    expect(refusal({ ...ok, grant_types: 'client_credentials' }).code).toBe('ERR_METADATA_TYPE');
    expect(refusal({ ...ok, tls_client_certificate_bound_access_tokens: 'yes' }).code).toBe('ERR_METADATA_TYPE');
  });

  describe('under a FAPI profile', () => {
    it('rejects client_secret_basic under FAPI 1.0 Part 1', () => {
      expect(refusal(ok, { profile: FAPI_PROFILES['fapi1-part1'] }).code).toBe('ERR_PROFILE_METHOD');
    });
    it('rejects client_secret_jwt under FAPI 1.0 Part 2 but accepts it under Part 1', () => {
      expect(refusal({ ...ok, token_endpoint_auth_method: 'client_secret_jwt' }, { profile: FAPI_PROFILES['fapi1-part2'] }).code).toBe('ERR_PROFILE_METHOD');
      expect(validateClientMetadata({ ...ok, token_endpoint_auth_method: 'client_secret_jwt' }, { profile: FAPI_PROFILES['fapi1-part1'] })).toBeDefined();
    });
    it('rejects RS256 under FAPI 2.0', () => {
      const rsa = keyFor('RS256').publicJwk;
      expect(refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [rsa] }, token_endpoint_auth_signing_alg: 'RS256' }, { profile: FAPI_PROFILES.fapi2 }).code)
        .toBe('ERR_PROFILE_ALGORITHM');
    });
    it('rejects a 1024-bit RSA key under FAPI 1.0 Part 1', () => {
      const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as Jwk;
      const error = refusal({ ...ok, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [short] } }, { profile: FAPI_PROFILES['fapi1-part1'] });
      expect(error.code).toBe('ERR_PROFILE_KEY_SIZE');
      expect(error.message).toContain('2048');
    });
  });
});
