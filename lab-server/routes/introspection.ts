/**
 * Token introspection (RFC 7662). The caller is a protected resource with credentials this server
 * gave it, a registered client authenticating as at the token endpoint, or the bearer of an access
 * token (§2.1); anyone else is refused with 401 and a challenge.
 */
import { OAuthError, parseClientSecretBasic, secretsEqual, type BasicCredentials, type CodedError } from '@client-auth-lab/lib';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';
import { authenticateCaller } from '../client-authentication.js';

const CHALLENGE = 'Basic realm="client-auth-lab resource servers", charset="UTF-8"';

function refuse(x: Exchange, code: string, detail: string): never {
  x.log.checks.push({ name: 'resource server', passed: false, detail, spec: 'RFC 7662 §2.1' });
  throw new OAuthError('invalid_client', code, detail, { status: 401, spec: 'RFC 7662 §2.1', wwwAuthenticate: CHALLENGE });
}

const BEARER_CHALLENGE = 'Bearer realm="client-auth-lab introspection"';

/**
 * Who may ask (RFC 7662 §2.1): a configured resource server by HTTP Basic, a registered client that
 * authenticates with its registered method (about tokens issued to it), or any caller presenting an
 * active Bearer access token as its authorization (about tokens of that token's client). Returns the
 * client_id whose tokens the caller may ask about.
 */
async function introspectionCaller(x: Exchange, form: Awaited<ReturnType<Exchange['form']>>): Promise<{ onlyClient?: string }> {
  const { log, ctx } = x;
  const authorization = x.req.headers.authorization;
  if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
    const presented = authorization.replace(/^bearer\s+/i, '').trim();
    const record = ctx.store.tokens.get(presented);
    const now = Math.floor(ctx.config.now() / 1000);
    if (record === undefined || record.kind !== 'access_token' || record.revoked === true || record.exp <= now) {
      log.checks.push({ name: 'caller', passed: false, detail: 'the Bearer access token is unknown, revoked or expired', spec: 'RFC 7662 §2.1; RFC 6750 §3.1' });
      throw new OAuthError('invalid_token', 'ERR_INTROSPECTION_TOKEN_INVALID', 'the Bearer access token presented as the caller\'s authorization is not active',
        { status: 401, spec: 'RFC 7662 §2.1; RFC 6750 §3.1', wwwAuthenticate: `${BEARER_CHALLENGE}, error="invalid_token"` });
    }
    // The lab's reading of §2.1 and §4 (token scanning): a bearer learns only about tokens issued to the same client.
    log.pass('caller', `authorized by an active Bearer access token of client '${record.client_id}': it may introspect tokens issued to that client`, 'RFC 7662 §2.1, §4');
    return { onlyClient: record.client_id };
  }
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    let credentials: BasicCredentials | undefined;
    try {
      credentials = parseClientSecretBasic(authorization);
    } catch (error) {
      refuse(x, (error as CodedError).code, (error as CodedError).message);
    }
    const resourceServer = ctx.config.resourceServers.find((rs) => rs.id === credentials?.clientId);
    if (resourceServer !== undefined) {
      if (!secretsEqual(credentials.clientSecret, resourceServer.secret)) refuse(x, 'ERR_RESOURCE_SERVER_UNKNOWN', `no resource server '${credentials.clientId}' with that secret`);
      log.pass('resource server', `resource server '${credentials.clientId}' authenticated`, 'RFC 7662 §2.1');
      return {};
    }
  }
  const hasCredentials = authorization !== undefined || x.certificate !== undefined
    || ['client_secret', 'client_assertion', 'client_assertion_type'].some((p) => form[p] !== undefined);
  if (!hasCredentials) {
    refuse(x, 'ERR_INTROSPECTION_UNAUTHENTICATED', 'introspection needs a caller: a resource server or a client with its registered credentials, or a Bearer access token');
  }
  const caller = await authenticateCaller(x, form);
  if (caller.method === 'none') refuse(x, 'ERR_INTROSPECTION_PUBLIC_CLIENT', `client '${caller.client.client_id}' is a public client: it proves nothing and may not introspect`);
  log.pass('caller', `client '${caller.client.client_id}' authenticated with ${caller.method}: it may introspect tokens issued to it`, 'RFC 7662 §2.1');
  return { onlyClient: caller.client.client_id };
}

export async function introspectionEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  const { log, ctx } = x;
  const { onlyClient } = await introspectionCaller(x, form);
  x.clientId = undefined;
  const token = singleParameter(form, 'token');
  log.require(token !== undefined, 'token present', 'RFC 7662 §2.1', { code: 'ERR_TOKEN_MISSING', error: 'invalid_request' },
    'the token parameter is present', () => 'the introspection request has no token parameter');
  const record = ctx.store.tokens.get(token as string);
  const now = Math.floor(ctx.config.now() / 1000);
  // A client learns only about its own tokens; another's token is answered as inactive (RFC 7662 §2.2).
  const foreign = record !== undefined && onlyClient !== undefined && record.client_id !== onlyClient;
  const active = record !== undefined && !foreign && record.revoked !== true && record.exp > now;
  const why = record === undefined ? 'unknown' : foreign ? 'issued to another client (answered as inactive)' : record.revoked === true ? 'revoked' : record.exp <= now ? 'expired' : 'active';
  log.pass('token state', `the token is ${why}`, 'RFC 7662 §2.2');
  if (!active || record === undefined) {
    // RFC 7662 §2.2: an inactive token reveals nothing else.
    x.sendNoStore(200, { active: false });
    return;
  }
  x.clientId = record.client_id;
  x.sendNoStore(200, {
    active: true,
    client_id: record.client_id,
    ...(record.scope === undefined ? {} : { scope: record.scope }),
    ...(record.kind === 'access_token' ? { token_type: 'Bearer' } : {}),
    exp: record.exp,
    iat: record.iat,
    ...(record.sub === undefined ? {} : { sub: record.sub }),
    iss: ctx.config.issuer,
    // RFC 8705 §3.2: the confirmation of a certificate-bound token.
    ...(record.cnf === undefined ? {} : { cnf: record.cnf }),
  });
}
