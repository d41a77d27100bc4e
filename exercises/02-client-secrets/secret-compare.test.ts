import { describe, expect, it } from 'vitest';
import { secretMatches } from './secret-compare.js';
import { expectNoThrow, ruleMessage } from '../support/expectations.js';

describe('secretMatches', () => {
  it('accepts the registered secret', () => {
    const got = secretMatches('gX1fBat3bV', 'gX1fBat3bV');
    expect(got, ruleMessage('RFC 6749 §2.3.1', 'the registered secret matches itself', true, got)).toBe(true);
  });

  it('rejects a secret that differs in one character, at the start or at the end', () => {
    for (const presented of ['hX1fBat3bV', 'gX1fBat3bW']) {
      const got = secretMatches(presented, 'gX1fBat3bV');
      expect(got, ruleMessage('RFC 6749 §2.3.1', `"${presented}" is not the registered secret`, false, got)).toBe(false);
    }
  });

  it('rejects secrets of another length without throwing (timingSafeEqual alone would throw)', async () => {
    for (const presented of ['', 'gX1f', 'gX1fBat3bV-and-more']) {
      const got = await expectNoThrow(() => secretMatches(presented, 'gX1fBat3bV'), 'RFC 6749 §5.2', `a ${presented.length}-character secret is a wrong secret (invalid_client), not a server error`);
      expect(got, ruleMessage('RFC 6749 §2.3.1', `"${presented}" is not the registered secret`, false, got)).toBe(false);
    }
  });

  it('compares Unicode secrets by their UTF-8 bytes, with no normalisation', () => {
    expect(secretMatches('pässwörd', 'pässwörd'), ruleMessage('RFC 6749 Appendix B', 'identical Unicode secrets match', true, false)).toBe(true);
    const nfd = 'pa\u0308sswo\u0308rd';
    const got = secretMatches(nfd, 'pässwörd');
    expect(got, ruleMessage('RFC 6749 §2.3.1', 'a secret is compared exactly: the decomposed form (NFD) is a different secret', false, got)).toBe(false);
  });

  it('agrees with plain equality on generated pairs', () => {
    for (let n = 0; n < 200; n++) {
      const a = (n * 2654435761 >>> 0).toString(36);
      const b = n % 3 === 0 ? a : ((n + 1) * 2654435761 >>> 0).toString(36).slice(0, (n % 7) + 1);
      const got = secretMatches(a, b);
      expect(got, ruleMessage('RFC 6749 §2.3.1', `"${a}" vs "${b}"`, a === b, got)).toBe(a === b);
    }
  });
});
