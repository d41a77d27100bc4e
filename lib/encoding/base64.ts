/**
 * Base64 (RFC 4648 §4), Base64URL (RFC 4648 §5) and hex, decoded strictly: Node's own decoders skip
 * characters they do not know, which would hide a damaged input from a learner.
 */
import { EncodingError } from './errors.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const HEX = /^[0-9a-fA-F]*$/;

function stripWhitespace(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Standard Base64 with padding (RFC 4648 §4), the form of PEM bodies and of JWK `x5c` (RFC 7517 §4.7). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Base64URL without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Lowercase hex; `separator` puts e.g. ':' or ' ' between octets. */
export function toHex(bytes: Uint8Array, separator = ''): string {
  const parts: string[] = [];
  for (const byte of bytes) parts.push(byte.toString(16).padStart(2, '0'));
  return parts.join(separator);
}

/** Decodes standard Base64; whitespace (line breaks of PEM bodies) is ignored, padding is optional. */
export function fromBase64(text: string): Uint8Array {
  const compact = stripWhitespace(text);
  // RFC 4648 §4: only the 64 letters plus '=' padding at the very end.
  if (!BASE64.test(compact)) {
    throw new EncodingError('ERR_BASE64_MALFORMED', 'not Base64: only A-Z a-z 0-9 + / and trailing = are allowed', 'RFC 4648 §4');
  }
  const body = compact.replace(/=+$/, '');
  // A single leftover character carries 6 bits, not a whole octet.
  if (body.length % 4 === 1) {
    throw new EncodingError('ERR_BASE64_MALFORMED', `not Base64: ${body.length} characters cannot encode whole octets`, 'RFC 4648 §4');
  }
  // With padding, the padded length must be a multiple of 4 (RFC 4648 §3.2).
  if (compact.length !== body.length && compact.length % 4 !== 0) {
    throw new EncodingError('ERR_BASE64_MALFORMED', 'not Base64: wrong amount of = padding', 'RFC 4648 §3.2');
  }
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** Decodes Base64URL without padding (RFC 7515 §2 forbids the '=' padding in JOSE). */
export function fromBase64Url(text: string): Uint8Array {
  const compact = stripWhitespace(text);
  // RFC 4648 §5: '+' and '/' are replaced by '-' and '_'.
  if (!BASE64URL.test(compact)) {
    throw new EncodingError('ERR_BASE64URL_MALFORMED', 'not Base64URL: only A-Z a-z 0-9 - _ are allowed, without = padding', 'RFC 4648 §5');
  }
  if (compact.length % 4 === 1) {
    throw new EncodingError('ERR_BASE64URL_MALFORMED', `not Base64URL: ${compact.length} characters cannot encode whole octets`, 'RFC 4648 §5');
  }
  return new Uint8Array(Buffer.from(compact, 'base64url'));
}

/** Decodes hex; whitespace, ':' and '-' separators and a leading 0x are allowed ("30 19 31 17", "96:8C:28"). */
export function fromHex(text: string): Uint8Array {
  const compact = stripWhitespace(text).replace(/^0x/i, '').replace(/[:-]/g, '');
  if (!HEX.test(compact)) {
    throw new EncodingError('ERR_HEX_MALFORMED', 'not hex: only 0-9 a-f A-F and the separators space, ":" and "-" are allowed');
  }
  if (compact.length % 2 !== 0) {
    throw new EncodingError('ERR_HEX_MALFORMED', `not hex: ${compact.length} digits is an odd number, octets need two each`);
  }
  return new Uint8Array(Buffer.from(compact, 'hex'));
}
