/**
 * Issuing access and refresh tokens: opaque random strings remembered with their client, owner,
 * scope, expiry and, for certificate-bound tokens, cnf x5t#S256 (RFC 8705 §3.1). The response is
 * RFC 6749 §5.1's, and the caller sends it with Cache-Control: no-store.
 */
import { certificateConfirmation, type ConfirmationClaim } from '@client-auth-lab/lib';
import type { Exchange } from './exchange.js';
import { randomBase64Url } from './random.js';
import type { StoredClient, TokenRecord } from './store/types.js';

export function randomToken(bytes = 32): string {
  return randomBase64Url(bytes);
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

export interface IssueOptions {
  client: StoredClient;
  grantType: string;
  sub?: string;
  scope?: string;
  /** Tokens from one grant share a grant id (refresh keeps the id of the grant it refreshes). */
  grantId?: string;
  refreshToken: boolean;
}

/**
 * The certificate binding of a new access token (RFC 8705 §3): a client that registered
 * tls_client_certificate_bound_access_tokens gets tokens bound to the certificate of this request,
 * and cannot get one without presenting a certificate.
 */
export function confirmationFor(x: Exchange, client: StoredClient): ConfirmationClaim | undefined {
  if (client.tls_client_certificate_bound_access_tokens !== true) {
    x.log.pass('certificate binding', 'the client did not register tls_client_certificate_bound_access_tokens: a plain bearer token', 'RFC 8705 §3.4');
    return undefined;
  }
  const certificate = x.certificate;
  x.log.require(certificate !== undefined, 'certificate binding', 'RFC 8705 §3; RFC 8705 §3.4',
    { code: 'ERR_BINDING_NO_CERTIFICATE', error: 'invalid_request' },
    `the token is bound to the presented certificate (x5t#S256 ${certificate?.summary['x5t#S256']})`,
    () => 'the client registered tls_client_certificate_bound_access_tokens, but this request presents no client certificate to bind the token to: call the mutual-TLS endpoint');
  return certificateConfirmation((certificate as { der: Uint8Array }).der);
}

export function issueTokens(x: Exchange, options: IssueOptions): TokenResponse {
  const { ctx } = x;
  const now = Math.floor(ctx.config.now() / 1000);
  const grantId = options.grantId ?? randomToken(12);
  const cnf = confirmationFor(x, options.client);
  const lifetime = ctx.config.accessTokenLifetimeSeconds;
  // Built member by member (same members, same order as before): object spreads were a visible cost per token.
  const record = (kind: TokenRecord['kind'], exp: number, confirmation?: ConfirmationClaim): TokenRecord => {
    const out = { client_id: options.client.client_id, grant_type: options.grantType, grant_id: grantId, iat: now } as TokenRecord;
    if (options.sub !== undefined) out.sub = options.sub;
    if (options.scope !== undefined) out.scope = options.scope;
    out.kind = kind;
    out.value = randomToken();
    out.exp = exp;
    if (confirmation !== undefined) out.cnf = confirmation;
    return out;
  };
  const access = record('access_token', now + lifetime, cnf);
  ctx.store.tokens.set(access.value, access);
  const response: TokenResponse = { access_token: access.value, token_type: 'Bearer', expires_in: lifetime };
  if (options.scope !== undefined) response.scope = options.scope;
  if (options.refreshToken) {
    const refresh = record('refresh_token', now + 30 * 86_400);
    ctx.store.tokens.set(refresh.value, refresh);
    response.refresh_token = refresh.value;
  }
  return response;
}

/** Revokes every token of a grant (RFC 7009 §2.1; RFC 6749 §4.1.2 on a reused code). Returns how many. */
export function revokeGrant(x: Exchange, grantId: string): number {
  let count = 0;
  for (const token of x.ctx.store.tokens.values()) {
    if (token.grant_id === grantId && token.revoked !== true) {
      x.ctx.store.tokens.set(token.value, { ...token, revoked: true });
      count += 1;
    }
  }
  return count;
}

/** Whether the requested scope is within what the client registered (RFC 6749 §3.3). */
export function checkScope(x: Exchange, client: StoredClient, requested: string | undefined, allowed?: string): string | undefined {
  const limit = allowed ?? client.scope;
  if (requested === undefined) return limit;
  if (limit === undefined) {
    x.log.pass('scope', `scope '${requested}' granted (the client registered no scope limit)`, 'RFC 6749 §3.3');
    return requested;
  }
  const permitted = new Set(limit.split(' '));
  const extra = requested.split(' ').filter((s) => s !== '' && !permitted.has(s));
  x.log.require(extra.length === 0, 'scope', 'RFC 6749 §3.3',
    { code: 'ERR_SCOPE', error: 'invalid_scope' },
    `scope '${requested}' is within '${limit}'`,
    () => `scope ${extra.map((s) => `'${s}'`).join(', ')} is beyond what may be granted here ('${limit}')`);
  return requested;
}
