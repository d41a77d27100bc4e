/**
 * Splitting and decoding a compact JWS (RFC 7515 §7.1) without trusting it yet: every way the
 * text can be malformed becomes a coded error instead of an exception from deep inside a decoder.
 */
import { CodedError } from '../errors.js';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The exact bytes that were signed: BASE64URL(header) '.' BASE64URL(payload). */
  signingInput: string;
  signature: Uint8Array;
}

/** The largest compact JWT the lab will look at (64 KiB): assertions are a few hundred bytes. */
export const MAX_JWT_LENGTH = 65_536;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url without padding (RFC 7515 §2), refusing any other alphabet or padding. */
export function decodeBase64UrlStrict(text: string, part: string): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) {
    throw new CodedError('ERR_JWT_MALFORMED', `the JWT ${part} is not base64url without padding (RFC 7515 §2)`, 'RFC 7515 §2');
  }
  return Buffer.from(text, 'base64url');
}

function decodeJsonObject(text: string, part: string): Record<string, unknown> {
  const bytes = decodeBase64UrlStrict(text, part);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch {
    throw new CodedError('ERR_JWT_MALFORMED', `the JWT ${part} is not UTF-8 JSON (RFC 7519 §7.2)`, 'RFC 7519 §7.2');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CodedError('ERR_JWT_MALFORMED', `the JWT ${part} is JSON but not an object (RFC 7519 §7.2)`, 'RFC 7519 §7.2');
  }
  return value as Record<string, unknown>;
}

/** Splits a compact JWS into its decoded parts. Verifies nothing. */
export function decodeCompactJwt(compact: string): DecodedJwt {
  if (typeof compact !== 'string' || compact.length === 0) {
    throw new CodedError('ERR_JWT_MALFORMED', 'no JWT was given', 'RFC 7515 §7.1');
  }
  if (compact.length > MAX_JWT_LENGTH) {
    throw new CodedError('ERR_JWT_TOO_LARGE', `the JWT is ${compact.length} characters, more than the ${MAX_JWT_LENGTH} allowed`);
  }
  const parts = compact.split('.');
  if (parts.length === 5) {
    throw new CodedError('ERR_JWT_MALFORMED', 'this is an encrypted JWT (JWE, five parts); a client assertion is a signed JWS of three parts', 'RFC 7516 §7.1');
  }
  if (parts.length !== 3) {
    throw new CodedError('ERR_JWT_MALFORMED', `a compact JWS has three dot-separated parts, this value has ${parts.length} (RFC 7515 §7.1)`, 'RFC 7515 §7.1');
  }
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJsonObject(h, 'header');
  const payload = decodeJsonObject(p, 'payload');
  const signature = decodeBase64UrlStrict(s, 'signature');
  return { header, payload, signingInput: `${h}.${p}`, signature };
}
