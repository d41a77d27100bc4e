import { describe, expect, it } from 'vitest';
import { encodeClientSecretBasic } from '@client-auth-lab/lib';
import { parseBasic } from './parse-basic.js';
import { expectCode, ruleMessage } from '../support/expectations.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseBasic', () => {
  it('accepts a plain header and returns both parts', () => {
    const got = parseBasic(`Basic ${b64('s6BhdRkqt3:gX1fBat3bV')}`);
    expect(got, ruleMessage('RFC 6749 §2.3.1', 'the example client of RFC 6749 §2.3.1 parses to its id and secret', { clientId: 's6BhdRkqt3', clientSecret: 'gX1fBat3bV' }, got)).toEqual({ clientId: 's6BhdRkqt3', clientSecret: 'gX1fBat3bV' });
  });

  it('accepts any case of the scheme name (RFC 7235 §2.1)', () => {
    const got = parseBasic(`bAsIc ${b64('a:b')}`);
    expect(got, ruleMessage('RFC 7235 §2.1', 'auth-scheme names are case-insensitive', { clientId: 'a', clientSecret: 'b' }, got)).toEqual({ clientId: 'a', clientSecret: 'b' });
  });

  it('splits at the first colon: the secret may contain more', () => {
    const got = parseBasic(`Basic ${b64('app:se:cr:et')}`);
    expect(got, ruleMessage('RFC 7617 §2', 'the user-id ends at the first ":"; the rest is the password', { clientId: 'app', clientSecret: 'se:cr:et' }, got)).toEqual({ clientId: 'app', clientSecret: 'se:cr:et' });
  });

  it('form-urldecodes both parts (RFC 6749 Appendix B)', () => {
    const got = parseBasic(`Basic ${b64('billing%3Aeu:p%2Bss+w%25rd')}`);
    expect(got, ruleMessage('RFC 6749 §2.3.1', 'each part is Appendix B decoded: %3A is ":", "+" is a space', { clientId: 'billing:eu', clientSecret: 'p+ss w%rd' }, got)).toEqual({ clientId: 'billing:eu', clientSecret: 'p+ss w%rd' });
  });

  it('round-trips generated credentials encoded by the lib', () => {
    const pieces = ['a', ':', '+', ' ', '%', '&', '=', 'é', '€', '😀', 'Z9', '/'];
    for (let n = 0; n < 60; n++) {
      const id = pieces.slice(n % 5, (n % 5) + 1 + (n % 4)).join('');
      const secret = pieces.map((p, i) => pieces[(i * n + 3) % pieces.length] ?? p).join('');
      const got = parseBasic(encodeClientSecretBasic(id, secret));
      expect(got, ruleMessage('RFC 6749 §2.3.1', 'what a correct client encodes must parse back exactly', { clientId: id, clientSecret: secret }, got)).toEqual({ clientId: id, clientSecret: secret });
    }
  });

  it('rejects a token that is not strict padded Base64 because RFC 4648 §4 leaves no room for variants', async () => {
    for (const token of ['YTpi=', 'YTpi!', 'YTp', 'YQ=', '-_-_']) {
      await expectCode(() => parseBasic(`Basic ${token}`), 'ERR_BASIC_BASE64', 'RFC 7617 §2; RFC 4648 §4', `"${token}" is not padded standard Base64`);
    }
  });

  it('rejects decoded text without a colon because RFC 7617 §2 needs user-id ":" password', async () => {
    await expectCode(() => parseBasic(`Basic ${b64('just-an-id')}`), 'ERR_BASIC_NO_COLON', 'RFC 7617 §2', 'there must be a ":" between client_id and client_secret');
  });

  it('rejects a stray % because Appendix B has no meaning for it', async () => {
    await expectCode(() => parseBasic(`Basic ${b64('app:100%')}`), 'ERR_FORM_ENCODING', 'RFC 6749 Appendix B', 'a "%" must start a %XX escape');
  });
});
