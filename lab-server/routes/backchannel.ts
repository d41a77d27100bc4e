/**
 * The CIBA backchannel authentication endpoint (CIBA Core §7), poll mode. Client authentication is
 * mandatory here (§7.1), so public clients cannot use CIBA; an assertion's aud may be the issuer, the
 * token endpoint or this endpoint's URL (handled by lib's interop policy).
 */
import { randomBytes } from 'node:crypto';
import { clientTypeOf, isGrantAllowedFor } from '@client-auth-lab/lib';
import { authenticateCaller } from '../client-authentication.js';
import { labError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';
import { checkScope } from '../tokens.js';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

export async function backchannelAuthenticationEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  const { client } = await authenticateCaller(x, form);
  const { log, ctx } = x;
  const decision = isGrantAllowedFor(clientTypeOf(client), CIBA_GRANT);
  log.require(decision.allowed, 'client type', decision.spec, { code: 'ERR_GRANT_CLIENT_TYPE', error: 'unauthorized_client' }, decision.detail, () => decision.detail);
  log.require(client.grant_types?.includes(CIBA_GRANT) === true, 'registered grant_types', 'CIBA Core §4; RFC 7591 §2',
    { code: 'ERR_GRANT_NOT_REGISTERED', error: 'unauthorized_client' },
    `the client registered ${CIBA_GRANT}`, () => `the client did not register ${CIBA_GRANT} in grant_types`);
  const scope = singleParameter(form, 'scope');
  log.require(scope !== undefined && scope.split(' ').includes('openid'), 'scope openid', 'CIBA Core §7.1',
    { code: 'ERR_SCOPE_OPENID', error: 'invalid_scope' },
    'scope includes openid', () => 'a CIBA request is an OpenID Connect authentication request: scope must include openid');
  checkScope(x, client, scope);
  const hints = ['login_hint', 'login_hint_token', 'id_token_hint'].filter((h) => form[h] !== undefined);
  log.require(hints.length === 1, 'one hint', 'CIBA Core §7.1', { code: 'ERR_HINTS', error: 'invalid_request' },
    `one hint: ${hints[0]}`, () => `exactly one of login_hint, login_hint_token and id_token_hint is required; this request has ${hints.length}`);
  log.require(hints[0] === 'login_hint', 'hint supported', 'CIBA Core §7.1', { code: 'ERR_HINT_UNSUPPORTED', error: 'invalid_request' },
    'login_hint is supported', () => `${hints[0]} is not supported by the lab; send login_hint with a lab user's name`);
  const loginHint = singleParameter(form, 'login_hint') as string;
  const user = ctx.config.users.find((u) => u.sub === loginHint);
  if (user === undefined) {
    log.checks.push({ name: 'user known', passed: false, detail: `login_hint '${loginHint}' names no lab user`, spec: 'CIBA Core §13' });
    throw labError('unknown_user_id', 'ERR_UNKNOWN_USER', `login_hint '${loginHint}' does not identify a user of this server`, 'CIBA Core §13');
  }
  log.pass('user known', `login_hint names lab user '${user.sub}'`, 'CIBA Core §7.1');
  const bindingMessage = singleParameter(form, 'binding_message');
  const requested = singleParameter(form, 'requested_expiry');
  const expiresIn = requested !== undefined && /^\d+$/.test(requested) ? Math.min(Math.max(Number(requested), 30), 1800) : 300;
  const now = ctx.config.now();
  const id = randomBytes(32).toString('base64url');
  const delay = ctx.config.cibaApprovalDelayMs;
  ctx.store.cibaRequests.set(id, {
    auth_req_id: id, client_id: client.client_id, scope: scope as string, login_hint: loginHint, sub: user.sub,
    ...(bindingMessage === undefined ? {} : { binding_message: bindingMessage }),
    exp: Math.floor(now / 1000) + expiresIn, interval: ctx.config.pollIntervalSeconds, status: 'pending',
    ...(delay >= 0 ? { approve_at: now + delay } : {}),
  });
  x.note(delay >= 0 ? `the lab user approves automatically after ${delay} ms` : 'waiting for POST /lab/approve');
  x.sendNoStore(200, { auth_req_id: id, expires_in: expiresIn, interval: ctx.config.pollIntervalSeconds });
}
