/**
 * Rate limits for a shared server: a token bucket per key (a client on the token endpoint, an initial
 * access token on registration, optionally a source address), so one runaway loop cannot starve the
 * room. A refused request is answered 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
 */
import { OAuthError } from '@client-auth-lab/lib';

/** An OAuth error answer that also tells the client when to try again. */
export class RateLimitedError extends OAuthError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;

  constructor(description: string, retryAfterSeconds: number) {
    // RFC 6749 §5.2 has no error value for this; temporarily_unavailable (RFC 6749 §4.1.2.1) says "try later".
    super('temporarily_unavailable' as never, 'ERR_RATE_LIMITED', description, { status: 429, spec: 'RFC 6585 §4; RFC 9110 §10.2.3' });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Buckets kept where every process of one server sees them (the PostgreSQL store), so that N
 * processes behind a load balancer allow `perMinute` requests a minute per key, not N times that.
 * The same rule as RateLimiter's own buckets, taken in one atomic statement.
 */
export interface SharedRateBuckets {
  /** Takes one request for `key` (already qualified by the limiter's name): as RateLimiter.take. */
  take(key: string, perMinute: number, nowMs: number): Promise<number | undefined>;
}

/** Buckets of `perMinute` requests, refilled evenly over a minute; in this process unless `shared`. */
export class RateLimiter {
  readonly perMinute: number;
  readonly #name: string;
  readonly #shared: SharedRateBuckets | undefined;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number, name = 'requests', shared?: SharedRateBuckets) {
    this.perMinute = perMinute;
    this.#name = name;
    this.#shared = shared;
  }

  /** Takes one request for `key`: undefined when allowed, else the seconds until one is. */
  async take(key: string, nowMs: number): Promise<number | undefined> {
    if (this.perMinute <= 0) return undefined;
    if (this.#shared !== undefined) return this.#shared.take(`${this.#name} ${key}`, this.perMinute, nowMs);
    const rate = this.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: nowMs };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, nowMs - bucket.at) * rate);
    bucket.at = Math.max(bucket.at, nowMs);
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      return secondsUntilOne(bucket.tokens, this.perMinute);
    }
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#forgetFull(nowMs);
    return undefined;
  }

  /** Buckets that have refilled are the same as no bucket: dropped to bound the memory. */
  #forgetFull(nowMs: number): void {
    const rate = this.perMinute / 60_000;
    for (const [key, bucket] of this.#buckets) if (bucket.tokens + (nowMs - bucket.at) * rate >= this.perMinute) this.#buckets.delete(key);
  }
}

/** The whole seconds until a bucket holding `tokens` (< 1) holds one again: Retry-After. */
export function secondsUntilOne(tokens: number, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - tokens) * 60) / perMinute));
}

export interface RateLimits {
  token: RateLimiter;
  registration: RateLimiter;
}

export function createRateLimits(config: { tokenRateLimit: number; registrationRateLimit: number }, shared?: SharedRateBuckets): RateLimits {
  return { token: new RateLimiter(config.tokenRateLimit, 'token', shared), registration: new RateLimiter(config.registrationRateLimit, 'registration', shared) };
}
