/**
 * Every endpoint that authenticates clients (token, revocation, device authorization, backchannel
 * authentication; RFC 6749 §3.2.1, RFC 7009 §2.1, RFC 8628 §3.1, CIBA Core §7.1) goes through lib's
 * authenticateClient, with the request's certificate and the URL of the endpoint called, and puts
 * every check lib made in the trace.
 */
import {
  authenticateClient,
  isBasicAuthorization,
  OAuthError,
  parseClientSecretBasic,
  type AuthenticatedClient,
  type ClientAuthRequest,
} from '@client-auth-lab/lib';
import type { Exchange } from './exchange.js';
import type { FormParameters } from './form.js';
import type { StoredClient } from './store/types.js';

/** The client a request claims to be, before anything is verified (for the trace only). */
function claimedClientId(x: Exchange, form: FormParameters): string | undefined {
  if (typeof form.client_id === 'string') return form.client_id;
  const authorization = x.req.headers.authorization;
  if (isBasicAuthorization(authorization)) {
    try {
      return parseClientSecretBasic(authorization as string).clientId;
    } catch {
      // A malformed header names no client; lib refuses it with the precise reason.
    }
  }
  const sub = x.request.jwts?.client_assertion?.payload.sub;
  return typeof sub === 'string' ? sub : undefined;
}

/** The trace shows the client assertion decoded: lib's parts when it verified, decoded here when it did not. */
function showClientAssertion(x: Exchange, form: FormParameters, verified: AuthenticatedClient | undefined): void {
  if (verified?.assertion !== undefined) x.showJwt('client_assertion', verified.assertion);
  else if (typeof form.client_assertion === 'string') x.decodeJwt('client_assertion', form.client_assertion);
}

export interface AuthenticatedCaller extends AuthenticatedClient {
  client: StoredClient;
}

export async function authenticateCaller(x: Exchange, form: FormParameters): Promise<AuthenticatedCaller> {
  // The trace names the verified client on success; the claimed one (worked out only then, since
  // it decodes the credentials a second time) when the request is refused.
  try {
    // RFC 6749 §3.2: no parameter may appear twice, whichever it is; refused before anything is trusted.
    let repeated: string[] | undefined;
    for (const name in form) if (Array.isArray(form[name])) (repeated ??= []).push(name);
    if (repeated !== undefined) {
      x.log.fail('parameters once', `the parameter(s) ${repeated.join(', ')} appear more than once; request parameters MUST NOT be repeated`,
        'RFC 6749 §3.2', { code: 'ERR_PARAMETER_REPEATED', error: 'invalid_request' });
    }
    const certificate = x.certificate;
    const request: ClientAuthRequest = {
      headers: x.req.headers,
      body: form,
      endpointUrl: x.endpointUrl,
      ...(certificate === undefined ? {} : { clientCertificate: certificate.der, clientCertificateChain: certificate.chain }),
    };
    let result: AuthenticatedClient;
    try {
      result = await authenticateClient(request, { findClient: x.ctx.findClient, server: x.ctx.server });
    } catch (error) {
      if (error instanceof OAuthError) x.addChecks(error.checks);
      throw error;
    }
    showClientAssertion(x, form, result);
    x.addChecks(result.checks);
    x.clientId = result.client.client_id;
    x.method = result.method;
    return result as AuthenticatedCaller;
  } catch (error) {
    showClientAssertion(x, form, undefined);
    x.clientId = claimedClientId(x, form);
    throw error;
  }
}
