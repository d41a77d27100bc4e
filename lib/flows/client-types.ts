/**
 * Client types (RFC 6749 §2.1) and which flows and endpoints involve client authentication.
 * Only two combinations are forbidden: the client credentials grant and CIBA (any delivery mode) for
 * public clients. Everything else works for both types.
 */
import type { RegisteredClient } from '../client-auth/types.js';

export type ClientType = 'confidential' | 'public';

export const GRANT_TYPES = {
  authorization_code: 'authorization_code',
  implicit: 'implicit',
  password: 'password',
  client_credentials: 'client_credentials',
  refresh_token: 'refresh_token',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  ciba: 'urn:openid:params:grant-type:ciba',
} as const;

/** A client that registered `none` cannot keep a credential and is public; any other method makes it confidential. */
export function clientTypeOf(client: Pick<RegisteredClient, 'token_endpoint_auth_method'>): ClientType {
  return client.token_endpoint_auth_method === 'none' ? 'public' : 'confidential';
}

export interface FlowRule {
  flow: string;
  grantType: string;
  spec: string;
  confidential: boolean;
  public: boolean;
  /** Why a public client may not use it, when it may not. */
  reason?: string;
}

/** The flow × client-type matrix of the course (chapter 01). */
export const FLOW_RULES: readonly FlowRule[] = [
  { flow: 'Authorization code', grantType: GRANT_TYPES.authorization_code, spec: 'RFC 6749 §4.1', confidential: true, public: true },
  { flow: 'Implicit', grantType: GRANT_TYPES.implicit, spec: 'RFC 6749 §4.2', confidential: true, public: true },
  { flow: 'Resource owner password credentials', grantType: GRANT_TYPES.password, spec: 'RFC 6749 §4.3', confidential: true, public: true },
  {
    flow: 'Client credentials', grantType: GRANT_TYPES.client_credentials, spec: 'RFC 6749 §4.4', confidential: true, public: false,
    reason: 'the client credentials grant MUST only be used by confidential clients (RFC 6749 §4.4)',
  },
  { flow: 'Refresh token', grantType: GRANT_TYPES.refresh_token, spec: 'RFC 6749 §6', confidential: true, public: true },
  { flow: 'JWT bearer grant', grantType: GRANT_TYPES.jwt_bearer, spec: 'RFC 7523 §2.1', confidential: true, public: true },
  { flow: 'Device authorization', grantType: GRANT_TYPES.device_code, spec: 'RFC 8628 §3.4', confidential: true, public: true },
  {
    flow: 'CIBA (poll, ping, push)', grantType: GRANT_TYPES.ciba, spec: 'CIBA Core §7.1', confidential: true, public: false,
    reason: 'the client MUST authenticate at the backchannel authentication endpoint, so CIBA is for confidential clients only (CIBA Core §7.1)',
  },
];

export interface GrantDecision {
  allowed: boolean;
  detail: string;
  spec: string;
}

/** Whether a client of `type` may use `grantType`. Unknown grant types are left to the caller. */
export function isGrantAllowedFor(type: ClientType, grantType: string): GrantDecision {
  const rule = FLOW_RULES.find((r) => r.grantType === grantType);
  if (rule === undefined) return { allowed: true, detail: `${grantType} has no client-type restriction here`, spec: 'RFC 6749 §2.1' };
  const allowed = rule[type];
  return {
    allowed,
    detail: allowed ? `${rule.flow} is available to ${type} clients` : (rule.reason ?? `${rule.flow} is not available to ${type} clients`),
    spec: rule.spec,
  };
}

export interface EndpointRule {
  endpoint: string;
  authenticatesClient: boolean;
  spec: string;
  note: string;
}

/** Where client authentication happens, and where it does not (chapter 01). */
export const ENDPOINT_RULES: readonly EndpointRule[] = [
  { endpoint: 'token', authenticatesClient: true, spec: 'RFC 6749 §3.2.1', note: 'confidential clients MUST authenticate' },
  { endpoint: 'revocation', authenticatesClient: true, spec: 'RFC 7009 §2.1', note: 'the client authenticates as at the token endpoint' },
  { endpoint: 'device_authorization', authenticatesClient: true, spec: 'RFC 8628 §3.1', note: 'confidential clients authenticate' },
  { endpoint: 'backchannel_authentication', authenticatesClient: true, spec: 'CIBA Core §7.1', note: 'client authentication is mandatory' },
  { endpoint: 'authorization', authenticatesClient: false, spec: 'RFC 6749 §3.1', note: 'the browser carries the request, so no client credential appears: the implicit flow never authenticates the client' },
  { endpoint: 'introspection', authenticatesClient: false, spec: 'RFC 7662 §2.1', note: 'the caller must be authorized, by client authentication or by an access token; the lab accepts its resource server, a registered client or a Bearer token ("only looks like client authentication" is the deck\'s, Authlete\'s, model)' },
];
