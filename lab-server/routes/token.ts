/**
 * The token endpoint (RFC 6749 §3.2): authenticate the client through lib, then the grant rules
 * (client type, registered grant_types), then the grant itself. Success is RFC 6749 §5.1 with
 * Cache-Control: no-store; failures are §5.2.
 */
import { clientTypeOf, decodeCompactJwt, isGrantAllowedFor, OAuthError } from '@client-auth-lab/lib';
import { authenticateCaller, enforceTokenRateLimit, type AuthenticatedCaller } from '../client-authentication.js';
import type { Exchange } from '../exchange.js';
import { singleParameter, type FormParameters } from '../form.js';
import { GRANT_HANDLERS, SUPPORTED_GRANT_TYPES } from '../grants/index.js';

export async function tokenEndpoint(x: Exchange): Promise<void> {
  const form = await x.form();
  await enforceTokenRateLimit(x, form);
  const caller = isUnauthenticatedJwtBearer(x, form) ? identifyJwtBearerClient(x, form) : await authenticateCaller(x, form);
  const { log } = x;
  const grantType = singleParameter(form, 'grant_type');
  log.require(grantType !== undefined, 'grant_type present', 'RFC 6749 §4.1.3; RFC 6749 §5.2', { code: 'ERR_GRANT_TYPE_MISSING', error: 'invalid_request' },
    `grant_type is ${String(grantType)}`, () => 'the token request has no grant_type');
  const handler = GRANT_HANDLERS[grantType as string];
  log.require(handler !== undefined, 'grant_type supported', 'RFC 6749 §5.2', { code: 'ERR_GRANT_TYPE_UNSUPPORTED', error: 'unsupported_grant_type' },
    `${String(grantType)} is supported`, () => `grant_type '${String(grantType)}' is not supported here; supported: ${SUPPORTED_GRANT_TYPES.join(', ')}`);
  const type = clientTypeOf(caller.client);
  const decision = isGrantAllowedFor(type, grantType as string);
  log.require(decision.allowed, 'client type', decision.spec, { code: 'ERR_GRANT_CLIENT_TYPE', error: 'unauthorized_client' },
    decision.detail, () => decision.detail);
  const registered = caller.client.grant_types ?? ['authorization_code'];
  log.require(registered.includes(grantType as string), 'registered grant_types', 'RFC 6749 §5.2; RFC 7591 §2',
    { code: 'ERR_GRANT_NOT_REGISTERED', error: 'unauthorized_client' },
    `the client registered ${String(grantType)} in grant_types`,
    () => `the client is not authorized to use ${String(grantType)}: its registered grant_types are ${registered.join(', ')}`);
  const response = await (handler as NonNullable<typeof handler>)(x, caller, form);
  x.sendNoStore(200, response);
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A jwt-bearer grant request with a client_id and no client credentials of any kind. */
/** A jwt-bearer grant request carrying no client credentials at all (RFC 7521 §4.1). */
function isUnauthenticatedJwtBearer(x: Exchange, form: FormParameters): boolean {
  return singleParameter(form, 'grant_type') === JWT_BEARER_GRANT
    && x.req.headers.authorization === undefined && x.certificate === undefined
    && form.client_secret === undefined && form.client_assertion === undefined && form.client_assertion_type === undefined
    && (typeof form.client_id === 'string' || grantIssuerClient(x, form) !== undefined);
}

/**
 * The registered client a grant assertion's iss names, read before its signature is checked (the grant
 * handler verifies it with that client's keys, RFC 7523 §3 (9)).
 */
function grantIssuerClient(x: Exchange, form: FormParameters): string | undefined {
  const assertion = singleParameter(form, 'assertion');
  if (assertion === undefined) return undefined;
  try {
    const { iss } = decodeCompactJwt(assertion).payload;
    return typeof iss === 'string' && x.ctx.findClient(iss) !== undefined ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 7521 §4.1; RFC 7523 §2.1: client authentication is optional with a JWT grant, and client_id is
 * needed only by authentication methods that rely on it. Without client_id the lab identifies the
 * client as the grant assertion's issuer when that is a registered client (the lab's reading: tokens
 * are always issued to a registered client); a request naming neither is refused as unauthenticated.
 */
function identifyJwtBearerClient(x: Exchange, form: FormParameters): AuthenticatedCaller {
  const named = typeof form.client_id === 'string';
  const clientId = named ? form.client_id as string : grantIssuerClient(x, form) as string;
  const client = x.ctx.findClient(clientId);
  x.clientId = clientId;
  if (client === undefined) {
    x.log.checks.push({ name: 'client known', passed: false, detail: `no client is registered with client_id '${clientId}'`, spec: 'RFC 6749 §5.2' });
    throw new OAuthError('invalid_client', 'ERR_CLIENT_UNKNOWN', `no client is registered with client_id '${clientId}'`, { spec: 'RFC 6749 §5.2', wwwAuthenticate: 'Basic realm="client-auth-lab", charset="UTF-8"' });
  }
  x.log.pass('client authentication', named
    ? `client '${clientId}' is identified by client_id and not authenticated: client authentication is optional with a JWT authorization grant`
    : `no client_id and no client authentication (both optional with a JWT authorization grant); the client is the grant assertion's iss '${clientId}', whose signature the grant checks next (lab's reading)`,
  'RFC 7521 §4.1; RFC 7523 §2.1');
  x.method = 'none';
  return { client, method: 'none', checks: [] };
}
