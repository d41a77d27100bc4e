/**
 * Phase two: one verification function per client authentication method. Each takes the request
 * parts, the registered client and the server context, records its checks in `log`, and throws an
 * OAuthError carrying those checks when a rule fails.
 */
import { CheckLog } from '../checks.js';
import type { CodedError } from '../errors.js';
import { epochSeconds } from '../clock.js';
import { verifyClientAssertion } from '../assertions/client-assertion.js';
import type { DecodedJwt } from '../assertions/compact-jwt.js';
import { readCertificate, verifyCertificateChain, REVOCATION_NOT_CHECKED, type CertificateView } from '../x509/index.js';
import { x5tS256 } from '../mtls/thumbprint.js';
import { matchTlsClientAuthField, registeredTlsClientAuthFields, type FieldMatch } from '../mtls/tls-client-auth-fields.js';
import { parseClientSecretBasic, type BasicCredentials } from './client-secret-basic.js';
import { verifyClientSecret } from './client-secret.js';
import type { AuthenticatedClient, AuthorizationServerContext, ClientAuthRequest, RegisteredClient } from './types.js';

function headerValue(request: ClientAuthRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function bodyValue(request: ClientAuthRequest, name: string): string | undefined {
  const value = request.body[name];
  return Array.isArray(value) ? undefined : value;
}

function result(client: RegisteredClient, method: AuthenticatedClient['method'], log: CheckLog, request: ClientAuthRequest): AuthenticatedClient {
  const authenticated: AuthenticatedClient = { client, method, checks: log.checks };
  if (request.clientCertificate !== undefined) authenticated.certificateThumbprint = x5tS256(request.clientCertificate);
  return authenticated;
}

/** client_secret_basic (RFC 6749 §2.3.1): the secret in the Basic header, Appendix B encoded. */
export async function verifyClientSecretBasic(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(), parsed?: BasicCredentials,
): Promise<AuthenticatedClient> {
  log.wwwAuthenticate ??= 'Basic realm="client-auth-lab", charset="UTF-8"';
  let credentials: BasicCredentials;
  try {
    // `parsed`: the same header already parsed by detectClientAuthentication.
    credentials = parsed ?? parseClientSecretBasic(headerValue(request, 'authorization') ?? '');
  } catch (error) {
    const coded = error as CodedError;
    return log.fail('Authorization header', coded.message, coded.spec ?? 'RFC 7617 §2', { code: coded.code, error: 'invalid_request' });
  }
  log.require(credentials.clientId === client.client_id, 'client_id', 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_ID_MISMATCH' },
    `the Basic user name is client_id '${client.client_id}'`,
    () => `the Basic user name '${credentials.clientId}' is not client_id '${client.client_id}'`);
  verifyClientSecret(credentials.clientSecret, client, server, log);
  return result(client, 'client_secret_basic', log, request);
}

/** client_secret_post (RFC 6749 §2.3.1): client_id and client_secret as form parameters. */
export async function verifyClientSecretPost(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(),
): Promise<AuthenticatedClient> {
  const clientId = bodyValue(request, 'client_id');
  const secret = bodyValue(request, 'client_secret');
  log.require(clientId === client.client_id, 'client_id', 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_ID_MISMATCH', error: 'invalid_request' },
    `client_id '${client.client_id}' is in the body`,
    () => `the client_id parameter ${JSON.stringify(clientId)} is not '${client.client_id}'`);
  log.require(typeof secret === 'string', 'client_secret present', 'RFC 6749 §2.3.1',
    { code: 'ERR_CLIENT_SECRET_MISSING', error: 'invalid_request' },
    'client_secret is in the body', () => 'the body has no client_secret');
  verifyClientSecret(secret as string, client, server, log);
  return result(client, 'client_secret_post', log, request);
}

async function verifyAssertionMethod(
  method: 'client_secret_jwt' | 'private_key_jwt',
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log: CheckLog, decoded?: DecodedJwt,
): Promise<AuthenticatedClient> {
  const verified = await verifyClientAssertion(method, request, client, server, log, decoded);
  const authenticated = result(client, method, log, request);
  authenticated.assertion = { header: verified.header, payload: verified.payload };
  return authenticated;
}

/** client_secret_jwt (RFC 7523 §2.2, OIDC Core §9): a JWT MACed with the client secret. */
export function verifyClientSecretJwt(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(), decoded?: DecodedJwt,
): Promise<AuthenticatedClient> {
  return verifyAssertionMethod('client_secret_jwt', request, client, server, log, decoded);
}

/** private_key_jwt (RFC 7523 §2.2, OIDC Core §9): a JWT signed with a key the client registered. */
export function verifyPrivateKeyJwt(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(), decoded?: DecodedJwt,
): Promise<AuthenticatedClient> {
  return verifyAssertionMethod('private_key_jwt', request, client, server, log, decoded);
}

function presentedCertificate(request: ClientAuthRequest, log: CheckLog): CertificateView {
  const der = request.clientCertificate;
  log.require(der !== undefined, 'client certificate', 'RFC 8705 §2',
    { code: 'ERR_NO_CLIENT_CERTIFICATE' },
    'a client certificate was presented (in the TLS handshake, or forwarded by a trusted proxy)',
    () => 'no client certificate was presented: mutual-TLS client authentication needs a TLS connection made with the client certificate');
  try {
    const view = readPresentedCertificate(der as Uint8Array);
    log.pass('certificate parsed', `subject '${view.subjectString}', x5t#S256 ${view.x5tS256}`, 'RFC 5280 §4.1');
    return view;
  } catch (error) {
    const coded = error as CodedError;
    return log.fail('certificate parsed', `the client certificate is not a valid X.509 certificate: ${coded.message}`, 'RFC 5280 §4.1',
      { code: coded.code ?? 'ERR_CERTIFICATE_MALFORMED' });
  }
}

/**
 * A certificate presented again and again (every request on one TLS connection, or by one proxy
 * header) is parsed once per byte array: the view is kept beside a copy of the bytes it was read from
 * and used again while they are unchanged. The view is a pure function of the bytes, so the checks and
 * the trace are exactly those of a fresh parse.
 */
const presentedViews = new WeakMap<Uint8Array, { bytes: Uint8Array; view: CertificateView }>();

function readPresentedCertificate(der: Uint8Array): CertificateView {
  const cached = presentedViews.get(der);
  if (cached !== undefined && Buffer.compare(cached.bytes, der) === 0) return cached.view;
  const view = readCertificate(der);
  presentedViews.set(der, { bytes: Uint8Array.from(der), view });
  return view;
}

/**
 * The server's trust anchors, parsed once per list: a server passes the same list with every request,
 * and parsing the CA certificate again for each one cost more than the rest of tls_client_auth.
 */
const parsedAnchors = new WeakMap<readonly Uint8Array[], { bytes: Uint8Array[]; views: CertificateView[] }>();

function trustAnchorViews(anchors: readonly Uint8Array[]): CertificateView[] {
  const cached = parsedAnchors.get(anchors);
  // Compared with a copy of the bytes parsed, so an anchor changed in place is parsed again.
  if (cached !== undefined && cached.bytes.length === anchors.length && cached.bytes.every((bytes, i) => Buffer.compare(bytes, anchors[i] as Uint8Array) === 0)) {
    return cached.views;
  }
  const views = anchors.map((der) => readCertificate(der));
  parsedAnchors.set(anchors, { bytes: anchors.map((der) => Uint8Array.from(der)), views });
  return views;
}

/** tls_client_auth (RFC 8705 §2.1): a CA-issued certificate, chain-validated, matching one registered field. */
export async function verifyTlsClientAuth(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(),
): Promise<AuthenticatedClient> {
  const certificate = presentedCertificate(request, log);
  const anchors = trustAnchorViews(server.trustAnchors ?? []);
  const intermediates = (request.clientCertificateChain ?? []).map((der) => readPresentedCertificate(der));
  const at = new Date(epochSeconds(server.clock) * 1000);
  const chain = verifyCertificateChain({ certificate, intermediates, trustAnchors: anchors, at });
  log.require(chain.valid, 'certificate chain', 'RFC 8705 §2.1; RFC 5280 §6',
    { code: 'ERR_CERTIFICATE_CHAIN' },
    `the chain ${chain.path.map((c) => `'${c.subjectString}'`).join(' ← ')} ends at a trust anchor and is valid at ${at.toISOString()}; ${REVOCATION_NOT_CHECKED}`,
    () => `the certificate chain is not valid: ${chain.reason ?? 'no path to a trust anchor'}${anchors.length === 0 ? ' (the server has no trust anchors configured)' : ''}`);
  const fields = registeredTlsClientAuthFields(client);
  log.require(fields.length === 1, 'registered field', 'RFC 8705 §2.1.2',
    { code: 'ERR_TLS_CLIENT_AUTH_METADATA' },
    `the client registered ${fields[0]?.field} '${fields[0]?.value}'`,
    () => `a tls_client_auth client must register exactly one tls_client_auth_* value; this one has ${fields.length}`);
  const { field, value } = fields[0] as { field: 'tls_client_auth_subject_dn'; value: string };
  let match: FieldMatch;
  try {
    match = matchTlsClientAuthField(certificate, field, value);
  } catch (error) {
    const coded = error as CodedError;
    return log.fail(field, coded.message, coded.spec ?? 'RFC 8705 §2.1.2', { code: coded.code });
  }
  log.require(match.matched, field, 'RFC 8705 §2.1.2', { code: 'ERR_CERTIFICATE_MISMATCH' }, match.detail, () => match.detail);
  return result(client, 'tls_client_auth', log, request);
}

/**
 * self_signed_tls_client_auth (RFC 8705 §2.2): the presented certificate must be one the client
 * registered, in x5c[0] of a key in its jwks or jwks_uri. No CA is involved, so no chain is built.
 */
export async function verifySelfSignedTlsClientAuth(
  request: ClientAuthRequest, client: RegisteredClient, server: AuthorizationServerContext, log = new CheckLog(),
): Promise<AuthenticatedClient> {
  const certificate = presentedCertificate(request, log);
  const registered = async (refresh: boolean) => {
    let resolved;
    try {
      resolved = await server.jwks.keysFor(client, { refresh });
    } catch (error) {
      const coded = error as CodedError;
      return log.fail('client keys', coded.message, coded.spec ?? 'RFC 8705 §2.2', { code: coded.code ?? 'ERR_JWKS_FETCH' });
    }
    const thumbprints = resolved.keys
      .map((key) => key.x5c?.[0])
      .filter((first): first is string => typeof first === 'string')
      // x5c holds standard Base64 DER, not base64url (RFC 7517 §4.7).
      .map((first) => x5tS256(Buffer.from(first, 'base64')));
    return { source: resolved.source, thumbprints };
  };
  let known = await registered(false);
  if (!known.thumbprints.includes(certificate.x5tS256) && known.source === 'jwks_uri') known = await registered(true);
  log.require(known.thumbprints.includes(certificate.x5tS256), 'registered certificate', 'RFC 8705 §2.2; RFC 7517 §4.7',
    { code: 'ERR_CERTIFICATE_NOT_REGISTERED' },
    `the certificate (x5t#S256 ${certificate.x5tS256}) is x5c[0] of a key in the client's ${known.source}`,
    () => `the certificate (x5t#S256 ${certificate.x5tS256}) is not among the ${known.thumbprints.length} certificate(s) in x5c of the client's ${known.source}`);
  return result(client, 'self_signed_tls_client_auth', log, request);
}

/** none (RFC 6749 §2.1, OIDC Registration §2): a public client identifies itself and proves nothing. */
export async function verifyNone(
  request: ClientAuthRequest, client: RegisteredClient, _server: AuthorizationServerContext, log = new CheckLog(),
): Promise<AuthenticatedClient> {
  log.pass('public client', `client '${client.client_id}' is a public client (token_endpoint_auth_method none): identified, not authenticated`, 'RFC 6749 §2.1');
  return result(client, 'none', log, request);
}
