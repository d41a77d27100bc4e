import { describe, expect, it } from 'vitest';
import { parseFormUrlEncoded } from '@client-auth-lab/lab-server';
import { codeOf } from '../support/coded.js';

describe('application/x-www-form-urlencoded (RFC 6749 Appendix B)', () => {
  it('decodes + as a space and %XX as UTF-8 octets', () => {
    expect(parseFormUrlEncoded('a=b+c&d=%C3%A9%2B')).toEqual({ a: 'b c', d: 'é+' });
  });
  it('keeps a repeated parameter as an array so that lib can refuse it (RFC 6749 §3.2)', () => {
    expect(parseFormUrlEncoded('scope=a&scope=b&scope=c').scope).toEqual(['a', 'b', 'c']);
  });
  it('treats a parameter without a value as omitted (RFC 6749 §3.1)', () => {
    expect(parseFormUrlEncoded('client_secret=&client_id=x&flag')).toEqual({ client_id: 'x' });
  });
  it('rejects broken percent-encoding because it cannot be decoded', () => {
    expect(codeOf(() => parseFormUrlEncoded('a=%zz'))).toBe('ERR_FORM_ENCODING');
    expect(codeOf(() => parseFormUrlEncoded('a=%C3%28'))).toBe('ERR_FORM_ENCODING');
  });
  it('rejects U+0000 in a name or a value because no parameter syntax of RFC 6749 Appendix A admits it', () => {
    expect(codeOf(() => parseFormUrlEncoded('client_id=a%00b'))).toBe('ERR_FORM_NUL');
    expect(codeOf(() => parseFormUrlEncoded('sc%00ope=read'))).toBe('ERR_FORM_NUL');
    expect(() => parseFormUrlEncoded('ok=1&scope=a%00')).toThrow(/'scope'/);
  });
  it('is not fooled by __proto__', () => {
    const form = parseFormUrlEncoded('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(form.constructor).toBe('y');
  });
});

describe('application/x-www-form-urlencoded through URLSearchParams, with the lab\'s strictness', () => {
  it('accepts U+FFFD the client really sent, as itself or as %EF%BF%BD', () => {
    expect(parseFormUrlEncoded('a=%EF%BF%BD&b=\uFFFD')).toEqual({ a: '\uFFFD', b: '\uFFFD' });
  });
  it('rejects a lone % and octets that are not UTF-8 and names the parameter', () => {
    expect(codeOf(() => parseFormUrlEncoded('ok=1&bad=100%'))).toBe('ERR_FORM_ENCODING');
    expect(() => parseFormUrlEncoded('ok=%41&bad=%FF')).toThrow(/'bad'/);
  });
});
