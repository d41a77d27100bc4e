/**
 * Exercise 01-grant-rules: may this client use this grant?
 *
 * Story: your authorization server receives a token request. Before it even checks credentials it
 * must know whether the client's TYPE allows the grant at all. RFC 6749 §2.1 splits clients into
 * confidential (they can keep a credential) and public (a SPA or a mobile app: anything shipped to a
 * user's device). A client that registered `token_endpoint_auth_method: "none"` is public.
 *
 * Almost every grant works for both types. Two do not:
 * - the client credentials grant (RFC 6749 §4.4): "MUST only be used by confidential clients";
 * - CIBA (CIBA Core §7.1): the backchannel authentication request must be authenticated, so a
 *   public client cannot start one.
 *
 * Write `decideGrant`. It returns the decision, the spec section that decides it and a one-line reason
 * (the server puts the reason into error_description, RFC 6749 §5.2 `unauthorized_client`).
 */

export const CLIENT_CREDENTIALS = 'client_credentials';
export const CIBA = 'urn:openid:params:grant-type:ciba';

export interface GrantDecision {
  allowed: boolean;
  /** The section that decides, e.g. "RFC 6749 §4.4"; "RFC 6749 §2.1" when no rule restricts the grant. */
  spec: string;
  reason: string;
}

/** The client's type from its registered method (RFC 6749 §2.1): only `none` makes it public. */
export function clientTypeOf(tokenEndpointAuthMethod: string): 'public' | 'confidential' {
  return tokenEndpointAuthMethod === 'none' ? 'public' : 'confidential';
}

export function decideGrant(tokenEndpointAuthMethod: string, grantType: string): GrantDecision {
  const type = clientTypeOf(tokenEndpointAuthMethod);
  // TODO: refuse client_credentials (RFC 6749 §4.4) and CIBA (CIBA Core §7.1) for public clients;
  // allow everything else with spec "RFC 6749 §2.1". Mention the client type and the grant in `reason`.
  throw new Error(`TODO: decide whether a ${type} client may use ${grantType}`);
}
