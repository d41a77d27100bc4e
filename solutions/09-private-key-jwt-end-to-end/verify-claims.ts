/**
 * Chapter 09 · The server's side: checking an assertion's claims, in order
 *
 * Once the signature of a client assertion has verified, the authorization server still has to
 * read its claims (RFC 7523 §3, OIDC Core §9). Check them in this order, and stop at the first rule
 * broken, with its own code, so the client learns exactly what to fix:
 *
 *  1. iss is the client_id                                ERR_ASSERTION_ISS          RFC 7523 §3 (1)
 *  2. sub is the client_id                                ERR_ASSERTION_SUB          RFC 7523 §3 (2)
 *  3. aud names this server: a string, or a non-empty array of strings, with at least one value
 *     in `audiences` (exact string comparison)           ERR_ASSERTION_AUD          RFC 7523 §3 (3)
 *  4. exp is present                                      ERR_ASSERTION_EXP_MISSING  RFC 7523 §3 (4)
 *  5. exp, nbf and iat, when present, are numbers         ERR_ASSERTION_CLAIM_TYPE   RFC 7519 §2 (NumericDate)
 *  6. not expired: now < exp + tolerance                  ERR_ASSERTION_EXPIRED      RFC 7523 §3 (4)
 *  7. nbf, if present: nbf <= now + tolerance             ERR_ASSERTION_NOT_YET_VALID RFC 7523 §3 (5)
 *  8. iat, if present: iat <= now + tolerance             ERR_ASSERTION_IAT_FUTURE   RFC 7523 §3 (6)
 *  9. lifetime: exp − (iat, or now without iat) <= maxLifetimeSeconds
 *                                                         ERR_ASSERTION_LIFETIME     RFC 7523 §3 (4)
 * 10. jti is a non-empty string                           ERR_ASSERTION_JTI_MISSING  OIDC Core §9; RFC 7523 §3 (7)
 *
 * The tolerance (default 30 s) allows for clocks that disagree a little; the lifetime limit
 * (default 3,600 s, inclusive: one-hour assertions, as common client libraries make them, pass) is the
 * server's right to refuse an exp far in the future (RFC 7523 §3 (4)).
 * These are the codes the lab server itself uses, so its traces read the same.
 * Refuse with `CodedError(code, message, spec)` from the lib; on success return jti and exp, which the
 * replay check needs next (chapter 03 built that store).
 */
import { CodedError } from '@client-auth-lab/lib';

export interface ClaimCheckOptions {
  clientId: string;
  /** The identifiers of this server an aud may name: its issuer, its token endpoint URL … */
  audiences: readonly string[];
  /** The server's clock, in seconds since the epoch. */
  now: number;
  /** Default 30. */
  toleranceSeconds?: number;
  /** Default 3600. */
  maxLifetimeSeconds?: number;
}

/** Checks the claims of a signature-verified client assertion; returns what the replay check needs. */
export function verifyAssertionClaims(payload: Record<string, unknown>, options: ClaimCheckOptions): { jti: string; exp: number } {
  const { clientId, audiences, now } = options;
  const tolerance = options.toleranceSeconds ?? 30;
  const maxLifetime = options.maxLifetimeSeconds ?? 3_600;
  const { iss, sub, aud, exp, nbf, iat, jti } = payload;
  const refuse = (code: string, message: string, spec: string): never => {
    throw new CodedError(code, message, spec);
  };

  if (iss !== clientId) refuse('ERR_ASSERTION_ISS', `iss ${JSON.stringify(iss)} is not the client_id '${clientId}'`, 'RFC 7523 §3 (1)');
  if (sub !== clientId) refuse('ERR_ASSERTION_SUB', `sub ${JSON.stringify(sub)} is not the client_id '${clientId}'`, 'RFC 7523 §3 (2)');
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.length > 0 && aud.every((v) => typeof v === 'string') ? (aud as string[]) : undefined;
  if (values === undefined || !values.some((v) => audiences.includes(v))) {
    refuse('ERR_ASSERTION_AUD', `aud ${JSON.stringify(aud)} does not name this server (${audiences.join(', ')})`, 'RFC 7523 §3 (3)');
  }
  if (exp === undefined) refuse('ERR_ASSERTION_EXP_MISSING', 'the assertion has no exp', 'RFC 7523 §3 (4)');
  for (const [name, value] of [['exp', exp], ['nbf', nbf], ['iat', iat]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      refuse('ERR_ASSERTION_CLAIM_TYPE', `${name} ${JSON.stringify(value)} is not a NumericDate (a number of seconds)`, 'RFC 7519 §2');
    }
  }
  const expiry = exp as number;
  if (now >= expiry + tolerance) refuse('ERR_ASSERTION_EXPIRED', `exp ${expiry} passed ${now - expiry} s ago (tolerance ${tolerance} s)`, 'RFC 7523 §3 (4)');
  if (typeof nbf === 'number' && nbf > now + tolerance) refuse('ERR_ASSERTION_NOT_YET_VALID', `nbf ${nbf} is ${nbf - now} s ahead (tolerance ${tolerance} s)`, 'RFC 7523 §3 (5)');
  if (typeof iat === 'number' && iat > now + tolerance) refuse('ERR_ASSERTION_IAT_FUTURE', `iat ${iat} is ${iat - now} s ahead (tolerance ${tolerance} s)`, 'RFC 7523 §3 (6)');
  const lifetime = expiry - (typeof iat === 'number' ? iat : now);
  if (lifetime > maxLifetime) refuse('ERR_ASSERTION_LIFETIME', `the assertion lives ${lifetime} s, more than the ${maxLifetime} s allowed`, 'RFC 7523 §3 (4)');
  if (typeof jti !== 'string' || jti === '') refuse('ERR_ASSERTION_JTI_MISSING', `jti ${JSON.stringify(jti)} is not a non-empty string`, 'OIDC Core §9; RFC 7523 §3 (7)');
  return { jti: jti as string, exp: expiry };
}
