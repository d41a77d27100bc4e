import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { authenticateClient, FAPI_PROFILES, type AuthorizationServerContext, type Jwk, type RegisteredClient } from '../../../lib/index.js';
import {
  ISSUER, NOW, TOKEN_ENDPOINT, assertionClaims, assertionRequest, forgeJws, keyFor, rejection, serverContext, sign, type KeyAlg,
} from '../../support/server.js';

const ALGS: KeyAlg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function clientWith(key: { publicJwk: Jwk }, extra: Partial<RegisteredClient> = {}): RegisteredClient {
  return { client_id: 'pkj', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, ...extra };
}

async function authenticate(jwt: string, client: RegisteredClient, server: AuthorizationServerContext = serverContext(), extra: Record<string, string> = {}) {
  return authenticateClient(assertionRequest(jwt, extra), { findClient: (id) => (id === client.client_id ? client : undefined), server });
}

describe('private_key_jwt', () => {
  it.each(ALGS)('accepts an assertion signed with %s', async (alg) => {
    const key = keyFor(alg);
    const jwt = await sign(assertionClaims('pkj'), alg, key.privateKey, { kid: key.publicJwk.kid });
    const result = await authenticate(jwt, clientWith(key));
    expect(result.method).toBe('private_key_jwt');
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(result.assertion?.payload.sub).toBe('pkj');
  });

  it('accepts an assertion without kid when one registered key fits', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    expect((await authenticate(jwt, clientWith(key))).method).toBe('private_key_jwt');
  });

  it('accepts typ client-authentication+jwt', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { typ: 'client-authentication+jwt' });
    expect((await authenticate(jwt, clientWith(key))).method).toBe('private_key_jwt');
  });

  it.each(['JWT', 'jwt', 'application/JWT', 'application/client-authentication+jwt', 'Client-Authentication+JWT'])('accepts typ %s (RFC 7519 §5.1; RFC 7515 §4.1.9)', async (typ) => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { typ });
    expect((await authenticate(jwt, clientWith(key))).method).toBe('private_key_jwt');
  });

  it.each(['at+jwt', 'dpop+jwt', 'oauth-authz-req+jwt', 'JOSE'])('rejects typ %s because it marks a different kind of JWT (RFC 8725 §3.11)', async (typ) => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { typ });
    expect((await rejection(authenticate(jwt, clientWith(key)))).code).toBe('ERR_ASSERTION_TYP');
  });

  it('rejects an untyped or JWT-typed assertion because the server opted in to requiring the explicit type', async () => {
    const key = keyFor('ES256');
    const server = serverContext({ requireExplicitTyp: true });
    for (const header of [{}, { typ: 'JWT' }]) {
      const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, header);
      expect((await rejection(authenticateClient(assertionRequest(jwt), { findClient: () => clientWith(key), server }))).code).toBe('ERR_ASSERTION_TYP_REQUIRED');
    }
    const typed = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { typ: 'client-authentication+jwt' });
    expect((await authenticateClient(assertionRequest(typed), { findClient: () => clientWith(key), server })).method).toBe('private_key_jwt');
  });

  it('rejects a signature made with another key', async () => {
    const key = keyFor('ES256');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwt = await sign(assertionClaims('pkj'), 'ES256', other.privateKey, { kid: key.publicJwk.kid });
    const error = await rejection(authenticate(jwt, clientWith(key)));
    expect(error).toMatchObject({ code: 'ERR_ASSERTION_SIGNATURE', error: 'invalid_client', status: 400 });
  });

  it('rejects an assertion after the registered JWK was changed in place to another key, because a remembered key object is used only for unchanged members', async () => {
    const key = keyFor('ES256');
    const jwk = { ...key.publicJwk };
    const client = { client_id: 'pkj', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } } as RegisteredClient;
    expect((await authenticate(await sign(assertionClaims('pkj'), 'ES256', key.privateKey), client)).method).toBe('private_key_jwt');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    Object.assign(jwk, { x: other.x, y: other.y });
    const error = await rejection(authenticate(await sign(assertionClaims('pkj'), 'ES256', key.privateKey), client));
    expect(error.code).toBe('ERR_ASSERTION_SIGNATURE');
  });

  it('rejects a tampered payload because the signature no longer verifies', async () => {
    const key = keyFor('PS256');
    const jwt = await sign(assertionClaims('pkj'), 'PS256', key.privateKey);
    const [h, , s] = jwt.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify(assertionClaims('pkj', { exp: NOW + 30 }))).toString('base64url')}.${s}`;
    expect((await rejection(authenticate(forged, clientWith(key)))).code).toBe('ERR_ASSERTION_SIGNATURE');
  });

  it('rejects alg none', async () => {
    const key = keyFor('ES256');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(assertionClaims('pkj'))).toString('base64url')}.`;
    expect((await rejection(authenticate(none, clientWith(key)))).code).toBe('ERR_ASSERTION_ALG_NONE');
  });

  it('rejects an HMAC algorithm because private_key_jwt needs an asymmetric one', async () => {
    const key = keyFor('RS256');
    // Algorithm confusion: MAC the JWT with the client's public key text as the HMAC secret.
    const jwt = await sign(assertionClaims('pkj'), 'HS256', JSON.stringify(key.publicJwk));
    expect((await rejection(authenticate(jwt, clientWith(key)))).code).toBe('ERR_ASSERTION_ALG_METHOD');
  });

  it('rejects an alg other than the registered token_endpoint_auth_signing_alg', async () => {
    const key = keyFor('RS256');
    const jwt = await sign(assertionClaims('pkj'), 'RS256', key.privateKey);
    const error = await rejection(authenticate(jwt, clientWith(key, { token_endpoint_auth_signing_alg: 'PS256' })));
    expect(error.code).toBe('ERR_ASSERTION_ALG_NOT_REGISTERED');
  });

  it('accepts the registered token_endpoint_auth_signing_alg', async () => {
    const key = keyFor('PS256');
    const jwt = await sign(assertionClaims('pkj'), 'PS256', key.privateKey);
    expect((await authenticate(jwt, clientWith(key, { token_endpoint_auth_signing_alg: 'PS256' }))).method).toBe('private_key_jwt');
  });

  it('rejects an unknown kid', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { kid: 'rotated-away' });
    expect((await rejection(authenticate(jwt, clientWith(key)))).code).toBe('ERR_ASSERTION_KEY_NOT_FOUND');
  });

  it('rejects a key of the wrong curve for the alg', async () => {
    const key = keyFor('ES384');
    const jwt = await sign(assertionClaims('pkj'), 'ES384', key.privateKey);
    const client = clientWith(keyFor('ES256'));
    expect((await rejection(authenticate(jwt, client))).code).toBe('ERR_ASSERTION_KEY_NOT_FOUND');
  });

  it('skips keys registered for encryption (use enc)', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    const error = await rejection(authenticate(jwt, clientWith({ publicJwk: { ...key.publicJwk, use: 'enc' } })));
    expect(error.code).toBe('ERR_ASSERTION_KEY_NOT_FOUND');
  });

  it('never takes the key from an embedded jwk header', async () => {
    const key = keyFor('ES256');
    const attacker = keyFor('ES256', { kid: 'attacker' });
    const jwt = await sign(assertionClaims('pkj'), 'ES256', attacker.privateKey, { jwk: attacker.publicJwk });
    const error = await rejection(authenticate(jwt, clientWith(key)));
    expect(error.code).toBe('ERR_ASSERTION_SIGNATURE');
    expect(error.checks.find((c) => c.name === 'embedded keys ignored')).toBeDefined();
  });

  it('rejects an RSA key shorter than 2048 bits (RFC 7518 §3.3)', async () => {
    // jose refuses to sign with short RSA keys, so the test signs with node:crypto directly.
    const short = keyFor('RS256', { rsaBits: 1024, kid: 'short' });
    const jwt = forgeJws({ alg: 'RS256', kid: 'short' }, assertionClaims('pkj'), short);
    expect((await rejection(authenticate(jwt, clientWith(short)))).code).toBe('ERR_KEY_TOO_SMALL');
  });

  it('rejects a crit header it does not understand (RFC 7515 §4.1.11)', async () => {
    const key = keyFor('ES256');
    const jwt = forgeJws({ alg: 'ES256', crit: ['urn:x'], 'urn:x': 1 }, assertionClaims('pkj'), key);
    expect((await rejection(authenticate(jwt, clientWith(key)))).code).toBe('ERR_ASSERTION_CRIT');
  });

  it('rejects a kid that is not a short string', async () => {
    const key = keyFor('ES256');
    const long = await sign(assertionClaims('pkj'), 'ES256', key.privateKey, { kid: 'k'.repeat(300) });
    expect((await rejection(authenticate(long, clientWith(key)))).code).toBe('ERR_ASSERTION_KID');
    const numeric = forgeJws({ alg: 'ES256', kid: 7 }, assertionClaims('pkj'), key);
    expect((await rejection(authenticate(numeric, clientWith(key)))).code).toBe('ERR_ASSERTION_KID');
  });

  it('rejects an assertion that names no client (no sub, no iss)', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj', { sub: undefined, iss: undefined }), 'ES256', key.privateKey);
    expect((await rejection(authenticate(jwt, clientWith(key)))).code).toBe('ERR_ASSERTION_SUB');
  });

  it('rejects a JWK Set that contains a private key', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    const privateJwk = { ...(key.privateKey.export({ format: 'jwk' }) as Jwk), kid: key.publicJwk.kid };
    expect((await rejection(authenticate(jwt, clientWith({ publicJwk: privateJwk })))).code).toBe('ERR_JWK_PRIVATE');
  });

  it('rejects a client that registered no keys', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    const { jwks: _, ...noKeys } = clientWith(key);
    expect((await rejection(authenticate(jwt, noKeys))).code).toBe('ERR_CLIENT_NO_KEYS');
  });
});

describe('client assertion claims (RFC 7523 §3)', () => {
  const key = keyFor('ES256');
  const client = clientWith(key);
  const withClaims = async (overrides: Record<string, unknown>, server?: AuthorizationServerContext) =>
    authenticate(await sign(assertionClaims('pkj', overrides), 'ES256', key.privateKey), client, server);

  it.each([
    [{ iss: 'someone-else' }, 'ERR_ASSERTION_ISS'],
    [{ iss: undefined }, 'ERR_ASSERTION_ISS'],
    [{ sub: 'pkj', iss: 'pkj', aud: 'https://evil.example/token' }, 'ERR_ASSERTION_AUD'],
    [{ aud: undefined }, 'ERR_ASSERTION_AUD'],
    [{ aud: { url: TOKEN_ENDPOINT } }, 'ERR_ASSERTION_AUD'],
    [{ aud: [] }, 'ERR_ASSERTION_AUD'],
    [{ exp: undefined }, 'ERR_ASSERTION_EXP_MISSING'],
    [{ exp: String(NOW + 60) }, 'ERR_ASSERTION_CLAIM_TYPE'],
    [{ exp: NOW - 31, iat: NOW - 90 }, 'ERR_ASSERTION_EXPIRED'],
    [{ nbf: NOW + 31 }, 'ERR_ASSERTION_NOT_YET_VALID'],
    [{ nbf: 'soon' }, 'ERR_ASSERTION_CLAIM_TYPE'],
    [{ iat: 'now' }, 'ERR_ASSERTION_CLAIM_TYPE'],
    [{ iat: NOW + 31, exp: NOW + 90 }, 'ERR_ASSERTION_IAT_FUTURE'],
    [{ iat: NOW, exp: NOW + 3601 }, 'ERR_ASSERTION_LIFETIME'],
    [{ iat: undefined, exp: NOW + 3601 }, 'ERR_ASSERTION_LIFETIME'],
    [{ jti: undefined }, 'ERR_ASSERTION_JTI_MISSING'],
    [{ jti: '' }, 'ERR_ASSERTION_JTI_MISSING'],
    [{ jti: 42 }, 'ERR_ASSERTION_JTI_MISSING'],
  ])('rejects %j because of %s', async (overrides, code) => {
    expect((await rejection(withClaims(overrides))).code).toBe(code);
  });

  it("rejects sub that is not the client_id (the sub of a JWT grant is a user's)", async () => {
    // Found by iss when sub names someone else: the client is looked up by sub, so use iss = sub lookup.
    const jwt = await sign(assertionClaims('pkj', { sub: 'alice' }), 'ES256', key.privateKey);
    const error = await rejection(authenticateClient(assertionRequest(jwt), { findClient: () => client, server: serverContext() }));
    expect(error.code).toBe('ERR_ASSERTION_SUB');
  });

  it.each([
    ['the token endpoint URL', TOKEN_ENDPOINT],
    ['the issuer identifier', ISSUER],
    ['an array holding the token endpoint', ['https://other.example', TOKEN_ENDPOINT]],
  ])('accepts aud as %s under the interop policy', async (_, aud) => {
    expect((await withClaims({ aud })).method).toBe('private_key_jwt');
  });

  it('accepts the URL of the endpoint being called under the interop policy (CIBA Core §7.1)', async () => {
    const jwt = await sign(assertionClaims('pkj', { aud: 'https://as.example.com/bc-authorize' }), 'ES256', key.privateKey);
    const request = { ...assertionRequest(jwt), endpointUrl: 'https://as.example.com/bc-authorize' };
    expect((await authenticateClient(request, { findClient: () => client, server: serverContext() })).method).toBe('private_key_jwt');
  });

  it('compares aud as a plain string (a trailing slash is another value)', async () => {
    expect((await rejection(withClaims({ aud: `${ISSUER}/` }))).code).toBe('ERR_ASSERTION_AUD');
  });

  it('accepts only the issuer identifier under the strict policy', async () => {
    expect((await withClaims({ aud: ISSUER }, serverContext({ audiencePolicy: 'strict' }))).method).toBe('private_key_jwt');
  });

  it('rejects the token endpoint URL under the strict policy', async () => {
    const error = await rejection(withClaims({ aud: TOKEN_ENDPOINT }, serverContext({ audiencePolicy: 'strict' })));
    expect(error.code).toBe('ERR_ASSERTION_AUD');
    expect(error.message).toBe(`aud '${TOKEN_ENDPOINT}' is not the issuer identifier '${ISSUER}' (strict audience policy; it names an endpoint of this server, which RFC 7523 §3 (3) and CIBA Core §7.1 accept, but the lab's strict policy takes only the issuer, at every endpoint)`);
  });

  it('rejects a URL that is no endpoint of this server under the strict policy, without the endpoint note', async () => {
    const error = await rejection(withClaims({ aud: 'https://elsewhere.example/token' }, serverContext({ audiencePolicy: 'strict' })));
    expect(error.code).toBe('ERR_ASSERTION_AUD');
    expect(error.message).toBe(`aud 'https://elsewhere.example/token' is not the issuer identifier '${ISSUER}' (strict audience policy)`);
  });

  it('accepts a one-member array holding the issuer under the strict policy (RFC 10070 §4)', async () => {
    expect((await withClaims({ aud: [ISSUER] }, serverContext({ audiencePolicy: 'strict' }))).method).toBe('private_key_jwt');
  });

  it('rejects a two-member array under the strict policy, even one holding the issuer', async () => {
    expect((await rejection(withClaims({ aud: [ISSUER, TOKEN_ENDPOINT] }, serverContext({ audiencePolicy: 'strict' })))).code).toBe('ERR_ASSERTION_AUD');
  });

  it('accepts an assertion living exactly 3,600 s (the default maximum is inclusive)', async () => {
    expect((await withClaims({ iat: NOW, exp: NOW + 3600 })).method).toBe('private_key_jwt');
  });

  it('marks the other members of an accepted interop array as an audience-injection risk', async () => {
    const result = await withClaims({ aud: ['https://other.example', TOKEN_ENDPOINT] });
    const risk = result.checks.find((c) => c.name === 'aud other members');
    expect(risk?.detail).toContain("'https://other.example'");
    expect(risk?.detail).toContain('audience-injection');
  });

  it("rejects another endpoint's URL under the interop policy (the revocation URL at the token endpoint)", async () => {
    expect((await rejection(withClaims({ aud: 'https://as.example.com/revoke' }))).code).toBe('ERR_ASSERTION_AUD');
  });

  it('accepts exp up to the clock tolerance in the past', async () => {
    expect((await withClaims({ exp: NOW - 29, iat: NOW - 60 })).method).toBe('private_key_jwt');
  });

  it('honours a configured tolerance and lifetime', async () => {
    const server = serverContext({ clockToleranceSeconds: 0, maxAssertionLifetimeSeconds: 30 });
    expect((await rejection(withClaims({ exp: NOW }, server))).code).toBe('ERR_ASSERTION_EXPIRED');
    expect((await rejection(withClaims({ exp: NOW + 31 }, server))).code).toBe('ERR_ASSERTION_LIFETIME');
  });

  it('rejects a reused jti, and records it only after every other check passed', async () => {
    const server = serverContext();
    const jwt = await sign(assertionClaims('pkj', { jti: 'once' }), 'ES256', key.privateKey);
    await authenticate(jwt, client, server);
    const error = await rejection(authenticate(jwt, client, server));
    expect(error).toMatchObject({ code: 'ERR_ASSERTION_REPLAYED', error: 'invalid_client' });

    const badAud = await sign(assertionClaims('pkj', { jti: 'later', aud: 'x' }), 'ES256', key.privateKey);
    await rejection(authenticate(badAud, client, server));
    const good = await sign(assertionClaims('pkj', { jti: 'later' }), 'ES256', key.privateKey);
    expect((await authenticate(good, client, server)).method).toBe('private_key_jwt');
  });

  it('lists its checks in order, the failed one last', async () => {
    const error = await rejection(withClaims({ aud: 'https://wrong.example' }));
    const names = error.checks.map((c) => c.name);
    expect(names.indexOf('signature')).toBeLessThan(names.indexOf('aud'));
    expect(error.checks.at(-1)).toMatchObject({ name: 'aud', passed: false });
  });
});

describe('FAPI rules during authentication', () => {
  it('rejects RS256 under FAPI 2.0 (only PS256, ES256, EdDSA)', async () => {
    const key = keyFor('RS256');
    const jwt = await sign(assertionClaims('pkj', { aud: ISSUER }), 'RS256', key.privateKey);
    const error = await rejection(authenticate(jwt, clientWith(key), serverContext({ profile: FAPI_PROFILES.fapi2, audiencePolicy: 'strict' })));
    expect(error.code).toBe('ERR_PROFILE_ALG');
    expect(error.message).toContain('FAPI 2.0');
  });

  it('accepts ES256 under FAPI 1.0 Part 2', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj'), 'ES256', key.privateKey);
    expect((await authenticate(jwt, clientWith(key), serverContext({ profile: FAPI_PROFILES['fapi1-part2'] }))).method).toBe('private_key_jwt');
  });

  it('rejects client_secret_basic under FAPI 1.0 Part 1', async () => {
    const { encodeClientSecretBasic } = await import('../../../lib/index.js');
    const error = await rejection(authenticateClient({ headers: { authorization: encodeClientSecretBasic('s', 'x') }, body: {} }, {
      findClient: () => ({ client_id: 's', client_secret: 'x' }),
      server: serverContext({ profile: FAPI_PROFILES['fapi1-part1'] }),
    }));
    expect(error.code).toBe('ERR_PROFILE_METHOD');
  });

  it('rejects an iat 61 s in the future under FAPI 2.0 even with a larger tolerance', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj', { aud: ISSUER, iat: NOW + 61, exp: NOW + 120 }), 'ES256', key.privateKey);
    const server = serverContext({ profile: FAPI_PROFILES.fapi2, audiencePolicy: 'strict', clockToleranceSeconds: 120 });
    expect((await rejection(authenticate(jwt, clientWith(key), server))).code).toBe('ERR_ASSERTION_IAT_FUTURE');
  });

  it('rejects a 1024-bit RSA key under FAPI 1.0 Part 1, naming the FAPI clause', async () => {
    const short = keyFor('RS256', { rsaBits: 1024, kid: 'short' });
    const jwt = forgeJws({ alg: 'RS256', kid: 'short' }, assertionClaims('pkj'), short);
    const error = await rejection(authenticate(jwt, clientWith(short), serverContext({ profile: FAPI_PROFILES['fapi1-part1'] })));
    expect(error.code).toBe('ERR_PROFILE_KEY_SIZE');
    expect(error.message).toContain('2048 bits or more');
  });

  it('accepts an iat 10 s in the future under FAPI 2.0', async () => {
    const key = keyFor('ES256');
    const jwt = await sign(assertionClaims('pkj', { aud: ISSUER, iat: NOW + 10, exp: NOW + 70 }), 'ES256', key.privateKey);
    const server = serverContext({ profile: FAPI_PROFILES.fapi2, audiencePolicy: 'strict' });
    expect((await authenticate(jwt, clientWith(key), server)).method).toBe('private_key_jwt');
  });
});
