import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientAssertionClaims, generateJwk, signClientAssertion, signCompactJws } from '../../../lib/jose/index.js';
import { jwkThumbprint } from '../../../lib/keys/index.js';
import { codeOfAsync } from '../../support/coded.js';

describe('generateJwk (mkjwk)', () => {
  it('makes an EC P-256 key by default: d in private only, the public one in the JWK Set, kid = RFC 7638 thumbprint', () => {
    const made = generateJwk();
    expect(made.private).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(typeof made.private.d).toBe('string');
    expect(made.public.d).toBeUndefined();
    expect(made.jwks).toEqual({ keys: [made.public] });
    expect(made.public.kid).toBe(jwkThumbprint(made.public));
  });

  it('sets alg, use and kid when asked', () => {
    const made = generateJwk({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: 'k1' });
    expect(made.public).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: 'k1' });
  });

  it('makes RSA keys of the size asked and oct keys whose public form is the key itself', () => {
    expect(Buffer.from(String(generateJwk({ kty: 'RSA', size: 3072 }).public.n), 'base64url')).toHaveLength(384);
    const oct = generateJwk({ kty: 'oct', size: 512, alg: 'HS512' });
    expect(Buffer.from(String(oct.private.k), 'base64url')).toHaveLength(64);
    expect(oct.public).toBe(oct.private);
  });

  it('rejects an alg that does not fit the key because RFC 7518 ties ES256 to P-256', async () => {
    expect(await codeOfAsync(() => generateJwk({ kty: 'EC', crv: 'P-384', alg: 'ES256' }))).toBe('ERR_JWK_ALG_MISMATCH');
  });

  it('rejects small RSA and oct keys because RFC 7518 §3.2/§3.3 set minimum sizes', async () => {
    expect(await codeOfAsync(() => generateJwk({ kty: 'RSA', size: 1024 }))).toBe('ERR_KEY_SIZE');
    expect(await codeOfAsync(() => generateJwk({ kty: 'oct', size: 128 }))).toBe('ERR_KEY_SIZE');
  });

  it('rejects an unknown kty or use', async () => {
    expect(await codeOfAsync(() => generateJwk({ kty: 'DSA' as 'EC' }))).toBe('ERR_JWK_KTY');
    expect(await codeOfAsync(() => generateJwk({ use: 'both' as 'sig' }))).toBe('ERR_JWK_USE');
  });
});

describe('signCompactJws (mkjose)', () => {
  it('signs a payload that jose verifies with the public JWK, kid in the header', async () => {
    const made = generateJwk({ kty: 'EC', crv: 'P-384' });
    const jws = await signCompactJws({ payload: 'hello', jwk: made.private });
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES384', kid: made.private.kid });
    const { payload } = await compactVerify(jws, await importJWK(made.public, 'ES384'));
    expect(new TextDecoder().decode(payload)).toBe('hello');
  });

  it('signs with HS256 and an oct key', async () => {
    const made = generateJwk({ kty: 'oct' });
    const jws = await signCompactJws({ payload: { a: 1 }, jwk: made.private, alg: 'HS256' });
    const { payload } = await compactVerify(jws, await importJWK(made.private, 'HS256'));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ a: 1 });
  });

  it('rejects a public JWK because signing needs d', async () => {
    expect(await codeOfAsync(() => signCompactJws({ payload: 'x', jwk: generateJwk().public }))).toBe('ERR_JWK_NOT_PRIVATE');
  });

  it('rejects alg none and unknown algs', async () => {
    expect(await codeOfAsync(() => signCompactJws({ payload: 'x', jwk: generateJwk().private, alg: 'none' }))).toBe('ERR_JWS_ALG_UNKNOWN');
  });

  it('rejects RS256 with an EC key', async () => {
    expect(await codeOfAsync(() => signCompactJws({ payload: 'x', jwk: generateJwk().private, alg: 'RS256' }))).toBe('ERR_JWK_ALG_MISMATCH');
  });
});

describe('client assertions (RFC 7523 §3)', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('fills iss = sub = client_id, aud, jti, iat and exp', () => {
    const claims = clientAssertionClaims({ clientId: 'c1', audience: 'https://as.example/token', now, jti: 'j1' });
    expect(claims).toEqual({ iss: 'c1', sub: 'c1', aud: 'https://as.example/token', jti: 'j1', iat: 1767225600, exp: 1767225900 });
  });

  it('signs the assertion so that it verifies', async () => {
    const made = generateJwk();
    const { assertion, claims } = await signClientAssertion({ clientId: 'c1', audience: 'https://as.example/token', jwk: made.private, now });
    const { payload, protectedHeader } = await compactVerify(assertion, await importJWK(made.public, 'ES256'));
    expect(protectedHeader.typ).toBe('client-authentication+jwt');
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects an empty client_id or audience and a non-positive lifetime', async () => {
    expect(await codeOfAsync(() => clientAssertionClaims({ clientId: '', audience: 'a' }))).toBe('ERR_CLIENT_ID_MISSING');
    expect(await codeOfAsync(() => clientAssertionClaims({ clientId: 'c', audience: '' }))).toBe('ERR_AUDIENCE_MISSING');
    expect(await codeOfAsync(() => clientAssertionClaims({ clientId: 'c', audience: 'a', lifetimeSeconds: 0 }))).toBe('ERR_LIFETIME');
  });
});
