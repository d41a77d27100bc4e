import { describe, expect, it } from 'vitest';
import { authenticateClient, createJwksResolver, fixedClock, inspectJwt, InMemoryReplayStore, type Jwk } from '../../../lib/index.js';
import {
  KNOWLEDGE_BASE_ASSERTION,
  KNOWLEDGE_BASE_CLIENT_ID,
  KNOWLEDGE_BASE_IAT,
  KNOWLEDGE_BASE_PRIVATE_JWK,
  KNOWLEDGE_BASE_PUBLIC_JWK,
  KNOWLEDGE_BASE_TOKEN_ENDPOINT,
} from '../../fixtures/seeds/knowledge-base.js';

describe('the knowledge-base private_key_jwt example', () => {
  it('verifies with the article public key and is expired today', () => {
    const inspection = inspectJwt(KNOWLEDGE_BASE_ASSERTION, { key: KNOWLEDGE_BASE_PUBLIC_JWK as Jwk, now: Date.parse('2026-11-22T00:00:00Z') });
    expect(inspection.signature).toBe('valid');
    expect(inspection.problems.map((p) => p.code)).toEqual(['expired']);
    expect(inspection.payload).toMatchObject({ iss: KNOWLEDGE_BASE_CLIENT_ID, sub: KNOWLEDGE_BASE_CLIENT_ID, jti: 'myJWTId001' });
  });

  it('verifies with the key pair file too (only its public members are used)', () => {
    expect(inspectJwt(KNOWLEDGE_BASE_ASSERTION, { key: KNOWLEDGE_BASE_PRIVATE_JWK as Jwk }).signature).toBe('valid');
  });

  it('is invalid with another key', () => {
    const other = { ...KNOWLEDGE_BASE_PUBLIC_JWK, y: 'IkaDFmAl5QVSCUTceJP80Kx2PwI5YMJOo_0jPagQOfM', x: 'uEHJCsUrgvPWX0Mk1j_jNNUFHCUUUhxv6GIRRFORTqE' };
    const inspection = inspectJwt(KNOWLEDGE_BASE_ASSERTION, { key: other as Jwk });
    expect(inspection.signature).toBe('invalid');
    expect(inspection.problems.map((p) => p.code)).toContain('bad_signature');
  });

  it('is accepted by the engine when judged at its own time', async () => {
    const client = { client_id: KNOWLEDGE_BASE_CLIENT_ID, token_endpoint_auth_method: 'private_key_jwt' as const, jwks: { keys: [KNOWLEDGE_BASE_PUBLIC_JWK as Jwk] } };
    const result = await authenticateClient(
      { headers: {}, body: { grant_type: 'authorization_code', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: KNOWLEDGE_BASE_ASSERTION } },
      {
        findClient: () => client,
        server: {
          issuer: 'http://localhost:4000', tokenEndpoint: KNOWLEDGE_BASE_TOKEN_ENDPOINT, audiencePolicy: 'interop',
          clock: fixedClock((KNOWLEDGE_BASE_IAT + 60) * 1000), replayStore: new InMemoryReplayStore(), jwks: createJwksResolver(),
          // The example lives for nine hours, far longer than a lab server allows by default.
          maxAssertionLifetimeSeconds: 86_400,
        },
      },
    );
    expect(result.method).toBe('private_key_jwt');
  });
});
