import { describe, it } from 'vitest';
import { expectCode, expectNoThrow, expectRule, expectTrue } from '../support/expectations.js';
import { base64ToBase64Url } from './base64url.js';

const convert = (base64: string) => expectNoThrow(() => base64ToBase64Url(base64), 'RFC 4648 §5', 'valid Base64 must be converted without an error');

describe('base64ToBase64Url: the JOSE form of Base64 (RFC 4648 §5, RFC 7515 §2)', () => {
  it('accepts the bytes FB FF BF 3E and writes - and _ where Base64 has + and /', async () => {
    expectRule(await convert('+/+/Pg=='), '-_-_Pg', 'RFC 4648 §5', "'+' becomes '-', '/' becomes '_', and the padding goes");
  });

  it('accepts one, two and three bytes and drops exactly the padding', async () => {
    expectRule(await convert('YQ=='), 'YQ', 'RFC 7515 §2', 'one byte: two characters, no "=="');
    expectRule(await convert('YWI='), 'YWI', 'RFC 7515 §2', 'two bytes: three characters, no "="');
    expectRule(await convert('YWJj'), 'YWJj', 'RFC 4648 §4', 'three bytes need no padding: nothing changes');
    expectRule(await convert(''), '', 'RFC 4648 §10', 'no bytes, no characters');
  });

  it('accepts random bytes and agrees with node\'s own base64url (generated vectors)', async () => {
    let seed = 7;
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        bytes[i] = seed % 256;
      }
      const got = await convert(bytes.toString('base64'));
      expectRule(got, bytes.toString('base64url'), 'RFC 4648 §5', `the ${length} bytes ${bytes.toString('hex')}`);
      expectTrue(!/[+/=]/.test(got), 'RFC 7515 §2', 'Base64URL without padding has no "+", "/" or "="', got);
    }
  });

  it('rejects text outside the Base64 alphabet because it is not Base64', async () => {
    await expectCode(() => base64ToBase64Url('-_-_Pg'), 'ERR_BASE64', 'RFC 4648 §4', "'-' and '_' belong to Base64URL: this input is already converted, or broken");
    await expectCode(() => base64ToBase64Url('YW J j'), 'ERR_BASE64', 'RFC 4648 §3.3', 'a space is no Base64 character');
  });

  it('rejects misplaced padding and a length that is not a multiple of 4', async () => {
    await expectCode(() => base64ToBase64Url('Y=Q='), 'ERR_BASE64', 'RFC 4648 §3.3', "'=' may only end the text");
    await expectCode(() => base64ToBase64Url('YWJjZ'), 'ERR_BASE64', 'RFC 4648 §4', 'Base64 comes in groups of four characters');
    await expectCode(() => base64ToBase64Url('YQ==='), 'ERR_BASE64', 'RFC 4648 §4', 'at most two "=" at the end');
  });
});
