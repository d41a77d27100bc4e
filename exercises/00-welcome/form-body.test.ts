import { describe, it } from 'vitest';
import { formUrlDecode } from '@client-auth-lab/lib';
import { expectNoThrow, expectRule } from '../support/expectations.js';
import { formBody } from './form-body.js';

const SECTION = 'RFC 6749 Appendix B; WHATWG URL Standard §5.2';
const body = (pairs: [string, string][]) => expectNoThrow(() => formBody(pairs), SECTION, 'any names and values must be serialized without an error');

describe('formBody: application/x-www-form-urlencoded, as the WHATWG URL Standard serializes it', () => {
  it('accepts a plain token request and joins name=value pairs with & in the order given', async () => {
    expectRule(await body([['grant_type', 'client_credentials'], ['scope', 'read']]), 'grant_type=client_credentials&scope=read', SECTION, 'letters, digits and _ stay as they are');
  });

  it("writes a space as '+' and '+' itself as %2B", async () => {
    expectRule(await body([['scope', 'read write+admin']]), 'scope=read+write%2Badmin', SECTION, "a space becomes '+', so a real '+' must be escaped");
  });

  it('escapes & = % : / ~ ! and keeps only * - . _ among the punctuation', async () => {
    expectRule(await body([['client_secret', 'a&b=c%d:e/f~g!h*i-j.k_l']]), 'client_secret=a%26b%3Dc%25d%3Ae%2Ff%7Eg%21h*i-j.k_l', SECTION,
      "'&', '=', '%', ':', '/', '~' and '!' become %XX with upper-case hex (unlike encodeURIComponent, which keeps '~' and '!')");
  });

  it('encodes the UTF-8 bytes of names and values', async () => {
    expectRule(await body([['user name', 'Zoë 漢']]), 'user+name=Zo%C3%AB+%E6%BC%A2', SECTION, 'each byte of the UTF-8 encoding becomes one %XX');
  });

  it('accepts generated values and round-trips them through the lab\'s decoder (generated vectors)', async () => {
    const alphabet = 'aZ09 *-._+&=%:/~!\'()é漢';
    let seed = 11;
    for (let i = 0; i < 40; i++) {
      let value = '';
      for (let c = 0; c < 1 + (i % 9); c++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        value += alphabet[seed % alphabet.length];
      }
      const got = await body([['v', value]]);
      expectRule(got, `v=${new URLSearchParams([['v', value]]).toString().slice(2)}`, SECTION, `the value ${JSON.stringify(value)}`);
      expectRule(formUrlDecode(got.slice(2)), value, 'RFC 6749 Appendix B', 'decoding the encoded value gives it back');
    }
  });
});
