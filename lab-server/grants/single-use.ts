/**
 * One-time credentials (an authorization code, a refresh token rotated away, a device code, a CIBA
 * auth_req_id) are
 * claimed in the replay store as well as marked in their records: its insert is atomic across every
 * process that shares the store, so of two redemptions at once, on one process or on two, one wins.
 */
import { createHash } from 'node:crypto';
import type { Exchange } from '../exchange.js';

export type SingleUseKind = 'authorization_code' | 'refresh_token' | 'device_code' | 'auth_req_id';

const SINGLE_USE_PREFIX = 'urn:client-auth-lab:single-use:';

/** The replay store's issuer for a kind: a URN, so that no client_id (a client assertion's iss) is confused with it. */
export function singleUseIssuer(kind: SingleUseKind): string {
  return `${SINGLE_USE_PREFIX}${kind}`;
}

/** Whether a replay store pair is a one-time credential's claim (left out of /lab/replay). */
export function isSingleUseIssuer(iss: string): boolean {
  return iss.startsWith(SINGLE_USE_PREFIX);
}

/**
 * True for the first claim of `value` until `expiresAtSeconds`, false for any later one. The value is
 * stored as its SHA-256, so the replay store never holds a usable credential.
 */
export function claimSingleUse(x: Exchange, kind: SingleUseKind, value: string, expiresAtSeconds: number): Promise<boolean> {
  const digest = createHash('sha256').update(value).digest('base64url');
  return x.ctx.store.replay.insertIfAbsent(singleUseIssuer(kind), digest, expiresAtSeconds * 1000, x.ctx.config.now());
}
