/**
 * Turning errors into wire answers: an OAuthError becomes the JSON body of RFC 6749 §5.2 with
 * Cache-Control: no-store, and 401 + WWW-Authenticate when the client used Basic. A coded error from a
 * parser is a bad request. Anything else is logged; it is answered as server_error only when it is
 * truly the server's fault (InternalError), otherwise as invalid_request — never as a crash.
 */
import { CodedError, OAuthError, type OAuthErrorCode } from '@client-auth-lab/lib';

/** A failure of the server itself (the disk, a bug in state handling), not of the request. */
export class InternalError extends Error {
  override name = 'InternalError';
}

/** Error values used by the server that lib's OAuthErrorCode does not list (CIBA Core §13, RFC 6749 §4.1.2.1, RFC 6750 §3.1). */
export type LabErrorCode = OAuthErrorCode | 'unknown_user_id' | 'unsupported_response_type' | 'invalid_binding_message' | 'method_not_allowed' | 'not_found';

export function labError(error: LabErrorCode, code: string, description: string, spec: string, status?: number): OAuthError {
  return new OAuthError(error as OAuthErrorCode, code, description, { spec, ...(status === undefined ? {} : { status }) });
}

/** Headers every error response carries (RFC 6749 §5.1 applies to errors as well). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function asOAuthError(error: unknown, log: (message: string) => void): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof InternalError) {
    log(`lab-server: internal error: ${error.stack ?? error.message}`);
    return new OAuthError('server_error', 'ERR_INTERNAL', 'the server could not complete the request; see its log', { status: 500 });
  }
  if (error instanceof CodedError) {
    return new OAuthError('invalid_request', error.code, error.message, { status: 400, ...(error.spec === undefined ? {} : { spec: error.spec }) });
  }
  log(`lab-server: unexpected error, answered as invalid_request: ${(error as Error)?.stack ?? String(error)}`);
  return new OAuthError('invalid_request', 'ERR_UNEXPECTED', `the request could not be processed: ${(error as Error)?.message ?? String(error)}`, { status: 400 });
}

export function errorResponseHeaders(error: OAuthError): Record<string, string> {
  const headers: Record<string, string> = { ...NO_STORE_HEADERS };
  // RFC 6749 §5.2: 401 with a WWW-Authenticate matching the scheme the client used.
  if (error.status === 401 && error.wwwAuthenticate !== undefined) headers['WWW-Authenticate'] = error.wwwAuthenticate;
  // RFC 9110 §10.2.3: a 429 or 503 says when to try again.
  const retryAfter = (error as OAuthError & { retryAfterSeconds?: number }).retryAfterSeconds;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return headers;
}
