/** JWK helpers (RFC 7517, RFC 7518 §6): member order for reading, public view, RFC 7638 thumbprints. */
import { createHash } from 'node:crypto';
import { KeyError } from './errors.js';
import type { JwkRecord } from './generate.js';

/** The order `eckles`-style tools print: type and curve, key material, then metadata. */
const MEMBER_ORDER = [
  'kty', 'crv', 'n', 'e', 'd', 'x', 'y', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'alg', 'use', 'key_ops', 'kid', 'x5c', 'x5t', 'x5t#S256',
];

/** A copy of the JWK with its members in a readable order. */
export function orderJwkMembers(jwk: JwkRecord): JwkRecord {
  const rank = (name: string): number => (MEMBER_ORDER.includes(name) ? MEMBER_ORDER.indexOf(name) : MEMBER_ORDER.length);
  return Object.fromEntries(Object.entries(jwk).sort(([a], [b]) => rank(a) - rank(b)));
}

/** Private members per key type (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/** The public JWK of an asymmetric key: every private member removed. `oct` keys have no public form. */
export function toPublicJwk(jwk: JwkRecord): JwkRecord {
  // RFC 7518 §6.4: a symmetric key is all secret, there is nothing public to publish.
  if (jwk.kty === 'oct') throw new KeyError('ERR_JWK_SYMMETRIC', 'an oct (symmetric) JWK has no public part', 'RFC 7518 §6.4');
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name)));
}

/** Required members per kty, in lexicographic order (RFC 7638 §3.2, RFC 8037 §2). */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'], oct: ['k', 'kty'],
};

/** RFC 7638 JWK thumbprint: SHA-256 over the required members, sorted, no whitespace; base64url. */
export function jwkThumbprint(jwk: JwkRecord, digest: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : '';
  const members = Object.hasOwn(THUMBPRINT_MEMBERS, kty) ? THUMBPRINT_MEMBERS[kty] : undefined;
  // RFC 7638 §3.2: the required members depend on the key type.
  if (!members) throw new KeyError('ERR_JWK_KTY', `cannot compute a thumbprint for kty '${kty}'`, 'RFC 7638 §3.2');
  const parts = members.map((name) => {
    const value = jwk[name];
    const missing = `JWK member '${name}' is missing or not a string`;
    if (typeof value !== 'string') throw new KeyError('ERR_JWK_MALFORMED', missing, 'RFC 7638 §3.2');
    // RFC 7638 §3.3: JSON string form, as JSON.stringify writes it.
    return `${JSON.stringify(name)}:${JSON.stringify(value)}`;
  });
  return createHash(digest).update(`{${parts.join(',')}}`).digest('base64url');
}

/** The RFC 9278 URI form of a thumbprint. */
export function jwkThumbprintUri(jwk: JwkRecord): string {
  return `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(jwk)}`;
}
