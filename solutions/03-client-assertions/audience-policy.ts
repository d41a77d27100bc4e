/**
 * Exercise 03-audience-policy: which `aud` values may a client assertion carry?
 *
 * Story: an assertion's `aud` says which server it is for, so that a server cannot replay an
 * assertion it received at another server (RFC 7523 §3 (3)). Deployments differ in what they accept:
 *
 * - interop: the issuer identifier, the token endpoint URL, or the URL of the endpoint being called
 *   (OIDC Core §9, CIBA Core §7.1), as a string or as ANY member of an array of strings;
 * - strict: the issuer identifier as the sole value, as a string or a one-member array
 *   (RFC 10070 §4) — this closes the audience-injection attacks of 2024.
 *   (FAPI 2.0 Security Profile §5.3.2.1 (8) narrows it further to a plain string; not in this
 *   exercise.)
 *
 * Both: values compare as exact strings, no trailing-slash or case normalisation (RFC 3986 §6.2.1);
 * a missing aud is always refused.
 */

export type AudiencePolicy = 'interop' | 'strict';

export interface ServerIdentifiers {
  issuer: string;
  /** The token endpoint URL and the URL of the endpoint being called. */
  endpoints: string[];
}

export function audienceAccepted(aud: unknown, policy: AudiencePolicy, server: ServerIdentifiers): boolean {
  if (aud === undefined) return false;
  if (policy === 'strict') {
    const sole = Array.isArray(aud) && aud.length === 1 ? (aud[0] as unknown) : aud;
    return typeof sole === 'string' && sole === server.issuer;
  }
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? (aud as unknown[]) : [];
  if (values.length === 0 || !values.every((v) => typeof v === 'string')) return false;
  return values.some((v) => v === server.issuer || server.endpoints.includes(v as string));
}
