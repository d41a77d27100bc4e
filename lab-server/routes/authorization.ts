/**
 * The authorization endpoint (RFC 6749 §3.1), enough for the code flow without a human: the lab
 * user approves at once. The browser carries this request, so no client credential can appear and
 * no client authentication happens here — which is why the implicit flow never authenticates the
 * client (chapter 01). Errors about the client or redirect URI are shown, never redirected (§4.1.2.1).
 */
import { randomBytes } from 'node:crypto';
import { OAuthError } from '@client-auth-lab/lib';
import { asOAuthError, labError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';
import { checkScope, issueTokens } from '../tokens.js';

const CODE_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

function withParameters(uri: string, parameters: Record<string, string | undefined>, inFragment: boolean): string {
  const encoded = new URLSearchParams(Object.entries(parameters).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  if (inFragment) return `${uri}#${encoded}`;
  return `${uri}${uri.includes('?') ? '&' : '?'}${encoded}`;
}

export function authorizationEndpoint(x: Exchange): void {
  const { log, ctx } = x;
  const query = x.query();
  log.pass('no client authentication', 'the user agent carries this request, so the client proves nothing here; only the token endpoint (and its kin) authenticate clients', 'RFC 6749 §3.1; RFC 6749 §3.2.1');

  // Errors before the redirect URI is known are shown to the user, not redirected (RFC 6749 §4.1.2.1).
  const clientId = singleParameter(query, 'client_id');
  log.require(clientId !== undefined, 'client_id', 'RFC 6749 §4.1.1', { code: 'ERR_CLIENT_ID_MISSING', error: 'invalid_request' },
    `client_id '${String(clientId)}'`, () => 'the authorization request has no client_id');
  x.clientId = clientId;
  const client = ctx.findClient(clientId as string);
  log.require(client !== undefined, 'client known', 'RFC 6749 §4.1.2.1', { code: 'ERR_CLIENT_UNKNOWN', error: 'invalid_request' },
    `client '${String(clientId)}' is registered`, () => `no client is registered with client_id '${String(clientId)}'`);
  const registered = client?.redirect_uris ?? [];
  const requestedUri = singleParameter(query, 'redirect_uri');
  const redirectUri = requestedUri ?? (registered.length === 1 ? registered[0] : undefined);
  log.require(redirectUri !== undefined && registered.includes(redirectUri), 'redirect_uri', 'RFC 6749 §3.1.2.3; RFC 6749 §4.1.2.1',
    { code: 'ERR_REDIRECT_URI', error: 'invalid_request' },
    `redirect_uri '${String(redirectUri)}' is registered (exact match)`,
    () => (requestedUri === undefined ? 'redirect_uri is required when the client registered several' : `redirect_uri '${requestedUri}' is not one of the client's registered redirect_uris`));

  const responseType = singleParameter(query, 'response_type');
  const state = singleParameter(query, 'state');
  const implicit = responseType === 'token';
  try {
    if (responseType !== 'code' && responseType !== 'token') {
      throw labError('unsupported_response_type', 'ERR_RESPONSE_TYPE', `response_type ${JSON.stringify(responseType)} is not supported; use code (or token for the implicit demonstration)`, 'RFC 6749 §4.1.2.1');
    }
    if (implicit && ctx.config.profile !== undefined) {
      throw labError('unsupported_response_type', 'ERR_PROFILE_RESPONSE_TYPE', `${ctx.config.profile.title} allows only response_type code`, 'FAPI 1.0 Part 2 §5.2.2 (2); FAPI 2.0 Security Profile §5.3.1.2');
    }
    const foundClient = client as NonNullable<typeof client>;
    log.require((foundClient.response_types ?? ['code']).includes(responseType), 'registered response_types', 'RFC 7591 §2',
      { code: 'ERR_RESPONSE_TYPE_NOT_REGISTERED', error: 'unauthorized_client' },
      `the client registered response_type ${responseType}`, () => `the client did not register response_type ${responseType}`);
    const scope = checkScope(x, foundClient, singleParameter(query, 'scope'));
    const hint = singleParameter(query, 'login_hint');
    const user = ctx.config.users.find((u) => u.sub === (hint ?? ctx.state.currentUser));
    log.require(user !== undefined, 'lab user', 'RFC 6749 §4.1.2.1', { code: 'ERR_USER_UNKNOWN', error: 'access_denied' },
      `lab user '${String(user?.sub)}' approves automatically`, () => `login_hint '${String(hint)}' names no lab user (${ctx.config.users.map((u) => u.sub).join(', ')})`);
    const sub = (user as NonNullable<typeof user>).sub;

    if (implicit) {
      x.note('implicit grant: the access token leaves from the authorization endpoint, where the client is never authenticated (RFC 6749 §4.2); no refresh token is issued (§4.2.2)');
      const issued = issueTokens(x, { client: foundClient, grantType: 'implicit', sub, ...(scope === undefined ? {} : { scope }), refreshToken: false });
      x.redirect(withParameters(redirectUri as string, { access_token: issued.access_token, token_type: 'Bearer', expires_in: String(issued.expires_in), scope: issued.scope, state, iss: ctx.config.issuer }, true));
      return;
    }
    // PKCE: every code request carries an S256 challenge (RFC 7636 §4.2, §4.3; RFC 9700 §2.1.1).
    const challenge = singleParameter(query, 'code_challenge');
    const method = singleParameter(query, 'code_challenge_method');
    log.require(challenge !== undefined && CODE_CHALLENGE.test(challenge), 'code_challenge', 'RFC 7636 §4.2; RFC 9700 §2.1.1',
      { code: 'ERR_PKCE_CHALLENGE', error: 'invalid_request' },
      'code_challenge is a 43-character base64url S256 value', () => (challenge === undefined ? 'code_challenge is required: this server enforces PKCE for every client' : 'code_challenge is not 43 base64url characters (an S256 value)'));
    log.require(method === 'S256', 'code_challenge_method', 'RFC 7636 §4.3; RFC 7636 §4.4.1',
      { code: 'ERR_PKCE_METHOD', error: 'invalid_request' },
      'code_challenge_method is S256', () => `code_challenge_method ${JSON.stringify(method)} is not supported; only S256 (plain is refused)`);
    const code = randomBytes(32).toString('base64url');
    const now = Math.floor(ctx.config.now() / 1000);
    ctx.store.codes.set(code, {
      code, client_id: foundClient.client_id, redirect_uri: redirectUri as string, redirect_uri_given: requestedUri !== undefined,
      ...(scope === undefined ? {} : { scope }), sub, code_challenge: challenge as string, code_challenge_method: 'S256',
      exp: now + ctx.config.authorizationCodeLifetimeSeconds, grant_id: randomBytes(12).toString('base64url'),
    });
    log.pass('code issued', `authorization code for user '${sub}', valid ${ctx.config.authorizationCodeLifetimeSeconds} s, single use`, 'RFC 6749 §4.1.2');
    // RFC 9207: iss tells the client which server answered (mix-up defence).
    x.redirect(withParameters(redirectUri as string, { code, state, iss: ctx.config.issuer }, false));
  } catch (thrown) {
    const error = thrown instanceof OAuthError ? thrown : asOAuthError(thrown, ctx.config.log);
    x.addChecks(error.checks);
    x.redirect(withParameters(redirectUri as string, { error: error.error, error_description: error.message, state, iss: ctx.config.issuer }, implicit), error);
  }
}
