/**
 * Phase one of client authentication: work out which mechanism the request presents, before any
 * client is loaded. More than one is refused (RFC 6749 §2.3), and a client_id parameter must name the
 * same client as the credentials.
 */
import { CheckLog } from '../checks.js';
import type { CodedError } from '../errors.js';
import type { DecodedJwt } from '../assertions/compact-jwt.js';
import { decodeClientAssertion } from '../assertions/client-assertion.js';
import { BASIC_CHALLENGE, isBasicAuthorization, parseClientSecretBasic, type BasicCredentials } from './client-secret-basic.js';
import type { ClientAuthRequest, TokenEndpointAuthMethod } from './types.js';

export type PresentedMechanism =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_assertion'
  | 'tls_client_certificate'
  | 'client_id_only';

export interface Presentation {
  mechanism: PresentedMechanism;
  /** The client the credentials claim to be. */
  clientId: string;
  basic?: BasicCredentials;
  assertion?: DecodedJwt;
}

/** Which registered methods each presented mechanism can satisfy. */
export const METHODS_BY_MECHANISM: Readonly<Record<PresentedMechanism, readonly TokenEndpointAuthMethod[]>> = {
  client_secret_basic: ['client_secret_basic'],
  client_secret_post: ['client_secret_post'],
  client_assertion: ['client_secret_jwt', 'private_key_jwt'],
  tls_client_certificate: ['tls_client_auth', 'self_signed_tls_client_auth'],
  client_id_only: ['none'],
};

const AUTH_PARAMETERS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

function headerValue(request: ClientAuthRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function detectClientAuthentication(request: ClientAuthRequest, log: CheckLog = new CheckLog()): Presentation {
  for (const name of AUTH_PARAMETERS) {
    if (Array.isArray(request.body[name])) {
      log.fail(`${name} once`, `the parameter ${name} appears more than once; request parameters MUST NOT be repeated`, 'RFC 6749 §3.2',
        { code: 'ERR_PARAMETER_REPEATED', error: 'invalid_request' });
    }
  }
  const body = request.body as Record<string, string | undefined>;
  const authorization = headerValue(request, 'authorization');
  const presented: PresentedMechanism[] = [];
  if (isBasicAuthorization(authorization)) presented.push('client_secret_basic');
  if (body.client_secret !== undefined) presented.push('client_secret_post');
  if (body.client_assertion !== undefined || body.client_assertion_type !== undefined) presented.push('client_assertion');
  // RFC 9110 §15.5.2: a 401 names a scheme. Basic fits a Basic attempt and a request with no credentials at
  // all; for a secret in the body, an assertion or a certificate no HTTP scheme fits, so those answer 400.
  if (presented.includes('client_secret_basic') || (presented.length === 0 && request.clientCertificate === undefined)) log.wwwAuthenticate = BASIC_CHALLENGE;

  if (presented.length > 1) {
    // RFC 7521 §4.2.1: an assertion beside other credentials is an invalid_client; other pairs are a malformed request.
    const withAssertion = presented.includes('client_assertion');
    log.fail('one mechanism', `the request uses ${presented.join(' and ')} at once; a client MUST NOT use more than one authentication method in a request`,
      withAssertion ? 'RFC 6749 §2.3; RFC 7521 §4.2.1' : 'RFC 6749 §2.3', { code: 'ERR_MULTIPLE_MECHANISMS', error: withAssertion ? 'invalid_client' : 'invalid_request' });
  }

  const clientIdParameter = body.client_id;
  const [mechanism] = presented;
  if (mechanism === 'client_secret_basic') {
    let basic: BasicCredentials;
    try {
      basic = parseClientSecretBasic(authorization as string);
    } catch (error) {
      const coded = error as CodedError;
      return log.fail('Authorization header', coded.message, coded.spec ?? 'RFC 7617 §2', { code: coded.code, error: 'invalid_request' });
    }
    log.pass('mechanism', `HTTP Basic: client_id '${basic.clientId}' and a secret in the Authorization header`, 'RFC 6749 §2.3.1; RFC 7617');
    requireSameClientId(log, clientIdParameter, basic.clientId, 'the Basic user name');
    return { mechanism, clientId: basic.clientId, basic };
  }
  if (mechanism === 'client_secret_post') {
    log.require(typeof clientIdParameter === 'string' && clientIdParameter.length > 0, 'mechanism', 'RFC 6749 §2.3.1',
      { code: 'ERR_CLIENT_ID_MISSING', error: 'invalid_request' },
      `client_id '${String(clientIdParameter)}' and client_secret in the request body`,
      () => 'client_secret was sent in the body without client_id');
    return { mechanism, clientId: clientIdParameter as string };
  }
  if (mechanism === 'client_assertion') {
    log.require(body.client_assertion_type === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'client_assertion_type',
      'RFC 7523 §2.2; RFC 7521 §4.2',
      { code: 'ERR_ASSERTION_TYPE', error: 'invalid_request' },
      'client_assertion_type is urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      () => body.client_assertion_type === undefined
        ? 'client_assertion was sent without client_assertion_type'
        : `client_assertion_type '${body.client_assertion_type}' is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer`);
    if (typeof body.client_assertion !== 'string' || body.client_assertion.length === 0) {
      log.fail('client_assertion', 'client_assertion_type was sent without client_assertion', 'RFC 7521 §4.2',
        { code: 'ERR_ASSERTION_MISSING', error: 'invalid_request' });
    }
    const assertion = decodeClientAssertion(request, log);
    const { sub, iss } = assertion.payload;
    const claimed = typeof sub === 'string' ? sub : typeof iss === 'string' ? iss : undefined;
    log.require(claimed !== undefined && claimed.length > 0, 'mechanism', 'RFC 7523 §3 (2)',
      { code: 'ERR_ASSERTION_SUB' },
      `a client assertion (JWT) claiming to be client '${String(claimed)}'`,
      () => 'the client assertion names no client: its sub (and iss) claim is missing or not a string');
    requireSameClientId(log, clientIdParameter, claimed as string, "the assertion's sub", 'invalid_client');
    if (typeof iss === 'string' && clientIdParameter !== undefined) requireSameClientId(log, clientIdParameter, iss, "the assertion's iss", 'invalid_client');
    return { mechanism, clientId: claimed as string, assertion };
  }
  if (typeof clientIdParameter !== 'string' || clientIdParameter.length === 0) {
    log.fail('client_id', request.clientCertificate === undefined
      ? 'the request carries no client authentication and no client_id'
      : 'a client certificate was presented but the client_id parameter is missing; mutual-TLS clients MUST send client_id (RFC 8705 §2)',
    'RFC 6749 §5.2; RFC 8705 §2', { code: 'ERR_NO_CLIENT_AUTHENTICATION' });
  }
  if (request.clientCertificate !== undefined) {
    log.pass('mechanism', `a TLS client certificate, for client_id '${clientIdParameter}'`, 'RFC 8705 §2');
    return { mechanism: 'tls_client_certificate', clientId: clientIdParameter };
  }
  log.pass('mechanism', `only client_id '${clientIdParameter}': no credentials`, 'RFC 6749 §2.1');
  return { mechanism: 'client_id_only', clientId: clientIdParameter };
}

function requireSameClientId(log: CheckLog, parameter: string | undefined, claimed: string, what: string, error: 'invalid_request' | 'invalid_client' = 'invalid_request'): void {
  if (parameter === undefined) return;
  // RFC 7521 §4.2.1: a client_id that does not name the assertion's client is invalid_client.
  log.require(parameter === claimed, 'client_id agrees', error === 'invalid_client' ? 'RFC 7521 §4.2.1' : 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_ID_MISMATCH', error },
    `the client_id parameter matches ${what}`,
    () => `the client_id parameter '${parameter}' does not match ${what} '${claimed}'`);
}
