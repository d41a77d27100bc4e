import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { beforeAll, describe, it } from 'vitest';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { verifyAssertionSignature, type RegisteredSigningKeys } from './verify-signature.js';

const PAYLOAD = { iss: 'client-9', sub: 'client-9', aud: 'https://as.example/token', jti: 'j-1', iat: 1_760_000_000, exp: 1_760_000_060 };

interface Pair {
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

function pair(type: 'ec' | 'rsa', kid?: string, use?: string): Pair {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), ...(kid === undefined ? {} : { kid }), ...(use === undefined ? {} : { use }) } };
}

/** Signs with the jose library: an independent JWS implementation makes the vectors. */
async function jws(alg: string, key: KeyObject | Uint8Array, header: Record<string, unknown> = {}, payload: unknown = PAYLOAD): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, ...header }).sign(key);
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

let ecOld: Pair;
let ecNew: Pair;
let ecEnc: Pair;
let attacker: Pair;
let rsa: Pair;
let ecClient: RegisteredSigningKeys;
let rsaClient: RegisteredSigningKeys;

beforeAll(() => {
  ecOld = pair('ec', 'old');
  ecNew = pair('ec', 'new');
  ecEnc = pair('ec', 'enc-key', 'enc');
  attacker = pair('ec', 'new');
  rsa = pair('rsa', 'rsa-1', 'sig');
  ecClient = { jwks: { keys: [ecOld.publicJwk, ecNew.publicJwk, ecEnc.publicJwk, rsa.publicJwk] }, token_endpoint_auth_signing_alg: 'ES256' };
  rsaClient = { jwks: { keys: [ecNew.publicJwk, rsa.publicJwk] }, token_endpoint_auth_signing_alg: 'PS256' };
});

describe('verifyAssertionSignature', () => {
  it('accepts an ES256 assertion signed by the registered key its kid names', async () => {
    const compact = await jws('ES256', ecNew.privateKey, { kid: 'new' });
    const got = await expectNoThrow(() => verifyAssertionSignature(compact, ecClient), 'RFC 7515 §5.2', 'the signature verifies with the key whose kid is "new"');
    expectRule(got, { header: { alg: 'ES256', kid: 'new' }, payload: PAYLOAD, kid: 'new' }, 'RFC 7515 §5.2', 'the decoded header, payload and the kid of the verifying key');
  });

  it('accepts an assertion without kid by trying each registered key that fits the alg', async () => {
    const compact = await jws('ES256', ecOld.privateKey);
    const got = await expectNoThrow(() => verifyAssertionSignature(compact, ecClient), 'RFC 7515 §4.1.4', 'without kid, every fitting key is a candidate');
    expectRule(got.kid, 'old', 'RFC 7515 §5.2', 'the key that verified');
  });

  it('accepts PS256 (RSASSA-PSS) with a registered 2048-bit RSA key', async () => {
    const compact = await jws('PS256', rsa.privateKey, { kid: 'rsa-1' });
    const got = await expectNoThrow(() => verifyAssertionSignature(compact, rsaClient), 'RFC 7518 §3.5', 'PS256: PSS padding, SHA-256, salt of 32 octets');
    expectRule(got.kid, 'rsa-1', 'RFC 7518 §3.5', 'the RSA key verified');
  });

  it("accepts the knowledge-base example with the article's public key", async () => {
    const example = 'eyJhbGciOiJFUzI1NiJ9.ewogICJqdGkiOiJteUpXVElkMDAxIiwKICAic3ViIjoiMzgxNzQ2MjM3NjIiLAogICJpc3MiOiIzODE3NDYyMzc2MiIsCiAgImF1ZCI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDAwMC9hcGkvYXV0aC90b2tlbi9kaXJlY3QvMjQ1MjMxMzgyMDUiLAogICJleHAiOjE1MzYxNjU1NDAsCiAgImlhdCI6MTUzNjEzMjcwOAp9Cg.YB4gdhWUGRjWEsEbKDs7-G2WFH2oYz7bAEP5AtegHXInkY9ncA2V3IoA6O_HVQuFxyCRIklrxsMk32MfNF_ABA';
    const key = { kty: 'EC', use: 'sig', crv: 'P-256', x: '9Yxd2TvwBbgmupZh3bpg3umKihM_FNAk2_uI_-Edv_Q', y: 'BOUFuyvWoBZ9-RVSeHJLF-L4I3ORv0xbaM1CKCFJr54', alg: 'ES256' };
    const got = await expectNoThrow(() => verifyAssertionSignature(example, { jwks: { keys: [key] }, token_endpoint_auth_signing_alg: 'ES256' }), 'RFC 7515 §5.2',
      'the worked example verifies with the public key the article registers');
    expectRule([got.payload.sub, got.payload.jti, got.kid], ['38174623762', 'myJWTId001', undefined], 'RFC 7519 §7.2', 'its payload, and no kid');
  });

  it('rejects alg none because an unsigned assertion proves nothing', async () => {
    await expectCode(() => verifyAssertionSignature(`${b64url({ alg: 'none' })}.${b64url(PAYLOAD)}.c2ln`, ecClient), 'ERR_ASSERTION_ALG_NONE', 'RFC 7518 §3.6; RFC 8725 §3.1',
      'alg none is refused before anything else is looked at');
  });

  it('rejects an alg other than the registered one (RS256 for a PS256 client, ES256 for a PS256 client)', async () => {
    await expectCode(async () => verifyAssertionSignature(await jws('RS256', rsa.privateKey, { kid: 'rsa-1' }), rsaClient), 'ERR_ASSERTION_ALG_NOT_REGISTERED',
      'OIDC Dynamic Client Registration §2', 'a correct RS256 signature is still refused: the client registered PS256');
    await expectCode(async () => verifyAssertionSignature(await jws('ES256', ecNew.privateKey, { kid: 'new' }), rsaClient), 'ERR_ASSERTION_ALG_NOT_REGISTERED',
      'OIDC Dynamic Client Registration §2', 'an ES256 signature from a registered key is refused: the client registered PS256');
  });

  it('rejects HS256 keyed with the public key (algorithm confusion)', async () => {
    const publicBytes = new TextEncoder().encode(JSON.stringify(ecNew.publicJwk));
    await expectCode(async () => verifyAssertionSignature(await jws('HS256', publicBytes, { kid: 'new' }), ecClient), 'ERR_ASSERTION_ALG_NOT_REGISTERED',
      'OIDC Dynamic Client Registration §2; RFC 8725 §3.1', 'a MAC made with public material must never pass for a signature');
  });

  it('rejects an unknown kid, or a kid naming an encryption key', async () => {
    await expectCode(async () => verifyAssertionSignature(await jws('ES256', ecNew.privateKey, { kid: 'rotated-away' }), ecClient), 'ERR_ASSERTION_KEY_NOT_FOUND',
      'RFC 7515 §4.1.4', 'no registered key has kid "rotated-away"');
    await expectCode(async () => verifyAssertionSignature(await jws('ES256', ecEnc.privateKey, { kid: 'enc-key' }), ecClient), 'ERR_ASSERTION_KEY_NOT_FOUND',
      'RFC 7517 §4.2', 'a key registered with use "enc" does not verify signatures');
    await expectCode(async () => verifyAssertionSignature(await jws('PS256', rsa.privateKey, { kid: 'new' }), rsaClient), 'ERR_ASSERTION_KEY_NOT_FOUND',
      'RFC 7518 §3.5', 'the key with kid "new" is an EC key: it cannot verify PS256');
  });

  it('rejects a signature by another key, even one that comes in the header as jwk', async () => {
    const forged = await jws('ES256', attacker.privateKey, { kid: 'new', jwk: attacker.publicJwk });
    await expectCode(() => verifyAssertionSignature(forged, ecClient), 'ERR_ASSERTION_SIGNATURE', 'RFC 8725 §3.10',
      "the key comes from the registration, never from the JWT's own header");
  });

  it('rejects an assertion whose payload was changed after signing', async () => {
    const [header, , signature] = (await jws('ES256', ecNew.privateKey, { kid: 'new' })).split('.');
    const tampered = `${header}.${b64url({ ...PAYLOAD, sub: 'client-1', iss: 'client-1' })}.${signature}`;
    await expectCode(() => verifyAssertionSignature(tampered, ecClient), 'ERR_ASSERTION_SIGNATURE', 'RFC 7515 §5.2', 'the signature covers the payload');
  });

  it('rejects an ES256 signature in DER form because JWS uses R ‖ S', async () => {
    const input = `${b64url({ alg: 'ES256', kid: 'new' })}.${b64url(PAYLOAD)}`;
    const der = sign('sha256', Buffer.from(input), ecNew.privateKey); // node's default: a DER SEQUENCE of r and s
    await expectCode(() => verifyAssertionSignature(`${input}.${der.toString('base64url')}`, ecClient), 'ERR_ASSERTION_SIGNATURE', 'RFC 7518 §3.4',
      'an ES256 signature is the 64 octets R ‖ S, not a DER ECDSA-Sig-Value');
  });

  it('rejects a malformed compact JWS', async () => {
    const good = await jws('ES256', ecNew.privateKey, { kid: 'new' });
    const [h, p, s] = good.split('.');
    const cases: [string, string][] = [
      [`${h}.${p}`, 'two parts'],
      [`${good}.x`, 'four parts'],
      [`${h}=.${p}.${s}`, 'padding in the header part'],
      [`${h}.${p}.`, 'an empty signature part'],
      [`${Buffer.from('{"alg":"ES256"').toString('base64url')}.${p}.${s}`, 'a header that is not JSON'],
      [`${b64url(['ES256'])}.${p}.${s}`, 'a header that is a JSON array'],
      [`${h}.${b64url('just a string')}.${s}`, 'a payload that is not a JSON object'],
    ];
    for (const [compact, what] of cases) {
      await expectCode(() => verifyAssertionSignature(compact, ecClient), 'ERR_JWT_MALFORMED', 'RFC 7515 §7.1', `${what}: not a compact JWS with JSON header and payload`);
    }
  });
});
