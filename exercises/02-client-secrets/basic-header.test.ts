import { describe, expect, it } from 'vitest';
import { basicAuthorization } from './basic-header.js';
import { useLab, traceOf } from '../support/lab.js';
import { expectTokenResponse, ruleMessage } from '../support/expectations.js';

const CLIENTS = [
  { client_id: 'billing:eu', client_secret: 'p+ss:w%rd &= ü', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] },
  { client_id: 'plain-client', client_secret: 'plainsecret123', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] },
];
const lab = useLab({ clients: CLIENTS });

function decodedPayload(header: string): string {
  return Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
}

describe('basicAuthorization', () => {
  it('builds the header of RFC 6749 §2.3.1 for a plain id and secret', () => {
    const header = basicAuthorization('plain-client', 'plainsecret123');
    const expected = `Basic ${Buffer.from('plain-client:plainsecret123').toString('base64')}`;
    expect(header, ruleMessage('RFC 7617 §2', 'the header is "Basic " + base64(id ":" secret)', expected, header)).toBe(expected);
  });

  it('form-urlencodes id and secret before Base64 (RFC 6749 §2.3.1, Appendix B)', () => {
    const header = basicAuthorization('billing:eu', 'p+ss:w%rd &= ü');
    const expected = 'billing%3Aeu:p%2Bss%3Aw%25rd+%26%3D+%C3%BC';
    expect(decodedPayload(header), ruleMessage('RFC 6749 §2.3.1', 'the client_id and secret are form-urlencoded (Appendix B: space is "+", ":" is "%3A") before Base64', expected, decodedPayload(header))).toBe(expected);
  });

  it('accepts: the lab issues a token for the header built from a punctuation-heavy secret', async () => {
    const header = basicAuthorization('billing:eu', 'p+ss:w%rd &= ü');
    const response = await lab().request(lab().urls.token, { headers: { authorization: header }, form: { grant_type: 'client_credentials' } });
    expectTokenResponse(response, traceOf(lab(), 'billing:eu'), 'RFC 6749 §2.3.1', 'the authorization server must accept the client_secret_basic header');
  });

  it('accepts: the lab issues a token for a plain client too', async () => {
    const response = await lab().request(lab().urls.token, { headers: { authorization: basicAuthorization('plain-client', 'plainsecret123') }, form: { grant_type: 'client_credentials' } });
    expectTokenResponse(response, traceOf(lab(), 'plain-client'), 'RFC 6749 §2.3.1', 'the authorization server must accept the client_secret_basic header');
  });

  it('encodes generated secrets so that they decode back exactly', () => {
    const alphabet = 'aZ09 :+%&=/?#~é€😀';
    for (let n = 0; n < 50; n++) {
      let secret = '';
      for (let i = 0; i < 12; i++) secret += [...alphabet][(n * 7 + i * 13) % [...alphabet].length];
      const payload = decodedPayload(basicAuthorization('c', secret));
      const back = decodeURIComponent((payload.split(':')[1] ?? '').replace(/\+/g, ' '));
      expect(back, ruleMessage('RFC 6749 Appendix B', `the secret ${JSON.stringify(secret)} must decode back unchanged (a single ":" separates the parts)`, secret, back)).toBe(secret);
    }
  });
});
