/**
 * Token revocation (RFC 7009). The client authenticates as at the token endpoint (§2.1), may only
 * revoke its own tokens, and revoking a refresh token revokes the access tokens of its grant.
 */
import { authenticateCaller } from '../client-authentication.js';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';
import { revokeGrant } from '../tokens.js';

export async function revocationEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  const { client } = await authenticateCaller(x, form);
  const { log, ctx } = x;
  const token = singleParameter(form, 'token');
  log.require(token !== undefined, 'token present', 'RFC 7009 §2.1', { code: 'ERR_TOKEN_MISSING', error: 'invalid_request' },
    'the token parameter is present', () => 'the revocation request has no token parameter');
  const hint = singleParameter(form, 'token_type_hint');
  // RFC 7009 §2.1: a hint the server does not know is ignored, and the token is looked up all the same.
  log.pass('token_type_hint', hint === undefined ? 'no token_type_hint'
    : hint === 'access_token' || hint === 'refresh_token' ? `token_type_hint ${hint}` : `token_type_hint '${hint}' is not one this server knows: ignored, the token is looked up anyway`, 'RFC 7009 §2.1');
  const record = ctx.store.tokens.get(token as string);
  if (record === undefined) {
    // RFC 7009 §2.2: an invalid token is not an error; the answer is the same 200.
    log.pass('token known', 'the token is unknown or already gone: nothing to revoke, answered 200 all the same', 'RFC 7009 §2.2');
    x.sendNoStore(200, undefined);
    return;
  }
  log.require(record.client_id === client.client_id, 'token owner', 'RFC 7009 §2.1', { code: 'ERR_TOKEN_NOT_YOURS', error: 'unauthorized_client' },
    'the token was issued to this client', () => `the token was issued to another client; a client may only revoke its own tokens`);
  if (record.kind === 'refresh_token') {
    const count = revokeGrant(x, record.grant_id);
    log.pass('revoked', `refresh token revoked with the ${count - 1} other token(s) of its grant`, 'RFC 7009 §2.1');
  } else {
    ctx.store.tokens.set(record.value, { ...record, revoked: true });
    log.pass('revoked', 'access token revoked', 'RFC 7009 §2.1');
  }
  x.sendNoStore(200, undefined);
}
