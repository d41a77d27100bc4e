/**
 * Errors with stable codes. A `CodedError` is any refusal the lab explains (a parser, a tool);
 * an `OAuthError` is one that also maps onto the wire: the OAuth `error` value, the HTTP status and,
 * where Basic was used, the `WWW-Authenticate` challenge (RFC 6749 §5.2).
 */
import type { Check } from './checks.js';

export class CodedError extends Error {
  override name = 'CodedError';
  /** Stable, machine-readable code such as `ERR_ASSERTION_EXPIRED`. */
  readonly code: string;
  /** The spec section that states the rule that was broken, e.g. "RFC 7523 §3 (4)". */
  readonly spec: string | undefined;

  constructor(code: string, message: string, spec?: string) {
    super(message);
    this.code = code;
    this.spec = spec;
  }
}

/** Error codes of RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 6750 §3.1 and RFC 7009 §2.2.1 used by the lab. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'invalid_software_statement'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'unknown_user_id'
  | 'unsupported_response_type'
  | 'invalid_binding_message'
  | 'server_error';

export interface OAuthErrorOptions {
  /** HTTP status; defaults to 401 for invalid_client and 400 otherwise (RFC 6749 §5.2); a 401 without a challenge becomes 400. */
  status?: number;
  spec?: string;
  /** Set when the client authenticated (or tried to) with the Basic scheme. */
  wwwAuthenticate?: string;
  /** The checks made before the failure, the failed one last. */
  checks?: readonly Check[];
}

export class OAuthError extends CodedError {
  override name = 'OAuthError';
  /** The OAuth `error` value sent on the wire. */
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly wwwAuthenticate: string | undefined;
  checks: readonly Check[];

  constructor(error: OAuthErrorCode, code: string, description: string, options: OAuthErrorOptions = {}) {
    super(code, description, options.spec);
    this.error = error;
    // RFC 9110 §15.5.2: a 401 MUST carry a challenge; where no scheme fits, RFC 6749 §5.2 allows 400.
    const wanted = options.status ?? (error === 'invalid_client' ? 401 : 400);
    this.status = wanted === 401 && options.wwwAuthenticate === undefined ? 400 : wanted;
    this.wwwAuthenticate = options.wwwAuthenticate;
    this.checks = options.checks ?? [];
  }

  /** The JSON error response body of RFC 6749 §5.2 (and RFC 7591 §3.2.2). */
  toResponseBody(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
