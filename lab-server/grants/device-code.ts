import { singleParameter } from '../form.js';
import { issueTokens } from '../tokens.js';
import { claimSingleUse } from './single-use.js';
import { epochNow, wantsRefreshToken, type GrantHandler } from './types.js';

/** RFC 8628 §3.4, §3.5: the device polls until the user has decided. */
export const deviceCodeGrant: GrantHandler = async (x, caller, form) => {
  const { log, ctx } = x;
  const { client } = caller;
  const deviceCode = singleParameter(form, 'device_code');
  log.require(deviceCode !== undefined, 'device_code present', 'RFC 8628 §3.4', { code: 'ERR_DEVICE_CODE_MISSING', error: 'invalid_request' },
    'the device_code parameter is present', () => 'the device_code grant needs the device_code parameter');
  const record = ctx.store.deviceCodes.get(deviceCode as string);
  log.require(record !== undefined, 'device_code known', 'RFC 8628 §3.5', { code: 'ERR_DEVICE_CODE_UNKNOWN', error: 'invalid_grant' },
    'the device code was issued by this server', () => 'the device code is unknown (or was already exchanged)');
  const found = record as NonNullable<typeof record>;
  log.require(found.client_id === client.client_id, 'device_code client', 'RFC 8628 §3.4', { code: 'ERR_DEVICE_CODE_CLIENT', error: 'invalid_grant' },
    'the device code was issued to this client', () => `the device code was issued to client '${found.client_id}'`);
  const now = epochNow(x);
  log.require(found.exp > now, 'device_code fresh', 'RFC 8628 §3.5', { code: 'ERR_DEVICE_CODE_EXPIRED', error: 'expired_token' },
    'the device code has not expired', () => 'the device code has expired; start a new device authorization request');
  const tooSoon = found.interval > 0 && found.last_poll !== undefined && now - found.last_poll < found.interval;
  ctx.store.deviceCodes.set(found.device_code, { ...found, last_poll: now, ...(tooSoon ? { interval: found.interval + 5 } : {}) });
  log.require(!tooSoon, 'polling interval', 'RFC 8628 §3.5', { code: 'ERR_SLOW_DOWN', error: 'slow_down' },
    `polled after the ${found.interval} s interval`, () => `polled ${now - (found.last_poll ?? now)} s after the previous poll, sooner than the ${found.interval} s interval; the interval is now ${found.interval + 5} s`);
  log.require(found.status !== 'denied', 'user decision', 'RFC 8628 §3.5', { code: 'ERR_ACCESS_DENIED', error: 'access_denied' },
    'the user did not deny the request', () => 'the user denied the request');
  log.require(found.status === 'approved', 'user decision', 'RFC 8628 §3.5', { code: 'ERR_AUTHORIZATION_PENDING', error: 'authorization_pending' },
    `user '${String(found.sub)}' approved at the verification URI`, () => 'the user has not yet approved the request at the verification URI');
  ctx.store.deviceCodes.delete(found.device_code);
  // Exchanged once, also when two processes sharing the store are polled at the same moment.
  log.require(await claimSingleUse(x, 'device_code', found.device_code, found.exp), 'device_code single use', 'RFC 8628 §3.5',
    { code: 'ERR_DEVICE_CODE_UNKNOWN', error: 'invalid_grant' },
    'the device code is exchanged for the first time', () => 'the device code was already exchanged (at the same moment, through another server process)');
  return issueTokens(x, {
    client, grantType: 'urn:ietf:params:oauth:grant-type:device_code', sub: found.sub as string,
    ...(found.scope === undefined ? {} : { scope: found.scope }), refreshToken: wantsRefreshToken(caller),
  });
};
