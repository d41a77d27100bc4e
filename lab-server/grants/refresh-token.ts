import { singleParameter } from '../form.js';
import { checkScope, issueTokens } from '../tokens.js';
import { claimSingleUse } from './single-use.js';
import { epochNow, type GrantHandler } from './types.js';

/** RFC 6749 §6, with rotation (RFC 9700 §4.14.2) unless configured off. */
export const refreshTokenGrant: GrantHandler = async (x, { client }, form) => {
  const { log } = x;
  const value = singleParameter(form, 'refresh_token');
  log.require(value !== undefined, 'refresh_token present', 'RFC 6749 §6', { code: 'ERR_REFRESH_TOKEN_MISSING', error: 'invalid_request' },
    'the refresh_token parameter is present', () => 'the refresh_token grant needs the refresh_token parameter');
  const record = x.ctx.store.tokens.get(value as string);
  log.require(record?.kind === 'refresh_token', 'refresh token known', 'RFC 6749 §6', { code: 'ERR_REFRESH_TOKEN_UNKNOWN', error: 'invalid_grant' },
    'the refresh token was issued by this server', () => 'the refresh token is unknown');
  const found = record as NonNullable<typeof record>;
  log.require(found.revoked !== true, 'refresh token active', 'RFC 6749 §6; RFC 7009 §2', { code: 'ERR_REFRESH_TOKEN_REVOKED', error: 'invalid_grant' },
    'the refresh token has not been revoked or rotated away', () => 'the refresh token was revoked (or already used, with rotation)');
  log.require(found.exp > epochNow(x), 'refresh token fresh', 'RFC 6749 §6', { code: 'ERR_REFRESH_TOKEN_EXPIRED', error: 'invalid_grant' },
    'the refresh token has not expired', () => 'the refresh token has expired');
  log.require(found.client_id === client.client_id, 'refresh token client', 'RFC 6749 §6', { code: 'ERR_REFRESH_TOKEN_CLIENT', error: 'invalid_grant' },
    'the refresh token was issued to this client', () => `the refresh token was issued to client '${found.client_id}', not to '${client.client_id}'`);
  const scope = checkScope(x, client, singleParameter(form, 'scope'), found.scope);
  const rotate = x.ctx.config.rotateRefreshTokens;
  if (rotate) {
    x.ctx.store.tokens.set(found.value, { ...found, revoked: true });
    // Used once (RFC 9700 §4.14.2), also when two processes sharing the store are asked at once.
    log.require(await claimSingleUse(x, 'refresh_token', found.value, found.exp), 'refresh token single use', 'RFC 6749 §6; RFC 9700 §4.14.2',
      { code: 'ERR_REFRESH_TOKEN_REVOKED', error: 'invalid_grant' },
      'the refresh token is used for the first time; it is now rotated away', () => 'the refresh token was already used (at the same moment, through another server process)');
  }
  const response = issueTokens(x, {
    client, grantType: found.grant_type, grantId: found.grant_id, refreshToken: rotate,
    ...(found.sub === undefined ? {} : { sub: found.sub }), ...(scope === undefined ? {} : { scope }),
  });
  if (!rotate) response.refresh_token = found.value;
  return response;
};
