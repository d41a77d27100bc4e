/**
 * Client authentication in two phases (the shape node-oidc-provider uses): detect which mechanism the
 * request presents, then load the client, require that it registered a method that mechanism can
 * satisfy, and dispatch to that method's verifier.
 */
import { CheckLog } from '../checks.js';
import { OAuthError } from '../errors.js';
import { checkFapiClientAuthentication } from '../profiles/fapi.js';
import { detectClientAuthentication, METHODS_BY_MECHANISM, type PresentedMechanism } from './detect.js';
import {
  verifyClientSecretBasic,
  verifyClientSecretJwt,
  verifyClientSecretPost,
  verifyNone,
  verifyPrivateKeyJwt,
  verifySelfSignedTlsClientAuth,
  verifyTlsClientAuth,
} from './methods.js';
import type { AuthenticatedClient, AuthorizationServerContext, ClientAuthRequest, RegisteredClient, TokenEndpointAuthMethod } from './types.js';

/** The method a client uses when its metadata names none (OIDC Dynamic Client Registration §2). */
export const DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD: TokenEndpointAuthMethod = 'client_secret_basic';

export function registeredMethodOf(client: RegisteredClient): TokenEndpointAuthMethod {
  return client.token_endpoint_auth_method ?? DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD;
}

export type ClientLookup = (clientId: string) => Promise<RegisteredClient | undefined> | RegisteredClient | undefined;

export interface AuthenticateClientOptions {
  findClient: ClientLookup;
  server: AuthorizationServerContext;
}

/**
 * Authenticates the client that made `request`. Returns the client with every check made, or throws
 * an OAuthError (invalid_client / invalid_request) whose `checks` end with the one that failed.
 */
export async function authenticateClient(request: ClientAuthRequest, { findClient, server }: AuthenticateClientOptions): Promise<AuthenticatedClient> {
  const log = new CheckLog();
  try {
    return await authenticate(request, findClient, server, log);
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    // Anything unexpected still answers as a refusal with the checks so far, never as a crash.
    return log.fail('internal', `client authentication could not be completed: ${(error as Error).message}`, 'RFC 6749 §5.2', {
      code: 'ERR_CLIENT_AUTHENTICATION_FAILED',
    });
  }
}

async function authenticate(request: ClientAuthRequest, findClient: ClientLookup, server: AuthorizationServerContext, log: CheckLog): Promise<AuthenticatedClient> {
  const presentation = detectClientAuthentication(request, log);
  const client = await findClient(presentation.clientId);
  if (client === undefined) {
    return log.fail('client known', `no client is registered with client_id '${presentation.clientId}'`, 'RFC 6749 §5.2',
      { code: 'ERR_CLIENT_UNKNOWN' });
  }
  log.pass('client known', `client '${client.client_id}' is registered${client.client_name ? ` (${client.client_name})` : ''}`);

  const method = registeredMethodOf(client);
  const used = methodUsed(method, presentation.mechanism, server, client, log);

  if (server.profile !== undefined) {
    const [violation] = checkFapiClientAuthentication(server.profile, { method });
    log.require(violation === undefined, 'profile method', violation?.spec ?? server.profile.methodsSpec,
      { code: 'ERR_PROFILE_METHOD' },
      `${method} is allowed by ${server.profile.title}`, () => violation?.detail ?? '');
  }

  switch (used) {
    case 'client_secret_basic':
      return verifyClientSecretBasic(request, client, server, log, presentation.basic);
    case 'client_secret_post':
      return verifyClientSecretPost(request, client, server, log);
    case 'client_secret_jwt':
      return verifyClientSecretJwt(request, client, server, log, presentation.assertion);
    case 'private_key_jwt':
      return verifyPrivateKeyJwt(request, client, server, log, presentation.assertion);
    case 'tls_client_auth':
      return verifyTlsClientAuth(request, client, server, log);
    case 'self_signed_tls_client_auth':
      return verifySelfSignedTlsClientAuth(request, client, server, log);
    case 'none':
      return verifyNone(request, client, server, log);
  }
}

/** Where holding a client to its registered method comes from: the lab's own policy, except at CIBA's endpoint. */
const REGISTERED_METHOD_SPEC = 'lab policy; RFC 7591 §2 (token_endpoint_auth_method); CIBA Core §7.1';
/** RFC 6749 §2.3.1: a server MUST support Basic for clients issued a password, and MAY take the secret in the body. */
const SECRET_TRANSPORT_SPEC = 'RFC 6749 §2.3.1';

/**
 * Which method's verifier runs: the registered one when the request presents it, or the one the request
 * does present where a rule lets it stand in. Records the check either way, and refuses any other mismatch.
 */
function methodUsed(
  method: TokenEndpointAuthMethod, mechanism: PresentedMechanism, server: AuthorizationServerContext, client: RegisteredClient, log: CheckLog,
): TokenEndpointAuthMethod {
  const defaulted = client.token_endpoint_auth_method === undefined;
  const registered = `the client registered ${method}${defaulted ? ' (the default)' : ''}`;
  if (METHODS_BY_MECHANISM[mechanism].includes(method)) {
    log.pass('registered method', `${registered}, which this request uses`, REGISTERED_METHOD_SPEC);
    return method;
  }
  const secretTransports = ['client_secret_basic', 'client_secret_post'];
  if (secretTransports.includes(method) && secretTransports.includes(mechanism)) {
    const other = mechanism as 'client_secret_basic' | 'client_secret_post';
    log.require(server.audiencePolicy === 'interop', 'registered method', server.audiencePolicy === 'interop' ? SECRET_TRANSPORT_SPEC : REGISTERED_METHOD_SPEC,
      { code: 'ERR_METHOD_NOT_REGISTERED' },
      `${registered} and sends its secret as ${other}: in interop mode either transport of a client secret is accepted, since a server MUST support HTTP Basic for clients issued a password and MAY accept the secret in the body; the secret is checked all the same`,
      () => `${mismatchExplanation(method, mechanism, defaulted)}; strict mode holds a client to the transport it registered`);
    return other;
  }
  if (method === 'none' && mechanism === 'tls_client_certificate') {
    log.pass('registered method', `${registered}: a public client that presents a TLS client certificate is identified by client_id alone; the certificate authenticates nothing${client.tls_client_certificate_bound_access_tokens === true ? ', but its access tokens are bound to it' : ''}`, 'RFC 8705 §4');
    return 'none';
  }
  return log.fail('registered method', mismatchExplanation(method, mechanism, defaulted), REGISTERED_METHOD_SPEC, { code: 'ERR_METHOD_NOT_REGISTERED' });
}

const MECHANISM_WORDS: Record<string, string> = {
  client_secret_basic: 'an HTTP Basic Authorization header',
  client_secret_post: 'client_secret in the request body',
  client_assertion: 'a client_assertion JWT',
  tls_client_certificate: 'a TLS client certificate',
  client_id_only: 'only a client_id, with no credentials',
};

function mismatchExplanation(method: TokenEndpointAuthMethod, mechanism: keyof typeof METHODS_BY_MECHANISM, defaulted: boolean): string {
  const registered = `the client registered ${method}${defaulted ? ' (the default when token_endpoint_auth_method is omitted)' : ''}`;
  // The lab's own policy: the registered method is the one it verifies (CIBA Core §7.1 requires that at the backchannel endpoint).
  const hint = (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') && mechanism === 'client_id_only'
    ? '; no client certificate reached the server: call the mutual-TLS endpoint with the certificate'
    : '';
  return `${registered} but the request presents ${MECHANISM_WORDS[mechanism]}${hint}`;
}
