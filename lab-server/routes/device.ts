/**
 * Device authorization (RFC 8628 §3.1, §3.2), where the client authenticates like at the token
 * endpoint, and the verification URI where the lab user approves (§3.3).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { clientTypeOf, isGrantAllowedFor } from '@client-auth-lab/lib';
import { authenticateCaller } from '../client-authentication.js';
import { PATHS } from '../context.js';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';
import { checkScope } from '../tokens.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §6.1: base-20 letters without vowels, easy to type and hard to misread. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

function userCode(): string {
  const chars = Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

export function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z]/g, '');
}

export async function deviceAuthorizationEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  const { client } = await authenticateCaller(x, form);
  const { log, ctx } = x;
  const decision = isGrantAllowedFor(clientTypeOf(client), DEVICE_GRANT);
  log.require(decision.allowed, 'client type', decision.spec, { code: 'ERR_GRANT_CLIENT_TYPE', error: 'unauthorized_client' }, decision.detail, () => decision.detail);
  log.require(client.grant_types?.includes(DEVICE_GRANT) === true, 'registered grant_types', 'RFC 8628 §3.1; RFC 7591 §2',
    { code: 'ERR_GRANT_NOT_REGISTERED', error: 'unauthorized_client' },
    `the client registered ${DEVICE_GRANT}`, () => `the client did not register ${DEVICE_GRANT} in grant_types`);
  const scope = checkScope(x, client, singleParameter(form, 'scope'));
  const now = Math.floor(ctx.config.now() / 1000);
  const deviceCode = randomBytes(32).toString('base64url');
  const code = userCode();
  const expiresIn = 600;
  ctx.store.deviceCodes.set(deviceCode, {
    device_code: deviceCode, user_code: code, client_id: client.client_id, ...(scope === undefined ? {} : { scope }),
    exp: now + expiresIn, interval: ctx.config.pollIntervalSeconds, status: 'pending',
  });
  const verification = `${ctx.config.issuer}${PATHS.deviceVerification}`;
  x.sendNoStore(200, {
    device_code: deviceCode,
    user_code: code,
    verification_uri: verification,
    verification_uri_complete: `${verification}?user_code=${encodeURIComponent(code)}`,
    expires_in: expiresIn,
    interval: ctx.config.pollIntervalSeconds,
  });
}

/** The verification URI: the lab user (or ?user=) approves, or denies with ?decision=deny. */
export function deviceVerificationEndpoint(x: Exchange): void {
  const { log, ctx } = x;
  const query = x.query();
  const given = singleParameter(query, 'user_code');
  log.require(given !== undefined, 'user_code', 'RFC 8628 §3.3', { code: 'ERR_USER_CODE_MISSING', error: 'invalid_request' },
    'user_code is present', () => 'open the verification URI with ?user_code=XXXX-XXXX');
  const wanted = normalizeUserCode(given as string);
  const now = Math.floor(ctx.config.now() / 1000);
  const record = [...ctx.store.deviceCodes.values()].find((d) => normalizeUserCode(d.user_code) === wanted && d.exp > now);
  log.require(record !== undefined, 'user_code known', 'RFC 8628 §3.3', { code: 'ERR_USER_CODE_UNKNOWN', error: 'invalid_grant' },
    'the user code matches a pending request', () => `no pending device request has user code '${String(given)}'`);
  const found = record as NonNullable<typeof record>;
  x.clientId = found.client_id;
  const sub = singleParameter(query, 'user') ?? ctx.state.currentUser;
  log.require(ctx.config.users.some((u) => u.sub === sub), 'lab user', 'RFC 8628 §3.3', { code: 'ERR_USER_UNKNOWN', error: 'invalid_request' },
    `lab user '${sub}' decides`, () => `'${sub}' is not a lab user`);
  const status = singleParameter(query, 'decision') === 'deny' ? 'denied' : 'approved';
  ctx.store.deviceCodes.set(found.device_code, { ...found, status, sub });
  log.pass('user decision', `user '${sub}' ${status} the request of client '${found.client_id}'`, 'RFC 8628 §3.3');
  x.send(200, { user_code: found.user_code, client_id: found.client_id, user: sub, status });
}
