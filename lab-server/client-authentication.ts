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
import { RateLimitedError } from './rate-limit.js';
import type { StoredClient } from './store/types.js';

/** The client a token request names before anything is verified: client_id, the Basic user, or the assertion's sub. */
function namedClientId(x: Exchange, form: FormParameters): string | undefined {
  const named = claimedClientId(x, form);
  if (named !== undefined) return named;
  const assertion = form.client_assertion;
  if (typeof assertion !== 'string') return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A shared room's limit on token requests (per client, and per source address when asked), checked
 * before any signature is verified so a runaway loop costs the server little (RFC 6585 §4).
 */
export async function enforceTokenRateLimit(x: Exchange, form: FormParameters): Promise<void> {
  const { token } = x.ctx.rateLimits;
  if (token.perMinute <= 0) return;
  const now = x.ctx.config.now();
  const clientId = namedClientId(x, form);
  const keys = [...(clientId === undefined ? [] : [`client ${clientId}`]), ...(x.ctx.config.rateLimitByAddress ? [`address ${x.request.remoteAddress}`] : [])];
  for (const key of keys) {
    const retryAfter = await token.take(key, now);
    if (retryAfter === undefined) continue;
    if (clientId !== undefined) x.clientId = clientId;
    const detail = `more than ${token.perMinute} token requests a minute from ${key}; try again in ${retryAfter} s`;
    x.log.checks.push({ name: 'rate limit', passed: false, detail, spec: 'RFC 6585 §4' });
    throw new RateLimitedError(detail, retryAfter);
  }
}

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
