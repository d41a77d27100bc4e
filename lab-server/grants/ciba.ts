import { singleParameter } from '../form.js';
import { issueTokens } from '../tokens.js';
import { claimSingleUse } from './single-use.js';
import { epochNow, wantsRefreshToken, type GrantHandler } from './types.js';

/** CIBA Core §10.1, §11: the client polls with auth_req_id until the user has decided. */
export const cibaGrant: GrantHandler = async (x, caller, form) => {
  const { log, ctx } = x;
  const { client } = caller;
  const id = singleParameter(form, 'auth_req_id');
  log.require(id !== undefined, 'auth_req_id present', 'CIBA Core §10.1', { code: 'ERR_AUTH_REQ_ID_MISSING', error: 'invalid_request' },
    'the auth_req_id parameter is present', () => 'the CIBA grant needs the auth_req_id parameter');
  const record = ctx.store.cibaRequests.get(id as string);
  log.require(record !== undefined, 'auth_req_id known', 'CIBA Core §11', { code: 'ERR_AUTH_REQ_ID_UNKNOWN', error: 'invalid_grant' },
    'the auth_req_id was issued by this server', () => 'the auth_req_id is unknown (or was already exchanged)');
  let found = record as NonNullable<typeof record>;
  log.require(found.client_id === client.client_id, 'auth_req_id client', 'CIBA Core §11', { code: 'ERR_AUTH_REQ_ID_CLIENT', error: 'invalid_grant' },
    'the request was made by this client', () => `the auth_req_id belongs to client '${found.client_id}'`);
  const now = epochNow(x);
  log.require(found.exp > now, 'auth_req_id fresh', 'CIBA Core §11', { code: 'ERR_AUTH_REQ_ID_EXPIRED', error: 'expired_token' },
    'the authentication request has not expired', () => 'the auth_req_id has expired; make a new backchannel authentication request');
  if (found.status === 'pending' && found.approve_at !== undefined && found.approve_at <= ctx.config.now()) found = { ...found, status: 'approved' };
  const tooSoon = found.interval > 0 && found.last_poll !== undefined && now - found.last_poll < found.interval;
  ctx.store.cibaRequests.set(found.auth_req_id, { ...found, last_poll: now, ...(tooSoon ? { interval: found.interval + 5 } : {}) });
  log.require(!tooSoon, 'polling interval', 'CIBA Core §11', { code: 'ERR_SLOW_DOWN', error: 'slow_down' },
    `polled after the ${found.interval} s interval`, () => `polled sooner than the ${found.interval} s interval; the interval is now ${found.interval + 5} s`);
  log.require(found.status !== 'denied', 'user decision', 'CIBA Core §11', { code: 'ERR_ACCESS_DENIED', error: 'access_denied' },
    'the user did not deny the request', () => 'the user denied the request');
  log.require(found.status === 'approved', 'user decision', 'CIBA Core §11', { code: 'ERR_AUTHORIZATION_PENDING', error: 'authorization_pending' },
    `user '${found.sub}' approved on their authentication device`, () => 'the user has not yet approved the request');
  ctx.store.cibaRequests.delete(found.auth_req_id);
  // Exchanged once, also when two processes sharing the store are polled at the same moment.
  log.require(await claimSingleUse(x, 'auth_req_id', found.auth_req_id, found.exp), 'auth_req_id single use', 'CIBA Core §11',
    { code: 'ERR_AUTH_REQ_ID_UNKNOWN', error: 'invalid_grant' },
    'the auth_req_id is exchanged for the first time', () => 'the auth_req_id was already exchanged (at the same moment, through another server process)');
  return issueTokens(x, {
    client, grantType: 'urn:openid:params:grant-type:ciba', sub: found.sub, scope: found.scope, refreshToken: wantsRefreshToken(caller),
  });
};
