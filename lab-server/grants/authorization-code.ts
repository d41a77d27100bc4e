import { createHash } from 'node:crypto';
import { singleParameter } from '../form.js';
import { issueTokens, revokeGrant } from '../tokens.js';
import { claimSingleUse } from './single-use.js';
import { epochNow, wantsRefreshToken, type GrantHandler } from './types.js';

const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5, §4.6). */
export const authorizationCodeGrant: GrantHandler = async (x, caller, form) => {
  const { log } = x;
  const { client } = caller;
  const code = singleParameter(form, 'code');
  log.require(code !== undefined, 'code present', 'RFC 6749 §4.1.3', { code: 'ERR_CODE_MISSING', error: 'invalid_request' },
    'the code parameter is present', () => 'the authorization_code grant needs the code parameter');
  const record = x.ctx.store.codes.get(code as string);
  log.require(record !== undefined, 'code known', 'RFC 6749 §5.2', { code: 'ERR_CODE_UNKNOWN', error: 'invalid_grant' },
    'the code was issued by this server', () => 'the authorization code is unknown (never issued, or forgotten after it expired)');
  const found = record as NonNullable<typeof record>;
  if (found.used_at !== undefined) {
    // RFC 6749 §4.1.2: a code used twice MUST be refused, and tokens issued from it SHOULD be revoked.
    const revoked = revokeGrant(x, found.grant_id);
    log.fail('code unused', `the authorization code was already redeemed; ${revoked} token(s) issued from it are now revoked`, 'RFC 6749 §4.1.2',
      { code: 'ERR_CODE_REUSED', error: 'invalid_grant' });
  }
  // Marked used before anything else can run: a concurrent second redemption sees used_at.
  x.ctx.store.codes.set(found.code, { ...found, used_at: epochNow(x) });
  // Another process sharing the store may be redeeming it at this very moment: the claim decides.
  if (!await claimSingleUse(x, 'authorization_code', found.code, found.exp + 600)) {
    const revoked = revokeGrant(x, found.grant_id);
    log.fail('code unused', `the authorization code was already redeemed (at the same moment, through another server process); ${revoked} token(s) issued from it are now revoked`, 'RFC 6749 §4.1.2',
      { code: 'ERR_CODE_REUSED', error: 'invalid_grant' });
  }
  log.pass('code unused', 'the code has not been redeemed before; it is now spent', 'RFC 6749 §4.1.2');
  log.require(found.exp > epochNow(x), 'code fresh', 'RFC 6749 §4.1.2', { code: 'ERR_CODE_EXPIRED', error: 'invalid_grant' },
    `the code is valid for ${found.exp - epochNow(x)} s more`, () => `the authorization code expired ${epochNow(x) - found.exp} s ago`);
  log.require(found.client_id === client.client_id, 'code client', 'RFC 6749 §4.1.3', { code: 'ERR_CODE_CLIENT', error: 'invalid_grant' },
    'the code was issued to this client', () => `the code was issued to client '${found.client_id}', not to '${client.client_id}'`);
  const redirectUri = singleParameter(form, 'redirect_uri');
  if (found.redirect_uri_given) {
    log.require(redirectUri === found.redirect_uri, 'redirect_uri', 'RFC 6749 §4.1.3', { code: 'ERR_REDIRECT_URI_MISMATCH', error: 'invalid_grant' },
      'redirect_uri is identical to the one in the authorization request',
      () => `redirect_uri ${JSON.stringify(redirectUri)} is not the '${found.redirect_uri}' of the authorization request`);
  }
  const verifier = singleParameter(form, 'code_verifier');
  log.require(verifier !== undefined, 'code_verifier present', 'RFC 7636 §4.5', { code: 'ERR_PKCE_VERIFIER_MISSING', error: 'invalid_grant' },
    'code_verifier is present', () => 'the authorization request had a code_challenge, so the token request needs code_verifier');
  log.require(CODE_VERIFIER.test(verifier as string), 'code_verifier format', 'RFC 7636 §4.1', { code: 'ERR_PKCE_VERIFIER_FORMAT', error: 'invalid_grant' },
    'code_verifier is 43 to 128 unreserved characters', () => 'code_verifier must be 43 to 128 characters of [A-Z] [a-z] [0-9] - . _ ~');
  const computed = createHash('sha256').update(verifier as string, 'ascii').digest('base64url');
  log.require(computed === found.code_challenge, 'PKCE S256', 'RFC 7636 §4.6', { code: 'ERR_PKCE_MISMATCH', error: 'invalid_grant' },
    'BASE64URL(SHA256(code_verifier)) equals the code_challenge',
    () => `BASE64URL(SHA256(code_verifier)) is '${computed}', not the code_challenge '${found.code_challenge}'`);
  return issueTokens(x, {
    client, grantType: 'authorization_code', sub: found.sub, grantId: found.grant_id,
    ...(found.scope === undefined ? {} : { scope: found.scope }), refreshToken: wantsRefreshToken(caller),
  });
};
