/**
 * Remembering used `jti` values so that an assertion is accepted only once
 * (RFC 7523 §3 (7), OIDC Core §9: "the JWT ... may only be used once").
 */

export interface ReplayStore {
  /**
   * Records `jti` for `issuer` until `expiresAt` (ms since epoch) and returns true, or returns false
   * if it was already recorded and has not expired. Must be atomic: of many concurrent calls with the
   * same key, exactly one returns true.
   */
  insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A key that cannot be confused across issuers: ("a.b", "c") and ("a", "b.c") stay apart. */
export function replayKey(issuer: string, jti: string): string {
  return JSON.stringify([issuer, jti]);
}

/** An in-memory replay store. Expired entries are swept as new ones arrive. */
export class InMemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, number>();
  #nextSweep = 0;

  async insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    // Everything below runs synchronously, so no other call can interleave between the read and the write.
    this.#sweep(now);
    const key = replayKey(issuer, jti);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing > now) return false;
    this.#entries.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    for (const [key, expiresAt] of this.#entries) if (expiresAt <= now) this.#entries.delete(key);
    this.#nextSweep = now + 10_000;
  }
}
