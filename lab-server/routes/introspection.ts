/**
 * Token introspection (RFC 7662). The caller is a protected resource, which authenticates itself
 * (§2.1) with credentials this server gave it; that looks like client authentication but is not, so
 * a client's credentials are refused here with an explanation.
 */
import { OAuthError, parseClientSecretBasic, secretsEqual, type BasicCredentials, type CodedError } from '@client-auth-lab/lib';
import type { Exchange } from '../exchange.js';
import { singleParameter } from '../form.js';

const CHALLENGE = 'Basic realm="client-auth-lab resource servers", charset="UTF-8"';

function refuse(x: Exchange, code: string, detail: string): never {
  x.log.checks.push({ name: 'resource server', passed: false, detail, spec: 'RFC 7662 §2.1' });
  throw new OAuthError('invalid_client', code, detail, { status: 401, spec: 'RFC 7662 §2.1', wwwAuthenticate: CHALLENGE });
}

export async function introspectionEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  // No client authenticates here; a client assertion sent by mistake is still shown decoded.
  if (typeof form.client_assertion === 'string') x.decodeJwt('client_assertion', form.client_assertion);
  const { log, ctx } = x;
  const authorization = x.req.headers.authorization;
  if (authorization === undefined || !/^basic\s/i.test(authorization)) {
    const clientLike = ['client_secret', 'client_assertion', 'client_id'].filter((p) => form[p] !== undefined);
    refuse(x, 'ERR_RESOURCE_SERVER_UNAUTHENTICATED', clientLike.length > 0
      ? `the request carries client credentials (${clientLike.join(', ')}); introspection authenticates the resource server, not a client: use the resource server's Basic credentials`
      : 'introspection needs the resource server\'s credentials in an HTTP Basic Authorization header');
  }
  let credentials: BasicCredentials;
  try {
    credentials = parseClientSecretBasic(authorization as string);
  } catch (error) {
    refuse(x, (error as CodedError).code, (error as CodedError).message);
  }
  const resourceServer = ctx.config.resourceServers.find((rs) => rs.id === credentials.clientId);
  if (resourceServer === undefined || !secretsEqual(credentials.clientSecret, resourceServer.secret)) {
    const asClient = ctx.findClient(credentials.clientId) !== undefined;
    refuse(x, 'ERR_RESOURCE_SERVER_UNKNOWN', asClient
      ? `'${credentials.clientId}' is a client, not a resource server: introspection is for protected resources (RFC 7662 §2.1)`
      : `no resource server '${credentials.clientId}' with that secret`);
  }
  log.pass('resource server', `resource server '${credentials.clientId}' authenticated (this is not client authentication)`, 'RFC 7662 §2.1');
  x.clientId = undefined;
  const token = singleParameter(form, 'token');
  log.require(token !== undefined, 'token present', 'RFC 7662 §2.1', { code: 'ERR_TOKEN_MISSING', error: 'invalid_request' },
    'the token parameter is present', () => 'the introspection request has no token parameter');
  const record = ctx.store.tokens.get(token as string);
  const now = Math.floor(ctx.config.now() / 1000);
  const active = record !== undefined && record.revoked !== true && record.exp > now;
  const why = record === undefined ? 'unknown' : record.revoked === true ? 'revoked' : record.exp <= now ? 'expired' : 'active';
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
