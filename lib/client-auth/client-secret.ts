/** Checks shared by the two methods that send the secret itself (RFC 6749 §2.3.1). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CheckLog } from '../checks.js';
import { epochSeconds } from '../clock.js';
import type { AuthorizationServerContext, RegisteredClient } from './types.js';

/** Compares two secrets in time that does not depend on where they differ. */
export function secretsEqual(presented: string, registered: string): boolean {
  // Hashing first gives equal-length inputs, so not even the length leaks through timing.
  const a = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, registeredDigest(registered));
}

/** Digests of registered secrets, so a client's own secret is hashed once rather than on every request. */
const registeredDigests = new Map<string, Buffer>();
const DIGEST_CACHE_LIMIT = 1_000;

function registeredDigest(secret: string): Buffer {
  let digest = registeredDigests.get(secret);
  if (digest === undefined) {
    digest = createHash('sha256').update(secret, 'utf8').digest();
    if (registeredDigests.size >= DIGEST_CACHE_LIMIT) registeredDigests.delete(registeredDigests.keys().next().value as string);
    registeredDigests.set(secret, digest);
  }
  return digest;
}

export function verifyClientSecret(presented: string, client: RegisteredClient, server: AuthorizationServerContext, log: CheckLog): void {
  const registered = client.client_secret;
  log.require(typeof registered === 'string' && registered.length > 0, 'client_secret registered', 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_NO_SECRET' },
    'the client has a registered secret',
    () => `client '${client.client_id}' has no client_secret`);
  const expiresAt = client.client_secret_expires_at ?? 0;
  const now = epochSeconds(server.clock);
  log.require(expiresAt === 0 || now < expiresAt, 'client_secret_expires_at', 'RFC 7591 §3.2.1',
    { code: 'ERR_CLIENT_SECRET_EXPIRED' },
    expiresAt === 0 ? 'the client secret does not expire' : `the client secret is valid until ${new Date(expiresAt * 1000).toISOString()}`,
    () => `the client secret expired at ${new Date(expiresAt * 1000).toISOString()}`);
  log.require(secretsEqual(presented, registered as string), 'client_secret', 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_SECRET_MISMATCH' },
    'the client_secret matches (compared in constant time)',
    () => 'the client_secret does not match the registered one');
}
