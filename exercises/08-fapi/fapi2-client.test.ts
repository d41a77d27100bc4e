import { describe, expect, it } from 'vitest';
import { checkFapiClientAuthentication, decodeCompactJwt, FAPI_PROFILES, keySizeInBits, publicKeyFromJwk, validateClientMetadata, type Jwk } from '@client-auth-lab/lib';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue, ruleMessage } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { fapi2AssertionClaims, fapi2ClientMetadata, fapi2SigningKey, registerFapi2Client, requestFapi2Token, type Fapi2Endpoints } from './fapi2-client.js';

const FAPI2 = FAPI_PROFILES.fapi2;
const lab = useLab({ profile: 'fapi2' });

function endpoints(): Fapi2Endpoints {
  return { issuer: lab().issuer, registration: lab().urls.registration, token: lab().urls.token };
}

describe('a FAPI 2.0 client', () => {
  it('generates a key pair with a FAPI 2.0 alg and a large enough key, whose public half has no private member', async () => {
    const key = await expectNoThrow(() => fapi2SigningKey(), FAPI2.algorithmsSpec as string, 'generate a signing key');
    const alg = key.public.alg;
    expectTrue(typeof alg === 'string' && ['PS256', 'ES256', 'EdDSA', 'Ed25519'].includes(alg), FAPI2.algorithmsSpec as string,
      'the key is restricted with its alg member to PS256, ES256 or EdDSA (RFC 7517 §4.4)', alg);
    expectTrue(typeof key.private.d === 'string' && !('d' in key.public), 'RFC 7517 §5', 'the private JWK has d, the public one does not', Object.keys(key.public));
    const bits = keySizeInBits(publicKeyFromJwk(key.public as Jwk));
    const violations = checkFapiClientAuthentication(FAPI2, { alg: alg as string, key: { type: key.public.kty as 'RSA', bits } });
    expectRule(violations.map((v) => `${v.spec}: ${v.detail}`), [], FAPI2.keySizeSpec, 'the key meets the FAPI 2.0 algorithm and key-size rules');
  });

  it('writes registration metadata the FAPI 2.0 profile accepts: private_key_jwt, the key alg, the public key only', async () => {
    const key = fapi2SigningKey();
    const metadata = await expectNoThrow(() => fapi2ClientMetadata(key.public), 'RFC 7591 §2', 'write the client metadata');
    expectRule(metadata.token_endpoint_auth_method, 'private_key_jwt', FAPI2.methodsSpec, 'a FAPI 2.0 client authenticates with private_key_jwt (or mutual TLS)');
    expectRule(metadata.token_endpoint_auth_signing_alg, key.public.alg, 'OIDC Dynamic Client Registration §2', 'token_endpoint_auth_signing_alg is the alg of the registered key');
    expectRule(metadata.jwks, { keys: [key.public] }, 'RFC 7591 §2; RFC 7517 §5', 'jwks holds the public JWK (never the private one)');
    expectTrue(Array.isArray(metadata.grant_types) && metadata.grant_types.includes('client_credentials'), 'RFC 7591 §2', 'grant_types includes client_credentials', metadata.grant_types);
    await expectNoThrow(() => validateClientMetadata(metadata, { profile: FAPI2 }), FAPI2.methodsSpec, "the lab's registration rules under FAPI 2.0 accept this metadata");
  });

  it('puts the issuer, as a single string, in aud, and iss = sub = client_id', async () => {
    const now = 1_760_000_000;
    const claims = await expectNoThrow(() => fapi2AssertionClaims('client-8', 'https://as.example', now), 'RFC 7523 §3', 'write the claims');
    expectRule(claims.aud, 'https://as.example', FAPI2.audienceSpec as string, 'aud is the issuer identifier as a single string (not the token endpoint, not an array)');
    expectRule([claims.iss, claims.sub], ['client-8', 'client-8'], 'RFC 7523 §3 (1), (2)', 'iss and sub are both the client_id');
    expectRule(claims.iat, now, 'RFC 7519 §4.1.6', 'iat is the time the assertion is made');
    const exp = claims.exp as number;
    expectTrue(typeof exp === 'number' && exp > now && exp - now <= 300, 'RFC 7523 §3 (4)', 'exp is after iat and at most 300 s later (the lab refuses longer lives)', exp - now);
    const other = fapi2AssertionClaims('client-8', 'https://as.example', now);
    expectTrue(typeof claims.jti === 'string' && claims.jti.length > 0 && claims.jti !== other.jti, 'RFC 7523 §3 (7)', 'each assertion gets a fresh, unique jti', [claims.jti, other.jti]);
  });

  it('accepts: the lab running the fapi2 profile registers the client', async () => {
    const client = await expectNoThrow(() => registerFapi2Client(endpoints()), FAPI2.methodsSpec, 'the fapi2 lab accepts the registration');
    expect(client.registered.token_endpoint_auth_method, ruleMessage(FAPI2.methodsSpec, 'the registered method', 'private_key_jwt', client.registered.token_endpoint_auth_method)).toBe('private_key_jwt');
  });

  it('accepts: the fapi2 lab issues an access token for the private_key_jwt assertion', async () => {
    const client = await expectNoThrow(() => registerFapi2Client(endpoints()), FAPI2.methodsSpec, 'the fapi2 lab accepts the registration');
    const answer = await requestFapi2Token(endpoints(), client);
    expectTokenResponse(answer, traceOf(lab(), client.clientId), FAPI2.methodsSpec, 'the fapi2 lab issues a token for a private_key_jwt assertion it accepts');
    const { header } = decodeCompactJwt(answer.assertion);
    expectRule(header.alg, client.key.public.alg, FAPI2.algorithmsSpec as string, 'the assertion is signed with the registered alg');
    expectRule(lab().lastTrace({ clientId: client.clientId })?.method, 'private_key_jwt', FAPI2.methodsSpec, 'the lab authenticated the client with private_key_jwt');
  });

  it('accepts: the fapi2 lab issues a second token for a new assertion (each jti is used once)', async () => {
    const client = await expectNoThrow(() => registerFapi2Client(endpoints()), FAPI2.methodsSpec, 'the fapi2 lab accepts the registration');
    for (let i = 0; i < 2; i++) {
      const answer = await requestFapi2Token(endpoints(), client);
      expectTokenResponse(answer, traceOf(lab(), client.clientId), 'RFC 7523 §3 (7)', `token request ${i + 1}: a fresh assertion (new jti) each time`);
    }
  });
});
