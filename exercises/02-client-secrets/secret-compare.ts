/**
 * Exercise 02-secret-compare: compare a presented client_secret without leaking it through timing.
 *
 * Story: `presented === registered` stops at the first differing character, so an attacker who can
 * time many requests learns the secret one character at a time. The server must compare in time that
 * does not depend on the content (RFC 6749 §10.10 asks to guard credentials against guessing; OWASP
 * calls this a timing attack). Node has `crypto.timingSafeEqual`, but it throws when the two buffers
 * differ in length, and refusing early on length would leak the length.
 *
 * The usual fix: hash both sides with SHA-256 first (equal 32-byte digests whatever the input), then
 * compare the digests with timingSafeEqual.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export { createHash, timingSafeEqual };

export function secretMatches(presented: string, registered: string): boolean {
  // TODO: hash both strings (UTF-8) with SHA-256 and compare the digests with timingSafeEqual.
  throw new Error('TODO: compare the two secrets in constant time');
}
