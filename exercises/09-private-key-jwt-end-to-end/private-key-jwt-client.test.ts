import { createPublicKey, verify } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, validateClientMetadata } from '@client-auth-lab/lib';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue, ruleMessage } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import {
  assertionClaims, clientRegistration, getTokenWithPrivateKeyJwt, makeClientKey, postForm, signEs256, tokenRequestForm, type AssertionClaims,
} from './private-key-jwt-client.js';

const lab = useLab();
const NOW = 1_760_000_000;

function part(compact: string, index: number): Buffer {
  return Buffer.from(compact.split('.')[index] ?? '', 'base64url');
}

describe('private_key_jwt by hand', () => {
  it('makes a P-256 key pair whose public JWK has kid, use sig and alg ES256, and no private member', async () => {
    const key = await expectNoThrow(() => makeClientKey(), 'RFC 7517 §4', 'make the key pair');
    const jwk = key.publicJwk;
    expectRule({ kty: jwk.kty, crv: jwk.crv, use: jwk.use, alg: jwk.alg }, { kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' },
      'RFC 7518 §6.2.1; RFC 7517 §4.2, §4.4', 'the public JWK is an EC P-256 key for signing with ES256');
    expectTrue(typeof jwk.kid === 'string' && jwk.kid.length > 0, 'RFC 7517 §4.5', 'the JWK has a kid, so the assertion header can name it', jwk.kid);
    expectTrue(!('d' in jwk), 'RFC 7517 §5', 'the registered JWK is public: it has no d', Object.keys(jwk));
    expectTrue(key.privateKey.type === 'private', 'RFC 7518 §3.4', 'the private half is a private KeyObject', key.privateKey.type);
    const derived = createPublicKey(key.privateKey).export({ format: 'jwk' });
    expectRule([jwk.x, jwk.y], [derived.x, derived.y], 'RFC 7518 §6.2.1', 'the public JWK is the public half of the private key');
  });

  it('writes a registration the lab accepts: private_key_jwt, ES256, the public key in jwks', async () => {
    const key = await expectNoThrow(() => makeClientKey(), 'RFC 7517 §4', 'make the key pair (step 1)');
    const metadata = await expectNoThrow(() => clientRegistration(key.publicJwk), 'RFC 7591 §2', 'write the registration');
    expectRule([metadata.token_endpoint_auth_method, metadata.token_endpoint_auth_signing_alg], ['private_key_jwt', 'ES256'],
      'RFC 7591 §2; OIDC Dynamic Client Registration §2', 'the method is private_key_jwt and the signing alg ES256');
    expectRule(metadata.jwks, { keys: [key.publicJwk] }, 'RFC 7591 §2', 'jwks is a JWK Set holding the public JWK');
    expectTrue(Array.isArray(metadata.grant_types) && metadata.grant_types.includes('client_credentials'), 'RFC 7591 §2', 'grant_types includes client_credentials', metadata.grant_types);
    await expectNoThrow(() => validateClientMetadata(metadata), 'RFC 7591 §2', "the lab's registration rules accept this metadata");
  });

  it('builds the claims: iss = sub = client_id, aud, a fresh jti, iat now, exp after iat within 300 s', async () => {
    const claims = await expectNoThrow(() => assertionClaims('c-9', 'https://as.example/token', NOW), 'RFC 7523 §3', 'build the claims');
    expectRule([claims.iss, claims.sub, claims.aud, claims.iat], ['c-9', 'c-9', 'https://as.example/token', NOW], 'RFC 7523 §3 (1), (2), (3)',
      'iss and sub are the client_id, aud the token endpoint, iat the time given');
    expectTrue(typeof claims.exp === 'number' && claims.exp > NOW && claims.exp - NOW <= 300, 'RFC 7523 §3 (4)', 'exp is after iat, and at most 300 s later', claims.exp - NOW);
    const again = assertionClaims('c-9', 'https://as.example/token', NOW);
    expectTrue(typeof claims.jti === 'string' && claims.jti !== '' && claims.jti !== again.jti, 'RFC 7523 §3 (7)', 'every assertion gets a new jti', [claims.jti, again.jti]);
  });

  it('signs a compact JWS that jose verifies, with an R ‖ S signature of 64 octets', async () => {
    const key = await expectNoThrow(() => makeClientKey(), 'RFC 7517 §4', 'make the key pair (step 1)');
    const claims: AssertionClaims = { iss: 'c-9', sub: 'c-9', aud: 'https://as.example/token', jti: 'jti-1', iat: NOW, exp: NOW + 60 };
    const compact = await expectNoThrow(() => signEs256(claims, key.privateKey, 'kid-1'), 'RFC 7515 §7.1', 'sign the assertion');
    expectRule(compact.split('.').length, 3, 'RFC 7515 §7.1', 'a compact JWS has three base64url parts joined by dots');
    expectTrue(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(compact), 'RFC 7515 §2', 'each part is base64url without padding', compact.slice(0, 40));
    const header = JSON.parse(part(compact, 0).toString('utf8')) as Record<string, unknown>;
    expectRule({ alg: header.alg, kid: header.kid }, { alg: 'ES256', kid: 'kid-1' }, 'RFC 7515 §4.1.1, §4.1.4', 'the protected header names alg ES256 and the key id');
    expectRule(JSON.parse(part(compact, 1).toString('utf8')), claims, 'RFC 7519 §7.1', 'the payload is the claims as JSON');
    expectRule(part(compact, 2).length, 64, 'RFC 7518 §3.4', 'an ES256 signature is R ‖ S, 64 octets (a DER signature is 70-72 octets: use dsaEncoding ieee-p1363)');
    const signingInput = compact.slice(0, compact.lastIndexOf('.'));
    const valid = verify('sha256', Buffer.from(signingInput), { key: createPublicKey(key.privateKey), dsaEncoding: 'ieee-p1363' }, part(compact, 2));
    expectTrue(valid, 'RFC 7515 §5.2', 'the signature covers ASCII(BASE64URL(header) . BASE64URL(payload))');
    await expectNoThrow(async () => compactVerify(compact, await importJWK(key.publicJwk as JWK, 'ES256')), 'RFC 7515 §5.2', 'the jose library verifies the JWS with the public JWK');
  });

  it('puts client_assertion_type and client_assertion in the token request', async () => {
    const form = await expectNoThrow(() => tokenRequestForm('a.b.c'), 'RFC 7523 §2.2', 'write the form');
    const values = Object.fromEntries(form);
    expectRule(values, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: 'a.b.c' },
      'RFC 7523 §2.2; RFC 6749 §4.4.2', 'grant_type client_credentials, the jwt-bearer assertion type, and the assertion');
    expectRule(form.length, 3, 'RFC 6749 §3.2', 'each parameter once, nothing else (no client_secret: one method per request, RFC 6749 §2.3)');
  });

  it('accepts: the lab registers the public key and issues an access token', async () => {
    const run = await expectNoThrow(() => getTokenWithPrivateKeyJwt({ registration: lab().urls.registration, token: lab().urls.token }),
      'RFC 7591 §3.1', 'register the client at the lab');
    expectTokenResponse(run, traceOf(lab(), run.clientId), 'RFC 7523 §2.2', 'the lab accepts the private_key_jwt assertion');
    expectRule(lab().lastTrace({ clientId: run.clientId })?.method, 'private_key_jwt', 'OIDC Core §9', 'the lab authenticated the client with private_key_jwt');
  });

  it('rejects the same assertion sent twice because a jti is used once', async () => {
    const run = await expectNoThrow(() => getTokenWithPrivateKeyJwt({ registration: lab().urls.registration, token: lab().urls.token }),
      'RFC 7591 §3.1', 'register the client at the lab');
    expectTokenResponse(run, traceOf(lab(), run.clientId), 'RFC 7523 §2.2', 'the first use of the assertion is accepted');
    const replay = await postForm(lab().urls.token, [['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE], ['client_assertion', run.assertion]]);
    expect(replay.status, ruleMessage('RFC 7523 §3 (7)', 'the lab refuses the same assertion a second time', 400, replay.status)).toBe(400);
    expectRule(lab().lastTrace({ clientId: run.clientId })?.outcome.code, 'ERR_ASSERTION_REPLAYED', 'RFC 7523 §3 (7)', 'the refusal names the replayed jti');
  });
});
