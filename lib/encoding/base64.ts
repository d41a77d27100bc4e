/** Base64 (RFC 4648 §4), Base64URL (RFC 4648 §5) and hex, decoded strictly: Node's own decoders skip characters they do not know, which
 * would hide a damaged input from a learner. */
import { EncodingError } from './errors.js';

const compact = (text: string): string => text.replace(/\s+/g, '');
const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
/** Standard Base64 with padding (RFC 4648 §4), the form of PEM bodies and of JWK `x5c` (RFC 7517 §4.7). */
export const toBase64 = (bytes: Uint8Array): string => view(bytes).toString('base64');
/** Base64URL without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2). */
export const toBase64Url = (bytes: Uint8Array): string => view(bytes).toString('base64url');
/** Lowercase hex; `separator` puts e.g. ':' or ' ' between octets. */
export const toHex = (bytes: Uint8Array, separator = ''): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(separator);

/** Decodes standard Base64; whitespace (line breaks of PEM bodies) is ignored, padding is optional. */
export function fromBase64(text: string): Uint8Array {
  const all = compact(text);
  const body = all.replace(/=+$/, '');
  const fail = (message: string, spec = 'RFC 4648 §4'): never => {
    throw new EncodingError('ERR_BASE64_MALFORMED', `not Base64: ${message}`, spec);
  };
  // RFC 4648 §4: only the 64 letters plus '=' padding at the very end.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(all)) fail('only A-Z a-z 0-9 + / and trailing = are allowed');
  // A single leftover character carries 6 bits, not a whole octet.
  if (body.length % 4 === 1) fail(`${body.length} characters cannot encode whole octets`);
  // With padding, the padded length must be a multiple of 4 (RFC 4648 §3.2).
  if (all.length !== body.length && all.length % 4 !== 0) fail('wrong amount of = padding', 'RFC 4648 §3.2');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** Decodes Base64URL without padding (RFC 7515 §2 forbids the '=' padding in JOSE). */
export function fromBase64Url(text: string): Uint8Array {
  const all = compact(text);
  const fail = (message: string): never => {
    throw new EncodingError('ERR_BASE64URL_MALFORMED', `not Base64URL: ${message}`, 'RFC 4648 §5');
  };
  // RFC 4648 §5: '+' and '/' are replaced by '-' and '_'.
  if (!/^[A-Za-z0-9_-]*$/.test(all)) fail('only A-Z a-z 0-9 - _ are allowed, without = padding');
  if (all.length % 4 === 1) fail(`${all.length} characters cannot encode whole octets`);
  return new Uint8Array(Buffer.from(all, 'base64url'));
}

/** Decodes hex; whitespace, ':' and '-' separators and a leading 0x are allowed ("30 19 31 17", "96:8C:28"). */
export function fromHex(text: string): Uint8Array {
  const digits = compact(text).replace(/^0x/i, '').replace(/[:-]/g, '');
  const fail = (message: string): never => { throw new EncodingError('ERR_HEX_MALFORMED', `not hex: ${message}`); };
  if (!/^[0-9a-fA-F]*$/.test(digits)) fail('only 0-9 a-f A-F and the separators space, ":" and "-" are allowed');
  if (digits.length % 2 !== 0) fail(`${digits.length} digits is an odd number, octets need two each`);
  return new Uint8Array(Buffer.from(digits, 'hex'));
}
