/**
 * Chapter 00 · From Base64 to Base64URL
 *
 * Keys, signatures and certificates travel as text. Certificates (PEM, a JWK's x5c) use Base64
 * (RFC 4648 §4): the alphabet A–Z a–z 0–9 + / and '=' padding up to a multiple of 4 characters.
 * JOSE, and with it every JWT of this course, uses Base64URL (RFC 4648 §5) without padding
 * (RFC 7515 §2): '-' instead of '+', '_' instead of '/', and no '='.
 *
 * Write the conversion from the first to the second. Input that is not Base64 (a character outside
 * the alphabet, '=' anywhere but at the end, a length that is not a multiple of 4) is refused with a
 * CodedError whose code is ERR_BASE64: guessing would hide a bug in whoever produced it.
 */
import { CodedError } from '@client-auth-lab/lib';

export { CodedError };

/** The same bytes as `base64`, written in unpadded Base64URL. */
export function base64ToBase64Url(base64: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new CodedError('ERR_BASE64', `'${base64}' is not Base64: only A-Z a-z 0-9 + / in groups of four, with at most two '=' at the end`, 'RFC 4648 §4');
  }
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
