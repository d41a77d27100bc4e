import { describe, expect, it } from 'vitest';
import { decodeCompactJwt, generateJwk } from '@client-auth-lab/lib';
import { assertionClaims, clientAssertionParameters } from './make-assertion.js';
import { useLab, traceOf } from '../support/lab.js';
import { expectTokenResponse, ruleMessage } from '../support/expectations.js';

const lab = useLab();
const key = generateJwk({ kty: 'EC', crv: 'P-256', alg: 'ES256' });

async function registerClient(): Promise<string> {
  const client = await lab().register({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: key.jwks, token_endpoint_auth_signing_alg: 'ES256' });
  return client.client_id;
}

describe('assertionClaims', () => {
  it('sets iss and sub to the client_id and aud to the token endpoint (RFC 7523 §3)', () => {
    const c = assertionClaims('client-42', 'https://as.example/token', new Date('2030-01-01T00:00:00Z'));
    expect(c.iss, ruleMessage('RFC 7523 §3 (1)', 'iss is the client_id', 'client-42', c.iss)).toBe('client-42');
    expect(c.sub, ruleMessage('RFC 7523 §3 (2)', 'for client authentication sub is the client_id too', 'client-42', c.sub)).toBe('client-42');
    expect(c.aud, ruleMessage('RFC 7523 §3 (3)', 'aud identifies the authorization server: its token endpoint URL', 'https://as.example/token', c.aud)).toBe('https://as.example/token');
  });

  it('sets iat to now in seconds and exp a short while later', () => {
    const c = assertionClaims('c', 'https://as.example/token', new Date('2030-01-01T00:00:00Z'), 120);
    expect(c.iat, ruleMessage('RFC 7519 §4.1.6', 'iat is NumericDate: whole seconds since the epoch', 1893456000, c.iat)).toBe(1893456000);
    expect(c.exp, ruleMessage('RFC 7523 §3 (4)', 'exp = iat + lifetime', 1893456120, c.exp)).toBe(1893456120);
  });

  it('uses a fresh jti every time (RFC 7523 §3 (7))', () => {
    const now = new Date();
    const jtis = new Set(Array.from({ length: 20 }, () => assertionClaims('c', 'https://as.example/token', now).jti));
    expect(jtis.size, ruleMessage('RFC 7523 §3 (7)', 'every assertion has its own jti so that a replay can be detected', 20, jtis.size)).toBe(20);
  });
});

describe('clientAssertionParameters', () => {
  it('puts the assertion type and the signed JWT into the form (RFC 7521 §4.2)', async () => {
    const params = await clientAssertionParameters('c', 'https://as.example/token', key.private);
    expect(params.client_assertion_type, ruleMessage('RFC 7523 §2.2', 'client_assertion_type names the JWT bearer profile', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', params.client_assertion_type)).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const decoded = decodeCompactJwt(params.client_assertion ?? '');
    expect(decoded.payload.iss, ruleMessage('RFC 7521 §4.2', 'client_assertion carries the signed JWT with your claims', 'c', decoded.payload.iss)).toBe('c');
  });

  it('accepts: the lab issues a token for the assertion, twice in a row (new jti each time)', async () => {
    const clientId = await registerClient();
    for (let i = 0; i < 2; i++) {
      const params = await clientAssertionParameters(clientId, lab().urls.token, key.private);
      const response = await lab().request(lab().urls.token, { form: { grant_type: 'client_credentials', ...params } });
      expectTokenResponse(response, traceOf(lab(), clientId), 'RFC 7523 §3', `request ${i + 1}: the authorization server must accept a correct private_key_jwt assertion`);
    }
  });
});
