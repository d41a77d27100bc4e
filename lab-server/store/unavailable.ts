/**
 * The store's database cannot be reached. Answered 503 with Retry-After and the usual JSON error
 * body, never as a crash and never as a 500: the request was fine, the server will be back.
 */
import { OAuthError } from '@client-auth-lab/lib';

/** Seconds a client is told to wait (RFC 9110 §10.2.3): a database restart usually takes a few. */
export const STORE_RETRY_AFTER_SECONDS = 2;

export class StoreUnavailableError extends OAuthError {
  override name = 'StoreUnavailableError';
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
  /** What the database driver said; logged, not sent. */
  readonly reason: string;

  constructor(reason: string) {
    // RFC 6749 §5.2 has no error value for a server that is briefly down: temporarily_unavailable is
    // borrowed from the authorization endpoint's errors (RFC 6749 §4.1.2.1), which say "try later".
    super('temporarily_unavailable' as never, 'ERR_STORE_UNAVAILABLE',
      `the server's database is not answering; try again in ${STORE_RETRY_AFTER_SECONDS} seconds`,
      { status: 503, spec: 'RFC 9110 §15.6.4; RFC 9110 §10.2.3' });
    this.reason = reason;
  }
}
