/**
 * Exercise 03-replay-store: accept each client assertion only once.
 *
 * Story: a captured assertion is a bearer credential until it expires. RFC 7523 §3 (7) lets the
 * server refuse a `jti` it has seen, and OIDC Core §9 says the JWT may only be used once. The server
 * therefore remembers each (issuer, jti) until the assertion's `exp`:
 *
 * - `insertIfAbsent` records the pair and returns true, or returns false when the pair is already
 *   recorded and has not expired (then the token endpoint answers invalid_client);
 * - after `expiresAt` the entry is dead: the same jti may be recorded again (the assertion itself
 *   would be refused as expired anyway);
 * - jti values are per issuer: client A's jti "1" does not block client B's jti "1";
 * - the key must not be ambiguous: ("a.b", "c") and ("a", "b.c") are different pairs, so joining
 *   with a separator is a bug — JSON.stringify([issuer, jti]) is not.
 * - read-then-write must be atomic: keep it synchronous inside the method, no await in between.
 *
 * Times are milliseconds since the epoch; `now` is passed in (no hidden clock).
 */

export class ReplayStore {
  readonly #entries = new Map<string, number>();

  /** How many entries are held (expired ones may linger until the next insert). */
  get size(): number {
    return this.#entries.size;
  }

  insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): boolean {
    // TODO: build an unambiguous key from (issuer, jti); if an entry exists with expiry > now,
    // return false; otherwise record expiresAt and return true.
    throw new Error(`TODO: remember jti ${JSON.stringify(jti)} of ${JSON.stringify(issuer)} until ${expiresAt}`);
  }
}
