import { describe, expect, it } from 'vitest';
import { ReplayStore } from './replay-store.js';
import { ruleMessage } from '../support/expectations.js';

const T0 = Date.UTC(2030, 0, 1);

describe('ReplayStore', () => {
  it('accepts a jti the first time', () => {
    const got = new ReplayStore().insertIfAbsent('client-a', 'jti-1', T0 + 60_000, T0);
    expect(got, ruleMessage('RFC 7523 §3 (7)', 'a jti never seen before is recorded', true, got)).toBe(true);
  });

  it('rejects the same jti again before it expires because the assertion may be used once (OIDC Core §9)', () => {
    const store = new ReplayStore();
    store.insertIfAbsent('client-a', 'jti-1', T0 + 60_000, T0);
    const got = store.insertIfAbsent('client-a', 'jti-1', T0 + 60_000, T0 + 59_999);
    expect(got, ruleMessage('RFC 7523 §3 (7); OIDC Core §9', 'a replayed jti is refused while its assertion is alive', false, got)).toBe(false);
  });

  it('accepts the jti again once its entry has expired', () => {
    const store = new ReplayStore();
    store.insertIfAbsent('client-a', 'jti-1', T0 + 60_000, T0);
    const got = store.insertIfAbsent('client-a', 'jti-1', T0 + 120_000, T0 + 60_000);
    expect(got, ruleMessage('RFC 7523 §3 (7)', 'the entry lives until exp only (at now = expiresAt it is dead)', true, got)).toBe(true);
  });

  it('keeps issuers apart: the same jti from another client is not a replay', () => {
    const store = new ReplayStore();
    store.insertIfAbsent('client-a', '1', T0 + 60_000, T0);
    const got = store.insertIfAbsent('client-b', '1', T0 + 60_000, T0);
    expect(got, ruleMessage('RFC 7519 §4.1.7', 'jti is unique per issuer, so the key is (iss, jti)', true, got)).toBe(true);
  });

  it('never confuses ("a.b", "c") with ("a", "b.c") or any other split', () => {
    const pairs: [string, string][] = [['a.b', 'c'], ['a', 'b.c'], ['a:b', 'c'], ['a', 'b:c'], ['a|b', 'c'], ['a', 'b|c'], ['["a"', '"b"]'], ['a', ''], ['', 'a']];
    const store = new ReplayStore();
    for (const [iss, jti] of pairs) {
      const got = store.insertIfAbsent(iss, jti, T0 + 60_000, T0);
      expect(got, ruleMessage('RFC 7523 §3 (7)', `(${JSON.stringify(iss)}, ${JSON.stringify(jti)}) is a new pair; a key joined with a separator is ambiguous`, true, got)).toBe(true);
    }
  });

  it('accepts exactly one of many inserts of the same generated jti', () => {
    const store = new ReplayStore();
    for (let n = 0; n < 100; n++) {
      const jti = `jti-${n}`;
      const results = Array.from({ length: 5 }, () => store.insertIfAbsent('client-a', jti, T0 + 60_000, T0 + n));
      expect(results.filter(Boolean).length, ruleMessage('RFC 7523 §3 (7)', `of 5 uses of ${jti}, exactly one is accepted`, 1, results)).toBe(1);
    }
  });
});
