/**
 * The application/x-www-form-urlencoded encoding of RFC 6749 Appendix B, which §2.3.1 applies to the
 * client_id and client_secret before they go into a Basic header. Leaving it out is a classic
 * interoperability bug: a secret containing ':' '+' '%' or '&' then reaches the server changed.
 */
import { CodedError } from '../errors.js';

const UNRESERVED = /[A-Za-z0-9*\-._]/;
const PRINTABLE_ASCII_WITHOUT_ESCAPES = /^[\x20-\x24\x26-\x7e]*$/;

/** Encodes a value as RFC 6749 Appendix B (the WHATWG form-urlencoded byte serializer). */
export function formUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte === 0x20) out += '+';
    else if (byte < 0x80 && UNRESERVED.test(ch)) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decodes an Appendix B value: '+' is a space, then %XX sequences are octets, and the octets must be
 * UTF-8. A stray '%' or invalid UTF-8 is an error rather than a silent guess.
 */
export function formUrlDecode(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  if (/%(?![0-9A-Fa-f]{2})/.test(spaced)) {
    throw new CodedError('ERR_FORM_ENCODING', `'${value}' has a '%' that does not start a %XX escape (RFC 6749 Appendix B)`, 'RFC 6749 Appendix B');
  }
  // Printable ASCII without an escape decodes to itself (every Basic header of the token endpoint's hot path).
  if (PRINTABLE_ASCII_WITHOUT_ESCAPES.test(spaced)) return spaced;
  const bytes: number[] = [];
  for (let i = 0; i < spaced.length; i++) {
    const ch = spaced[i] as string;
    if (ch === '%') {
      bytes.push(parseInt(spaced.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new CodedError('ERR_FORM_ENCODING', `'${value}' does not decode to UTF-8 (RFC 6749 Appendix B)`, 'RFC 6749 Appendix B');
  }
}
