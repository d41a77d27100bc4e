import { describe, it } from 'vitest';
import { FAPI_PROFILES } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { checkFapiSigningAlg, JWS_SIGNATURE_ALGORITHMS, type FapiProfileName } from './signing-alg.js';

const PART2 = 'FAPI 1.0 Part 2 §8.6';
const FAPI2 = 'FAPI 2.0 Security Profile §5.4.1';
const PROFILES: readonly FapiProfileName[] = ['fapi1-part1', 'fapi1-part2', 'fapi2'];

async function accepts(alg: string, profile: FapiProfileName, section: string, rule: string): Promise<void> {
  const got = await expectNoThrow(() => checkFapiSigningAlg(alg, profile), section, `${profile} accepts ${alg}: ${rule}`);
  expectRule(got, alg, section, `the allowed alg is returned as it is`);
}

describe('checkFapiSigningAlg', () => {
  it('accepts PS256 and ES256 under every profile', async () => {
    for (const profile of PROFILES) {
      await accepts('PS256', profile, PART2, 'RSASSA-PSS with SHA-256 is allowed');
      await accepts('ES256', profile, PART2, 'ECDSA P-256 with SHA-256 is allowed');
    }
  });

  it('accepts EdDSA and Ed25519 under FAPI 2.0 but rejects them under FAPI 1.0 Part 2', async () => {
    await accepts('EdDSA', 'fapi2', FAPI2, 'FAPI 2.0 adds EdDSA with Ed25519');
    await accepts('Ed25519', 'fapi2', FAPI2, 'Ed25519 is the fully specified name of EdDSA over Ed25519 (RFC 9864)');
    await expectCode(() => checkFapiSigningAlg('EdDSA', 'fapi1-part2'), 'ERR_FAPI_ALG', PART2, 'FAPI 1.0 Part 2 allows only PS256 and ES256');
  });

  it('rejects RS256 under Part 2 and FAPI 2.0 because RSASSA-PKCS1-v1_5 is not to be used', async () => {
    await expectCode(() => checkFapiSigningAlg('RS256', 'fapi1-part2'), 'ERR_FAPI_ALG', PART2, 'RS256 (PKCS#1 v1.5) is not allowed; use PS256');
    await expectCode(() => checkFapiSigningAlg('RS256', 'fapi2'), 'ERR_FAPI_ALG', FAPI2, 'RS256 (PKCS#1 v1.5) is not allowed; use PS256');
  });

  it('accepts RS256 and HS256 under Part 1, which does not narrow the algorithms', async () => {
    await accepts('RS256', 'fapi1-part1', 'FAPI 1.0 Part 1 §5.2.2', 'Part 1 sets no algorithm list');
    await accepts('HS256', 'fapi1-part1', 'FAPI 1.0 Part 1 §5.2.2 (4)', 'Part 1 still allows client_secret_jwt, which MACs with HS256');
  });

  it('rejects HS256 under Part 2 and FAPI 2.0 because client_secret_jwt is not allowed there', async () => {
    await expectCode(() => checkFapiSigningAlg('HS256', 'fapi1-part2'), 'ERR_FAPI_ALG', PART2, 'HMAC assertions are not PS256 or ES256');
    await expectCode(() => checkFapiSigningAlg('HS256', 'fapi2'), 'ERR_FAPI_ALG', FAPI2, 'HMAC assertions are not PS256, ES256 or EdDSA');
  });

  it('rejects none under every profile because an unsigned JWT proves nothing', async () => {
    for (const profile of PROFILES) {
      await expectCode(() => checkFapiSigningAlg('none', profile), 'ERR_ALG_NONE', 'RFC 7518 §3.6; RFC 8725 §3.1', `${profile}: alg none is never accepted`);
    }
  });

  it('rejects es256 and Ps256 because alg values are case-sensitive', async () => {
    for (const profile of PROFILES) {
      for (const alg of ['es256', 'Ps256', 'NONE']) {
        await expectCode(() => checkFapiSigningAlg(alg, profile), 'ERR_FAPI_ALG', 'RFC 7515 §4.1.1', `${profile}: '${alg}' is not a registered alg (compare exactly)`);
      }
    }
  });

  it('rejects a missing, empty or non-string alg', async () => {
    for (const alg of [undefined, '', 256, null, ['ES256']]) {
      await expectCode(() => checkFapiSigningAlg(alg, 'fapi2'), 'ERR_ALG_MISSING', 'RFC 7515 §4.1.1', `alg ${JSON.stringify(alg)} is not a non-empty string`);
    }
  });

  it("agrees with the lab's own FAPI profile table for every registered algorithm", async () => {
    for (const profile of PROFILES) {
      const table = FAPI_PROFILES[profile].algorithms;
      for (const alg of JWS_SIGNATURE_ALGORITHMS) {
        const allowed = table === undefined || table.includes(alg);
        const section = FAPI_PROFILES[profile].algorithmsSpec ?? 'FAPI 1.0 Part 1 §5.2.2';
        if (allowed) await accepts(alg, profile, section, 'the lab server accepts it too');
        else await expectCode(() => checkFapiSigningAlg(alg, profile), 'ERR_FAPI_ALG', section, `the lab server refuses ${alg} under ${profile}`);
      }
    }
  });
});
