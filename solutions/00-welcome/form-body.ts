/**
 * Chapter 00 · A token request body, form-encoded
 *
 * A token request is not JSON: its body is application/x-www-form-urlencoded (RFC 6749 Appendix B),
 * whose rules are now those of the WHATWG URL Standard's urlencoded serializer:
 *
 * - each name and each value is encoded separately, as its UTF-8 bytes;
 * - the ASCII letters and digits and the four characters * - . _ are kept as they are;
 * - a space (0x20) becomes '+';
 * - every other byte becomes '%' followed by two upper-case hexadecimal digits;
 * - the pairs are written name=value, joined by '&', in the order given.
 *
 * So '&', '=', '+', '%' and ':' inside a value can never break the form apart.
 */

/** The body of a form POST carrying these parameters, in this order. */
export function formBody(parameters: [name: string, value: string][]): string {
  const encode = (text: string): string => encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
  return parameters.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}
