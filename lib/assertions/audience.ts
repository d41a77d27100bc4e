/**
 * Which `aud` values a client assertion may carry.
 *
 * - `interop`: the issuer identifier, the token endpoint URL (plain or its mutual-TLS alias) or the URL
 *   of the endpoint being called, as a string or as one member of an array (RFC 7523 §3 (3), OIDC Core
 *   §9, CIBA Core §7.1). Never the URL of some other endpoint. The other members of an accepted array
 *   are reported: they are the audience-injection risk that the strict policy closes.
 * - `strict`: the issuer identifier as the one and only value, a string or a one-member array
 *   (RFC 10070 §4). A profile may narrow it to a plain string (FAPI 2.0 Security
 *   Profile §5.3.2.1 (8)).
 *
 * Values are compared as plain strings, with no normalisation (RFC 7523 §3 (3), RFC 3986 §6.2.1).
 */
export type AudiencePolicy = 'interop' | 'strict';

export interface AudienceJudgement {
  accepted: boolean;
  /** Plain-language reason, used as the check's detail or the error description. */
  detail: string;
  spec: string;
  /** Members of an accepted array that name something else: whoever they name could replay the assertion here. */
  otherMembers?: string[];
}

export interface AudienceTargets {
  issuer: string;
  /** The token endpoint URL(s) and the URL of the endpoint being called. */
  endpoints: readonly string[];
  /** Set by a profile that allows only a plain string (FAPI 2.0 Security Profile §5.3.2.1 (8)), with its clause. */
  plainStringSpec?: string;
}

const STRICT_SPEC = 'RFC 10070 §4';
const INTEROP_SPEC = 'RFC 7523 §3 (3); CIBA Core §7.1';
export const AUDIENCE_INJECTION_SPEC = 'RFC 10070 §4 (audience injection)';

export function judgeAudience(aud: unknown, policy: AudiencePolicy, targets: AudienceTargets): AudienceJudgement {
  if (aud === undefined) {
    return { accepted: false, detail: 'the assertion has no aud claim; aud is required', spec: 'RFC 7523 §3 (3)' };
  }
  if (policy === 'strict') {
    const plain = targets.plainStringSpec;
    const spec = plain === undefined ? STRICT_SPEC : `${STRICT_SPEC}; ${plain}`;
    if (plain !== undefined && typeof aud !== 'string') {
      return {
        accepted: false,
        detail: `aud ${JSON.stringify(aud)} is not a plain string; this profile requires the issuer identifier '${targets.issuer}' as a single string value`,
        spec: plain,
      };
    }
    const sole = typeof aud === 'string' ? aud : Array.isArray(aud) && aud.length === 1 && typeof aud[0] === 'string' ? (aud[0] as string) : undefined;
    if (sole === undefined) {
      return {
        accepted: false,
        detail: `aud ${JSON.stringify(aud)} is not a single value; the strict audience policy requires the issuer identifier '${targets.issuer}' as the sole value (a string or a one-member array)`,
        spec,
      };
    }
    if (sole === targets.issuer) {
      return { accepted: true, detail: `aud is the issuer identifier '${sole}'${typeof aud === 'string' ? '' : ' (a one-member array)'}`, spec };
    }
    // An endpoint of this server is what RFC 7523 §3 (3) and CIBA Core §7.1 accept: say that the
    // refusal is the strict policy's, also where RFC 10070 does not update the endpoint's own spec.
    const endpointNote = targets.endpoints.includes(sole)
      ? '; it names an endpoint of this server, which RFC 7523 §3 (3) and CIBA Core §7.1 accept, but the lab\'s strict policy takes only the issuer, at every endpoint'
      : '';
    return { accepted: false, detail: `aud '${sole}' is not the issuer identifier '${targets.issuer}' (strict audience policy${endpointNote})`, spec };
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
  if (match === undefined) {
    return {
      accepted: false,
      detail: `aud ${JSON.stringify(aud)} names none of the identifiers this endpoint accepts: ${accepted.map((a) => `'${a}'`).join(', ')}`,
      spec: INTEROP_SPEC,
    };
  }
  const others = (values as string[]).filter((v) => v !== match);
  return others.length === 0
    ? { accepted: true, detail: `aud ${typeof aud === 'string' ? 'is' : 'contains only'} '${match}', which identifies this server`, spec: INTEROP_SPEC }
    : { accepted: true, detail: `aud contains '${match}', which identifies this server`, spec: INTEROP_SPEC, otherMembers: others };
}
