/**
 * Client authentication in two phases (the shape node-oidc-provider uses): detect which mechanism the
 * request presents, then load the client, require that it registered a method that mechanism can
 * satisfy, and dispatch to that method's verifier.
 */
import { CheckLog } from '../checks.js';
import { OAuthError } from '../errors.js';
import { checkFapiClientAuthentication } from '../profiles/fapi.js';
import { detectClientAuthentication, METHODS_BY_MECHANISM } from './detect.js';
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
  const acceptable = METHODS_BY_MECHANISM[presentation.mechanism];
  log.require(acceptable.includes(method), 'registered method', 'OIDC Dynamic Client Registration §2; RFC 7591 §2',
    { code: 'ERR_METHOD_NOT_REGISTERED' },
    `the client registered ${method}${client.token_endpoint_auth_method === undefined ? ' (the default)' : ''}, which this request uses`,
    () => mismatchExplanation(method, presentation.mechanism, client.token_endpoint_auth_method === undefined));

  if (server.profile !== undefined) {
    const [violation] = checkFapiClientAuthentication(server.profile, { method });
    log.require(violation === undefined, 'profile method', violation?.spec ?? server.profile.methodsSpec,
      { code: 'ERR_PROFILE_METHOD' },
      `${method} is allowed by ${server.profile.title}`, () => violation?.detail ?? '');
  }

  switch (method) {
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

const MECHANISM_WORDS: Record<string, string> = {
  client_secret_basic: 'an HTTP Basic Authorization header',
  client_secret_post: 'client_secret in the request body',
  client_assertion: 'a client_assertion JWT',
  tls_client_certificate: 'a TLS client certificate',
  client_id_only: 'only a client_id, with no credentials',
};

function mismatchExplanation(method: TokenEndpointAuthMethod, mechanism: keyof typeof METHODS_BY_MECHANISM, defaulted: boolean): string {
  const registered = `the client registered ${method}${defaulted ? ' (the default when token_endpoint_auth_method is omitted)' : ''}`;
  const hint = (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') && mechanism === 'client_id_only'
    ? '; no client certificate reached the server: call the mutual-TLS endpoint with the certificate'
    : '';
  return `${registered} but the request presents ${MECHANISM_WORDS[mechanism]}${hint}`;
}
