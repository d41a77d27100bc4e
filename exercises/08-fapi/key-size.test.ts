import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { FAPI_PROFILES } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { checkFapiKeySize, jwkKeySize } from './key-size.js';

const RSA_SPEC = 'FAPI 1.0 Part 1 §5.2.2 (5)';
const EC_SPEC = 'FAPI 1.0 Part 1 §5.2.2 (6)';
const FAPI2_SPEC = 'FAPI 2.0 Security Profile §5.4';
const N_SPEC = 'RFC 7518 §6.3.1.1';

/** Real public keys made with `crypto.generateKeyPairSync('rsa', { modulusLength })`, kept as fixed vectors. */
const RSA_2048 = {
  kty: 'RSA',
  n: '2dyBPI_1GoIN94oL2Ox7bTLYHPuEgQaReyo9WnviGQxjnjFHSCgC3iRWRoV5XeSAtY7ORYXpCeK7blwGmNT3EFv8om_JjW_IDi9qGqzEBztgYdZKDwXjEZSd_Nepn9ScqTPFt4qxtl_DPhvuPSDDbxyF-Ohb485Mfh-DLYhYZm8CtlIwNoVDFsvuL7xesubusNp1oq3tpNEBDZr3EWwdOpWAd_V_LqYpl6hJiD3b1oZRaTEKdfMpkTYkm85b9oTFY01xF44chfJ0bfVTQ-HmZVXeBeHIhIXZESrHuw5FpxFycIqsEi5ou1Wr9MEn1afdMxlnDLQr8F_TKKB6yDQQuQ',
  e: 'AQAB',
};
const RSA_2047 = {
  kty: 'RSA',
  n: 'WFk65BrbbeC4Z7c81uk6r39jgayZksBQEH6CBaVvSQlm_VA5-QtFY2fkDbsbRgajOgagP1Bx1l9Dr3Tc1-46jokuiQa-dm7tvfdsv8LY1lqHb8sPfkKSrT_xuljSA4DMEutEaN7SiWJRhoictD3RwglK46LTkY_JSUVYTcr3aUEnYeISWdt4RTuiX3oIdzmmX6QTNIfFJOJw4KQ0eQv_11vQakOdgdIw2Ovm2Uok7SegCkB2VqSfgUvSVvaXTcScIu0NO5DEujf2e6Ux770C3NWrK549cMSyH653n2vB-1hgGfNfuTQgSqqP_8T7vZRIU4th5vWSSobV9fDsGTvoFw',
  e: 'AQAB',
};
const RSA_1024 = {
  kty: 'RSA',
  n: 'uIDUJBrgbqU4Skl3Vy0gYMz2d7KMFYfNR9fpbSbBr4GxrGeJPfVlCXKGQJnFE4oLgGxFfXk3Afv12Gd_faMXLnOO-6NHu6ZcYClHJ1CCf1Dp2ZMzgvN_khB2QAMCJaCoNgdaEUM99_pxW7rQkKMr4VCutYI609s8uXQCZ5TFf7s',
  e: 'AQAB',
};

/** What node:crypto itself says about a fixed RSA vector: an independent measure of n. */
function opensslModulusLength(jwk: Record<string, string>): number {
  return createPublicKey({ key: jwk, format: 'jwk' }).asymmetricKeyDetails?.modulusLength ?? 0;
}

function publicJwk(type: 'ec' | 'ed25519' | 'ed448', namedCurve?: string): Record<string, unknown> {
  const pair = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: namedCurve as string }) : type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ed448');
  return pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
}

describe('jwkKeySize', () => {
  it('accepts RSA keys and counts the bits of n (2048, 2047, 1024), as OpenSSL does', async () => {
    for (const jwk of [RSA_2048, RSA_2047, RSA_1024]) {
      const size = await expectNoThrow(() => jwkKeySize(jwk), N_SPEC, 'the size of an RSA key is the bit length of n');
      expectRule(size, { kty: 'RSA', bits: opensslModulusLength(jwk) }, N_SPEC,
        'the size of an RSA key is the bit length of the modulus n (count bits, not octets × 8: a 2047-bit n also fills 256 octets)');
    }
  });

  it('accepts generated moduli of any length and counts their exact bit length', async () => {
    for (let i = 0; i < 200; i++) {
      const octets = randomBytes(1 + ((i * 37) % 520));
      octets[0] = (octets[0] ?? 0) | (1 << (i % 8)); // never a leading zero octet
      const expected = BigInt(`0x${octets.toString('hex')}`).toString(2).length;
      const size = await expectNoThrow(() => jwkKeySize({ kty: 'RSA', n: octets.toString('base64url'), e: 'AQAB' }), N_SPEC, 'n is a base64url big-endian integer');
      expectRule(size.bits, expected, N_SPEC, `the bit length of n = 0x${octets.subarray(0, 4).toString('hex')}… (${octets.length} octets)`);
    }
  });

  it('accepts EC and OKP keys and reads their size from crv', async () => {
    const cases: [Record<string, unknown>, string, number][] = [
      [publicJwk('ec', 'P-256'), 'EC', 256],
      [publicJwk('ec', 'P-384'), 'EC', 384],
      [publicJwk('ec', 'P-521'), 'EC', 521],
      [publicJwk('ec', 'secp256k1'), 'EC', 256],
      [publicJwk('ed25519'), 'OKP', 256],
      [publicJwk('ed448'), 'OKP', 448],
    ];
    for (const [jwk, kty, bits] of cases) {
      const size = await expectNoThrow(() => jwkKeySize(jwk), 'RFC 7518 §6.2.1.1', `a ${String(jwk.crv)} key is a valid key`);
      expectRule(size, { kty, bits }, 'RFC 7518 §6.2.1.1; RFC 8812 §3.1; RFC 8037 §2', `the size of a ${String(jwk.crv)} key comes from its curve`);
    }
  });

  it('rejects n with a leading zero octet because Base64urlUInt uses the fewest octets', async () => {
    // 255 octets of key plus a zero octet: octets × 8 would wrongly say 2048.
    const octets = Buffer.concat([Buffer.from([0]), Buffer.from(RSA_2048.n, 'base64url').subarray(1)]);
    await expectCode(() => jwkKeySize({ kty: 'RSA', n: octets.toString('base64url'), e: 'AQAB' }), 'ERR_JWK_MODULUS', N_SPEC,
      'n must use the minimum number of octets, so its first octet is never zero');
  });

  it('rejects n that is not strict base64url (padding, standard Base64, empty, missing)', async () => {
    const standard = Buffer.from(RSA_2048.n, 'base64url').toString('base64');
    for (const n of [`${RSA_1024.n}=`, standard, '', undefined, 42]) {
      await expectCode(() => jwkKeySize({ kty: 'RSA', n, e: 'AQAB' }), 'ERR_JWK_MODULUS', N_SPEC,
        `n ${JSON.stringify(n)} is not a base64url string without padding`);
    }
  });

  it('rejects an unknown or missing crv because only registered curves have a known size', async () => {
    for (const jwk of [{ kty: 'EC', crv: 'P-224', x: 'AA', y: 'AA' }, { kty: 'EC', x: 'AA', y: 'AA' }, { kty: 'OKP', crv: 'X25519x', x: 'AA' }, { kty: 'EC', crv: 'toString' }]) {
      await expectCode(() => jwkKeySize(jwk), 'ERR_JWK_CURVE', 'RFC 7518 §6.2.1.1', `crv ${JSON.stringify(jwk.crv)} is not a curve with a known size`);
    }
  });

  it('rejects an oct key or a missing kty because FAPI client keys are key pairs', async () => {
    for (const jwk of [{ kty: 'oct', k: 'c2VjcmV0' }, { n: RSA_2048.n, e: 'AQAB' }, { kty: 'rsa', n: RSA_2048.n, e: 'AQAB' }]) {
      await expectCode(() => jwkKeySize(jwk), 'ERR_JWK_KTY', 'RFC 7518 §6.1', `kty ${JSON.stringify((jwk as { kty?: string }).kty)} is not RSA, EC or OKP (kty is case-sensitive)`);
    }
  });
});

describe('checkFapiKeySize', () => {
  it('accepts a 2048-bit RSA key under FAPI 1.0 and FAPI 2.0, with minimum 2048', async () => {
    for (const version of ['fapi1', 'fapi2'] as const) {
      const verdict = await expectNoThrow(() => checkFapiKeySize(RSA_2048, version), version === 'fapi1' ? RSA_SPEC : FAPI2_SPEC, 'a 2048-bit RSA key is large enough');
      expectRule({ bits: verdict.bits, minimum: verdict.minimum }, { bits: 2048, minimum: FAPI_PROFILES[version === 'fapi1' ? 'fapi1-part1' : 'fapi2'].minRsaBits },
        version === 'fapi1' ? RSA_SPEC : FAPI2_SPEC, 'RSA keys need 2048 bits or more');
    }
  });

  it('rejects a 2047-bit RSA key because FAPI requires 2048 bits or more', async () => {
    await expectCode(() => checkFapiKeySize(RSA_2047, 'fapi1'), 'ERR_FAPI_KEY_SIZE', RSA_SPEC, 'an RSA key of 2047 bits is one bit short');
    await expectCode(() => checkFapiKeySize(RSA_2047, 'fapi2'), 'ERR_FAPI_KEY_SIZE', FAPI2_SPEC, 'an RSA key of 2047 bits is one bit short');
  });

  it('rejects a 1024-bit RSA key under both versions', async () => {
    await expectCode(() => checkFapiKeySize(RSA_1024, 'fapi1'), 'ERR_FAPI_KEY_SIZE', RSA_SPEC, 'RSA keys need 2048 bits or more');
    await expectCode(() => checkFapiKeySize(RSA_1024, 'fapi2'), 'ERR_FAPI_KEY_SIZE', FAPI2_SPEC, 'RSA keys need 2048 bits or more');
  });

  it('accepts EC and Ed25519 keys, with the elliptic-curve minimum of the version (160 in FAPI 1.0, 224 in FAPI 2.0)', async () => {
    for (const jwk of [publicJwk('ec', 'P-256'), publicJwk('ed25519')]) {
      const v1 = await expectNoThrow(() => checkFapiKeySize(jwk, 'fapi1'), EC_SPEC, `a ${String(jwk.crv)} key is large enough for FAPI 1.0`);
      expectRule(v1.minimum, FAPI_PROFILES['fapi1-part1'].minEcBits, EC_SPEC, 'elliptic-curve keys need 160 bits or more in FAPI 1.0');
      const v2 = await expectNoThrow(() => checkFapiKeySize(jwk, 'fapi2'), FAPI2_SPEC, `a ${String(jwk.crv)} key is large enough for FAPI 2.0`);
      expectRule(v2.minimum, FAPI_PROFILES.fapi2.minEcBits, FAPI2_SPEC, 'elliptic-curve keys need 224 bits or more in FAPI 2.0');
    }
  });

  it('rejects a malformed key with its own code before any size comparison', async () => {
    await expectCode(() => checkFapiKeySize({ kty: 'EC', crv: 'P-192' }, 'fapi1'), 'ERR_JWK_CURVE', 'RFC 7518 §6.2.1.1', 'an unknown curve has no size to compare');
    await expectCode(() => checkFapiKeySize({ kty: 'oct', k: 'c2VjcmV0' }, 'fapi2'), 'ERR_JWK_KTY', 'RFC 7518 §6.1', 'a shared secret is no key pair');
  });
});
