import { describe, expect, it } from 'vitest';
import { judgeAudience } from '@client-auth-lab/lib';
import { audienceAccepted, type AudiencePolicy } from './audience-policy.js';
import { ruleMessage } from '../support/expectations.js';

const server = { issuer: 'https://as.example', endpoints: ['https://as.example/token', 'https://mtls.as.example/token'] };
const STRICT = 'RFC 10070 §4';
const INTEROP = 'RFC 7523 §3 (3); OIDC Core §9';

function check(aud: unknown, policy: AudiencePolicy, expected: boolean, section: string, rule: string): void {
  const got = audienceAccepted(aud, policy, server);
  expect(got, ruleMessage(section, `${policy}: aud ${JSON.stringify(aud)} ${rule}`, expected, got)).toBe(expected);
}

describe('audienceAccepted, strict policy', () => {
  it('accepts the issuer identifier as a single string', () => check('https://as.example', 'strict', true, STRICT, 'is the issuer, the only accepted value'));
  it('rejects the token endpoint URL because strict accepts only the issuer', () => check('https://as.example/token', 'strict', false, STRICT, 'is an endpoint, not the issuer'));
  it('accepts a one-member array holding the issuer', () => check(['https://as.example'], 'strict', true, STRICT, 'has the issuer as its sole value'));
  it('rejects an array of two even when one is the issuer because strict wants the issuer as the sole value', () => check(['https://as.example', 'https://as.example/token'], 'strict', false, STRICT, 'has more than one value'));
  it('rejects a trailing slash because values compare exactly', () => check('https://as.example/', 'strict', false, 'RFC 3986 §6.2.1', 'differs from the issuer by a "/"'));
});

describe('audienceAccepted, interop policy', () => {
  it('accepts the issuer, the token endpoint and the mTLS alias', () => {
    for (const aud of ['https://as.example', 'https://as.example/token', 'https://mtls.as.example/token']) check(aud, 'interop', true, INTEROP, 'identifies this server');
  });
  it('accepts an array when any member identifies this server', () => check(['https://other.example', 'https://as.example/token'], 'interop', true, INTEROP, 'contains the token endpoint'));
  it('rejects an array naming only other servers', () => check(['https://other.example', 'https://as.example.evil'], 'interop', false, INTEROP, 'names no identifier of this server'));
  it('rejects an empty array and non-string members because RFC 7519 §4.1.3 wants strings', () => {
    check([], 'interop', false, 'RFC 7519 §4.1.3', 'is empty');
    check([42, 'https://as.example'], 'interop', false, 'RFC 7519 §4.1.3', 'has a non-string member');
    check(42, 'interop', false, 'RFC 7519 §4.1.3', 'is not a string');
  });
  it('rejects a different case because URLs compare exactly', () => check('https://AS.example/token', 'interop', false, 'RFC 3986 §6.2.1', 'differs in case'));
});

describe('audienceAccepted agrees with the lab on generated values', () => {
  it('matches judgeAudience for every combination', () => {
    const atoms: unknown[] = ['https://as.example', 'https://as.example/token', 'https://mtls.as.example/token', 'https://as.example/', 'https://x.example', 7, null];
    const values: unknown[] = [undefined, ...atoms, ...atoms.map((a) => [a]), ...atoms.flatMap((a) => atoms.map((b) => [a, b])), []];
    for (const policy of ['interop', 'strict'] as const) {
      for (const aud of values) {
        const expected = judgeAudience(aud, policy, server);
        const got = audienceAccepted(aud, policy, server);
        expect(got, ruleMessage(expected.spec, `${policy}: aud ${JSON.stringify(aud)}: ${expected.detail}`, expected.accepted, got)).toBe(expected.accepted);
      }
    }
  });
});
