/**
 * Dynamic client registration (RFC 7591) and client configuration (RFC 7592). lib validates the
 * metadata and names the rule it breaks; the server adds client_id, the secret for secret-based
 * methods, and the registration access token. A registration is acknowledged only once it is durable.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { methodNeedsSecret, validateClientMetadata, OAuthError, type ClientMetadata, type RegisteredClient } from '@client-auth-lab/lib';
import type { LabContext } from '../context.js';
import { InternalError, labError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { RateLimitedError } from '../rate-limit.js';
import { checkJwksUriForSharedServer } from '../registration-safety.js';
import type { StoredClient } from '../store/types.js';

const BEARER_CHALLENGE = 'Bearer realm="client-auth-lab"';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearerToken(x: Exchange): string | undefined {
  const header = x.req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match?.[1];
}

function invalidToken(description: string, spec: string): OAuthError {
  return new OAuthError('invalid_token', 'ERR_REGISTRATION_TOKEN', description, { status: 401, spec, wwwAuthenticate: `${BEARER_CHALLENGE}, error="invalid_token"` });
}

/** Validates metadata with lib, under the profile in force, and records it as a check. */
function validate(x: Exchange, body: unknown): ClientMetadata {
  const { profile } = x.ctx.config;
  try {
    const metadata = validateClientMetadata(body, profile === undefined ? {} : { profile });
    const { token_endpoint_auth_method: method, grant_types: grants } = metadata as RegisteredClient;
    x.log.pass('client metadata', `valid: token_endpoint_auth_method ${String(method)}, grant_types ${grants?.join(' ')}${profile === undefined ? '' : `, allowed by ${profile.title}`}`, 'RFC 7591 §2');
    return metadata;
  } catch (error) {
    if (error instanceof OAuthError) x.log.checks.push({ name: 'client metadata', passed: false, detail: error.message, spec: error.spec ?? 'RFC 7591 §2' });
    throw error;
  }
}

/** On a shared server, a jwks_uri the server must not fetch is refused at registration (registration-safety.ts). */
async function checkShared(x: Exchange, metadata: ClientMetadata): Promise<void> {
  const jwksUri = (metadata as RegisteredClient).jwks_uri;
  if (!x.ctx.config.shared || typeof jwksUri !== 'string') return;
  await checkJwksUriForSharedServer(jwksUri, { allowHosts: x.ctx.config.allowJwksHosts }, x.log);
}

/** Builds a stored client from validated metadata, issuing the credentials RFC 7591 §3.2.1 calls for. */
export function newClient(metadata: ClientMetadata, now: number, clientId = randomBytes(16).toString('base64url'), secret?: string): StoredClient {
  const client: StoredClient = { ...metadata, client_id: clientId, client_id_issued_at: now };
  const method = client.token_endpoint_auth_method ?? 'client_secret_basic';
  if (methodNeedsSecret(method)) {
    // 64 random bytes (86 characters): a key at least as long as HS512's hash, so every HS-n is sound (RFC 7518 §3.2; OIDC Core §16.19).
    client.client_secret = secret ?? randomBytes(64).toString('base64url');
    client.client_secret_expires_at = 0;
  }
  return client;
}

function clientInformation(ctx: LabContext, client: StoredClient, registrationAccessToken: string): Record<string, unknown> {
  const { registration_access_token_sha256: _hash, ...visible } = client;
  return {
    ...visible,
    registration_access_token: registrationAccessToken,
    registration_client_uri: `${ctx.endpoints.registration_endpoint}/${encodeURIComponent(client.client_id)}`,
  };
}

async function persist(x: Exchange): Promise<void> {
  try {
    await x.ctx.store.commit();
  } catch (error) {
    throw new InternalError(`the client store could not be written: ${(error as Error).message}`);
  }
  if (x.ctx.store.location !== undefined) x.log.pass('durable', `saved to ${x.ctx.store.location} before answering`);
}

export async function registrationEndpoint(x: Exchange): Promise<void> {
  const required = x.ctx.config.registrationToken;
  if (required !== undefined) {
    const presented = bearerToken(x);
    // RFC 7591 §3: the server may require an initial access token (workshop mode).
    if (presented === undefined || !sameText(presented, required)) {
      x.log.checks.push({ name: 'initial access token', passed: false, detail: presented === undefined ? 'registration needs an initial access token (Authorization: Bearer …)' : 'the initial access token is not valid', spec: 'RFC 7591 §3' });
      throw invalidToken(presented === undefined ? 'this server requires an initial access token to register clients' : 'the initial access token is not valid', 'RFC 7591 §3; RFC 6750 §3.1');
    }
    x.log.pass('initial access token', 'the initial access token is valid', 'RFC 7591 §3');
    const retryAfter = await x.ctx.rateLimits.registration.take(sha256(presented), x.ctx.config.now());
    if (retryAfter !== undefined) {
      const detail = `more than ${x.ctx.rateLimits.registration.perMinute} registrations a minute with this initial access token; try again in ${retryAfter} s`;
      x.log.checks.push({ name: 'rate limit', passed: false, detail, spec: 'RFC 6585 §4' });
      throw new RateLimitedError(detail, retryAfter);
    }
  }
  const body = await x.json();
  const metadata = validate(x, body);
  await checkShared(x, metadata);
  const client = newClient(metadata, Math.floor(x.ctx.config.now() / 1000));
  const registrationAccessToken = randomBytes(32).toString('base64url');
  client.registration_access_token_sha256 = sha256(registrationAccessToken);
  x.clientId = client.client_id;
  x.ctx.store.clients.set(client.client_id, client);
  await persist(x);
  x.sendNoStore(201, clientInformation(x.ctx, client, registrationAccessToken));
}

/** RFC 7592 §2: the registration access token guards the client configuration endpoint. */
function configuredClient(x: Exchange): { client: StoredClient; token: string } {
  const clientId = String(x.req.params?.client_id ?? '');
  x.clientId = clientId;
  const token = bearerToken(x);
  if (token === undefined) {
    x.log.checks.push({ name: 'registration access token', passed: false, detail: 'no registration access token (Authorization: Bearer …)', spec: 'RFC 7592 §2' });
    throw invalidToken('the client configuration endpoint needs the registration access token', 'RFC 7592 §2');
  }
  const client = x.ctx.findClient(clientId);
  const expected = client?.registration_access_token_sha256;
  // An unknown client answers like a wrong token, so client_ids cannot be probed (RFC 7592 §2).
  if (client === undefined || expected === undefined || !sameText(sha256(token), expected)) {
    x.log.checks.push({ name: 'registration access token', passed: false, detail: 'the token is not the registration access token of this client', spec: 'RFC 7592 §2' });
    throw invalidToken('the registration access token is not valid for this client', 'RFC 7592 §2');
  }
  x.log.pass('registration access token', 'the registration access token matches this client', 'RFC 7592 §2');
  return { client, token };
}

export function readClientConfiguration(x: Exchange): void {
  const { client, token } = configuredClient(x);
  x.sendNoStore(200, clientInformation(x.ctx, client, token));
}

export async function updateClientConfiguration(x: Exchange): Promise<void> {
  const { client, token } = configuredClient(x);
  const body = await x.json();
  // RFC 7592 §2.2: the body carries the client_id and none of the server-managed fields.
  if (body.client_id !== client.client_id) {
    throw labError('invalid_request', 'ERR_CLIENT_ID_MISMATCH', `the body's client_id ${JSON.stringify(body.client_id)} is not '${client.client_id}'`, 'RFC 7592 §2.2');
  }
  for (const field of ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at']) {
    if (field in body) throw labError('invalid_request', 'ERR_SERVER_MANAGED_FIELD', `${field} is managed by the server and MUST NOT be sent in an update`, 'RFC 7592 §2.2');
  }
  if (body.client_secret !== undefined && body.client_secret !== client.client_secret) {
    throw labError('invalid_request', 'ERR_CLIENT_SECRET_MISMATCH', 'client_secret, when sent, must be the current secret', 'RFC 7592 §2.2');
  }
  const { client_id: _id, client_secret: _secret, ...rest } = body;
  const metadata = validate(x, rest);
  await checkShared(x, metadata);
  const updated = newClient(metadata, client.client_id_issued_at, client.client_id, client.client_secret);
  updated.registration_access_token_sha256 = client.registration_access_token_sha256 as string;
  x.ctx.store.clients.set(client.client_id, updated);
  await persist(x);
  x.sendNoStore(200, clientInformation(x.ctx, updated, token));
}

export async function deleteClientConfiguration(x: Exchange): Promise<void> {
  const { client } = configuredClient(x);
  x.ctx.store.clients.delete(client.client_id);
  // RFC 7592 §2.3: the client's grants and tokens go with it.
  for (const t of x.ctx.store.tokens.values()) if (t.client_id === client.client_id) x.ctx.store.tokens.set(t.value, { ...t, revoked: true });
  await persist(x);
  x.send(204, undefined, { 'Cache-Control': 'no-store' });
}

