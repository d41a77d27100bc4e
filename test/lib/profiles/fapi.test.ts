import { describe, expect, it } from 'vitest';
import { checkFapiClientAuthentication, FAPI_PROFILES } from '../../../lib/index.js';

const { 'fapi1-part1': part1, 'fapi1-part2': part2, fapi2 } = FAPI_PROFILES;

describe('FAPI client authentication rules', () => {
  it.each([
    ['client_secret_basic', false, false, false],
    ['client_secret_post', false, false, false],
    ['client_secret_jwt', true, false, false],
    ['private_key_jwt', true, true, true],
    ['tls_client_auth', true, true, true],
    ['self_signed_tls_client_auth', true, true, true],
  ] as const)('allows %s: Part 1 %s, Part 2 %s, FAPI 2 %s', (method, p1, p2, f2) => {
    expect(checkFapiClientAuthentication(part1, { method })).toHaveLength(p1 ? 0 : 1);
    expect(checkFapiClientAuthentication(part2, { method })).toHaveLength(p2 ? 0 : 1);
    expect(checkFapiClientAuthentication(fapi2, { method })).toHaveLength(f2 ? 0 : 1);
  });
  it('rejects RS256 under Part 2 §8.6, naming the clause', () => {
    expect(checkFapiClientAuthentication(part2, { alg: 'RS256' })).toEqual([
      expect.objectContaining({ rule: 'algorithm', spec: 'FAPI 1.0 Part 2 §8.6' }),
    ]);
  });
  it('accepts EdDSA under FAPI 2 but not under Part 2', () => {
    expect(checkFapiClientAuthentication(fapi2, { alg: 'EdDSA' })).toHaveLength(0);
    expect(checkFapiClientAuthentication(part2, { alg: 'EdDSA' })).toHaveLength(1);
  });
  it('rejects a 1024-bit RSA key under Part 1 §5.2.2 (5)', () => {
    expect(checkFapiClientAuthentication(part1, { key: { type: 'RSA', bits: 1024 } })[0]).toMatchObject({ rule: 'key_size' });
  });
  it('accepts a 160-bit EC key under FAPI 1 but requires 224 bits under FAPI 2', () => {
    expect(checkFapiClientAuthentication(part1, { key: { type: 'EC', bits: 160 } })).toHaveLength(0);
    expect(checkFapiClientAuthentication(fapi2, { key: { type: 'EC', bits: 192 } })).toHaveLength(1);
  });
  it('reports every violated rule at once', () => {
    expect(checkFapiClientAuthentication(fapi2, { method: 'client_secret_jwt', alg: 'HS256', key: { type: 'RSA', bits: 1024 }, audiencePolicy: 'interop' })
      .map((v) => v.rule)).toEqual(['method', 'algorithm', 'key_size', 'audience_policy']);
  });
});
