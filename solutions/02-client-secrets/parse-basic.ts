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
  if (!STRICT_BASE64.test(token)) throw new CodedError('ERR_BASIC_BASE64', 'the Basic token is not padded Base64', 'RFC 7617 §2; RFC 4648 §4');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new CodedError('ERR_BASIC_NO_COLON', 'no ":" between client_id and client_secret', 'RFC 7617 §2');
  return { clientId: formUrlDecode(decoded.slice(0, colon)), clientSecret: formUrlDecode(decoded.slice(colon + 1)) };
}
