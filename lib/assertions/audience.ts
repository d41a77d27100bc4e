/**
 * Which `aud` values a client assertion may carry.
 *
 * - `interop`: the issuer identifier, the token endpoint URL or the URL of the endpoint being called,
 *   as a string or as any member of an array (RFC 7523 §3 (3), OIDC Core §9, CIBA Core §7.1).
 * - `strict`: the issuer identifier as the one and only value, a string
 *   (draft-ietf-oauth-rfc7523bis §4, FAPI 2.0 Security Profile §5.3.2.1).
 *
 * Values are compared as plain strings, with no normalisation (RFC 7523 §3 (3), RFC 3986 §6.2.1).
 */
export type AudiencePolicy = 'interop' | 'strict';

export interface AudienceJudgement {
  accepted: boolean;
  /** Plain-language reason, used as the check's detail or the error description. */
  detail: string;
  spec: string;
}

export interface AudienceTargets {
  issuer: string;
  /** The token endpoint URL(s) and the URL of the endpoint being called. */
  endpoints: readonly string[];
}

const STRICT_SPEC = 'draft-ietf-oauth-rfc7523bis §4; FAPI 2.0 Security Profile §5.3.2.1';
const INTEROP_SPEC = 'RFC 7523 §3 (3); CIBA Core §7.1';

export function judgeAudience(aud: unknown, policy: AudiencePolicy, targets: AudienceTargets): AudienceJudgement {
  if (aud === undefined) {
    return { accepted: false, detail: 'the assertion has no aud claim; aud is required', spec: 'RFC 7523 §3 (3)' };
  }
  if (policy === 'strict') {
    if (typeof aud !== 'string') {
      return {
        accepted: false,
        detail: `aud ${JSON.stringify(aud)} is not a single string; the strict audience policy requires the issuer identifier '${targets.issuer}' as the sole value`,
        spec: STRICT_SPEC,
      };
    }
    return aud === targets.issuer
      ? { accepted: true, detail: `aud is the issuer identifier '${aud}'`, spec: STRICT_SPEC }
      : {
          accepted: false,
          detail: `aud '${aud}' is not the issuer identifier '${targets.issuer}' (strict audience policy)`,
          spec: STRICT_SPEC,
        };
  }
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (values === undefined || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    return {
      accepted: false,
      detail: `aud ${JSON.stringify(aud)} is neither a string nor a non-empty array of strings (RFC 7519 §4.1.3)`,
      spec: 'RFC 7519 §4.1.3',
    };
  }
  const accepted = [targets.issuer, ...targets.endpoints];
  const match = (values as string[]).find((v) => accepted.includes(v));
  return match !== undefined
    ? { accepted: true, detail: `aud contains '${match}', which identifies this server`, spec: INTEROP_SPEC }
    : {
        accepted: false,
        detail: `aud ${JSON.stringify(aud)} names none of this server's identifiers: ${accepted.map((a) => `'${a}'`).join(', ')}`,
        spec: INTEROP_SPEC,
      };
}
