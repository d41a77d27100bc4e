/**
 * client_secret_basic: the client_id and client_secret in an HTTP Basic Authorization header
 * (RFC 6749 §2.3.1, RFC 7617 §2), each form-urlencoded (Appendix B) before they are joined and
 * Base64-encoded.
 */
import { CodedError } from '../errors.js';
import { formUrlDecode, formUrlEncode } from './form-encoding.js';

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** The challenge sent with a 401 when the client used Basic (RFC 6749 §5.2, RFC 7617 §2). */
export const BASIC_CHALLENGE = 'Basic realm="client-auth-lab", charset="UTF-8"';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Builds the header value a client sends: Basic base64(urlencode(id) ':' urlencode(secret)). */
export function encodeClientSecretBasic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** Whether an Authorization header uses the Basic scheme (scheme names are case-insensitive, RFC 7235 §2.1). */
export function isBasicAuthorization(header: string | undefined): boolean {
  return header !== undefined && /^basic(?:\s|$)/i.test(header.trimStart());
}

/** CTL of RFC 5234 Appendix B.1. */
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;

/**
 * Parses a Basic Authorization header into client credentials. Malformed input is a coded error:
 * strict Base64 (RFC 4648 §4, padded, no line breaks), split at the first ':' (RFC 7617 §2), then each
 * side decoded per RFC 6749 Appendix B.
 */
export function parseClientSecretBasic(header: string): BasicCredentials {
  const match = /^basic +(\S*) *$/i.exec(header.trim());
  if (match === null) {
    throw new CodedError('ERR_BASIC_MALFORMED', 'the Authorization header is not "Basic <base64>" (RFC 7617 §2)', 'RFC 7617 §2');
  }
  const token = match[1] as string;
  if (token.length === 0 || !STRICT_BASE64.test(token)) {
    throw new CodedError('ERR_BASIC_BASE64', 'the Basic credentials are not valid padded Base64 (RFC 7617 §2, RFC 4648 §4)', 'RFC 7617 §2; RFC 4648 §4');
  }
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(token, 'base64'));
  } catch {
    throw new CodedError('ERR_BASIC_CHARSET', 'the Basic credentials are not UTF-8 (RFC 7617 §2.1)', 'RFC 7617 §2.1');
  }
  if (CONTROL_CHARACTER.test(decoded)) {
    throw new CodedError('ERR_BASIC_CONTROL_CHARACTER', 'the Basic credentials contain a control character; the user-id and password MUST NOT (RFC 7617 §2)', 'RFC 7617 §2');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    throw new CodedError('ERR_BASIC_NO_COLON', 'the Basic credentials have no ":" between client_id and client_secret (RFC 7617 §2)', 'RFC 7617 §2');
  }
  let credentials: BasicCredentials;
  try {
    credentials = { clientId: formUrlDecode(decoded.slice(0, colon)), clientSecret: formUrlDecode(decoded.slice(colon + 1)) };
  } catch (error) {
    const coded = error as CodedError;
    throw new CodedError('ERR_BASIC_FORM_ENCODING', `${coded.message}; RFC 6749 §2.3.1 requires client_id and client_secret to be form-urlencoded inside the Basic header`, 'RFC 6749 §2.3.1');
  }
  // Form-decoding can make one (%00, %0A): client-id and client-secret are *VSCHAR, which has none.
  if (CONTROL_CHARACTER.test(credentials.clientId) || CONTROL_CHARACTER.test(credentials.clientSecret)) {
    throw new CodedError('ERR_BASIC_CONTROL_CHARACTER', 'the client_id or client_secret in the Basic credentials decodes to a control character, which client-id and client-secret (*VSCHAR) do not admit (RFC 6749 Appendix A.1, A.2)', 'RFC 6749 Appendix A.1; RFC 6749 Appendix A.2');
  }
  return credentials;
}
