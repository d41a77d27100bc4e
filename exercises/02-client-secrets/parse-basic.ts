/**
 * Exercise 02-parse-basic: read a client_secret_basic header strictly, as the server.
 *
 * Story: the token endpoint receives `Authorization: Basic …`. Being lenient here is how servers end
 * up accepting two spellings of one credential, or crashing on garbage. The rules, in order:
 *
 * 1. the scheme is "Basic", compared case-insensitively (RFC 7235 §2.1), then one token;
 *    anything else → code ERR_BASIC_MALFORMED (RFC 7617 §2);
 * 2. the token is strict padded Base64 (RFC 4648 §4: only A–Z a–z 0–9 + /, '=' padding, length a
 *    multiple of 4) → otherwise ERR_BASIC_BASE64;
 * 3. the decoded text is split at the FIRST ':' (RFC 7617 §2: the user-id cannot contain ':', the
 *    password can) → no ':' at all is ERR_BASIC_NO_COLON;
 * 4. each side is decoded with RFC 6749 Appendix B (`formUrlDecode`, given: it throws a coded error
 *    on a stray '%') (RFC 6749 §2.3.1).
 *
 * Throw `CodedError(code, message, spec)` from the lib; the token endpoint turns it into
 * `invalid_client` (RFC 6749 §5.2).
 */
import { CodedError, formUrlDecode } from '@client-auth-lab/lib';

export { CodedError, formUrlDecode };

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseBasic(header: string): BasicCredentials {
  const match = /^basic +(\S+) *$/i.exec(header.trim());
  if (match === null) throw new CodedError('ERR_BASIC_MALFORMED', 'the Authorization header is not "Basic <token>"', 'RFC 7617 §2');
  const token = match[1] as string;
  // TODO: check the token against STRICT_BASE64 (ERR_BASIC_BASE64), decode it as UTF-8, split at the
  // first ':' (ERR_BASIC_NO_COLON when there is none) and formUrlDecode both sides.
  throw new Error(`TODO: decode the Basic token ${token}`);
}
