import { createLabClock, type LabClock } from './clock.js';
import type { TraceAccessMode } from './trace-access.js';
/**
 * What a lab server is configured with, and the defaults. The listeners' URLs are only known once
 * they listen (port 0 picks a free port), so the app factory receives them resolved.
 */
import { FAPI_PROFILES, isFapiProfileName, type AudiencePolicy, type FapiProfile, type FapiProfileName, type Jwk } from '@client-auth-lab/lib';

export type ProfileName = 'none' | FapiProfileName;

/** A resource server allowed to call the introspection endpoint (RFC 7662 §2.1). */
export interface ResourceServerCredentials {
  id: string;
  secret: string;
}

/** An issuer whose signed JWTs the jwt-bearer grant accepts (RFC 7523 §2.1, §3 (1)). */
export interface TrustedAssertionIssuer {
  issuer: string;
  jwks: { keys: Jwk[] };
}

export interface LabUser {
  sub: string;
  name?: string;
}

/** Options shared by the app factory, the listeners and the CLI. */
export interface LabServerOptions {
  /** Issuer identifier; default http://localhost:<http port> (RFC 8414 §2). */
  issuer?: string;
  profile?: ProfileName;
  /** interop (the default) or strict; fapi2 always uses strict (FAPI 2.0 Security Profile §5.3.2.1). */
  audiencePolicy?: AudiencePolicy;
  /** Refuse client assertions not typed client-authentication+jwt (RFC 10070 §4); off by default in every mode and profile. */
  requireExplicitTyp?: boolean;
  /** Addresses whose forwarded client-certificate headers are believed (chapter 06). */
  trustProxy?: readonly string[];
  /** When set, registration needs this initial access token (RFC 7591 §3, workshop mode). */
  registrationToken?: string;
  /** Who may read traces: all (default), self (each client its own, by registration access token), off. */
  traceAccess?: TraceAccessMode;
  /** Sees every trace whatever the mode (workshop instructor). */
  instructorToken?: string;
  resourceServers?: readonly ResourceServerCredentials[];
  trustedIssuers?: readonly TrustedAssertionIssuer[];
  /** The users the lab knows; the first is the one who approves by default. */
  users?: readonly LabUser[];
  accessTokenLifetimeSeconds?: number;
  authorizationCodeLifetimeSeconds?: number;
  /** Device and CIBA polling interval (RFC 8628 §3.2, CIBA Core §7.3); 0 disables slow_down. */
  pollIntervalSeconds?: number;
  /** CIBA requests are approved by the lab user this many ms after they are made; -1 waits for /lab/approve. */
  cibaApprovalDelayMs?: number;
  /** Rotate refresh tokens on use (RFC 9700 §4.14.2). Default true. */
  rotateRefreshTokens?: boolean;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** How many traces that name no client are kept (default 500). */
  traceCapacity?: number;
  /** How many traces are kept for each client (default 200), whatever the other clients do. */
  tracesPerClient?: number;
  /** Bound on the memory the traces take, in bytes of JSON (default 64 MiB). */
  traceMemoryBytes?: number;
  /**
   * The server is shared by a room (set by startLabServer when --registration-token is set or the host
   * is not loopback): a jwks_uri must then be https or on an allowed host, and never a private address.
   */
  shared?: boolean;
  /** Hosts (name or address, optionally :port) a jwks_uri may name even when shared: http, private addresses. */
  allowJwksHosts?: readonly string[];
  /** Token requests allowed per client per minute (a bucket of this size refilled over a minute); 0 = no limit. Default 600 when shared, else none. */
  tokenRateLimit?: number;
  /** Registrations allowed per initial access token per minute; 0 = no limit. Default 600. */
  registrationRateLimit?: number;
  /** Also limit token requests per source address (off by default: a room often shares one NAT address). */
  rateLimitByAddress?: boolean;
  /** Where unexpected errors are reported (default console.error). */
  log?: (message: string) => void;
  now?: () => number;
}

export const DEFAULT_RESOURCE_SERVER: ResourceServerCredentials = { id: 'lab-resource-server', secret: 'lab-resource-server-secret' };
export const DEFAULT_USERS: readonly LabUser[] = [
  { sub: 'alice', name: 'Alice (lab user)' },
  { sub: 'bob', name: 'Bob (lab user)' },
];

export interface ResolvedConfig {
  issuer: string;
  /** Base URL of the plain HTTP listener, and of the mutual-TLS one if it runs. */
  httpBaseUrl: string;
  httpsBaseUrl: string | undefined;
  profileName: ProfileName;
  profile: FapiProfile | undefined;
  audiencePolicy: AudiencePolicy;
  requireExplicitTyp: boolean;
  trustProxy: readonly string[];
  registrationToken: string | undefined;
  traceAccess: TraceAccessMode;
  instructorToken: string | undefined;
  resourceServers: readonly ResourceServerCredentials[];
  trustedIssuers: readonly TrustedAssertionIssuer[];
  users: readonly LabUser[];
  accessTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  pollIntervalSeconds: number;
  cibaApprovalDelayMs: number;
  rotateRefreshTokens: boolean;
  maxBodyBytes: number;
  traceCapacity: number;
  tracesPerClient: number;
  traceMemoryBytes: number;
  shared: boolean;
  allowJwksHosts: readonly string[];
  tokenRateLimit: number;
  registrationRateLimit: number;
  rateLimitByAddress: boolean;
  log: (message: string) => void;
  /** The server's clock; `now` is `clock.now`. */
  clock: LabClock;
  now: () => number;
}

/** Turns an address like ::ffff:127.0.0.1 into 127.0.0.1, so that both spellings match. */
export function normalizeAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function parseProfileName(name: string | undefined): ProfileName {
  if (name === undefined || name === 'none') return 'none';
  if (isFapiProfileName(name)) return name;
  throw new TypeError(`unknown profile '${name}'; choose none, ${Object.keys(FAPI_PROFILES).join(', ')}`);
}

export function resolveConfig(options: LabServerOptions, urls: { httpBaseUrl: string; httpsBaseUrl?: string }): ResolvedConfig {
  const profileName = parseProfileName(options.profile);
  const profile = profileName === 'none' ? undefined : FAPI_PROFILES[profileName];
  const issuer = (options.issuer ?? urls.httpBaseUrl).replace(/\/+$/, '');
  const clock = createLabClock(options.now ?? Date.now);
  const shared = options.shared ?? options.registrationToken !== undefined;
  return {
    issuer,
    httpBaseUrl: urls.httpBaseUrl.replace(/\/+$/, ''),
    httpsBaseUrl: urls.httpsBaseUrl?.replace(/\/+$/, ''),
    profileName,
    profile,
    // FAPI 2.0 Security Profile §5.3.2.1: the issuer as the only audience.
    audiencePolicy: profile?.audiencePolicy ?? options.audiencePolicy ?? 'interop',
    requireExplicitTyp: options.requireExplicitTyp ?? false,
    trustProxy: (options.trustProxy ?? []).map((a) => normalizeAddress(a.trim())).filter((a) => a !== ''),
    registrationToken: options.registrationToken,
    traceAccess: options.traceAccess ?? 'all',
    instructorToken: options.instructorToken,
    resourceServers: options.resourceServers ?? [DEFAULT_RESOURCE_SERVER],
    trustedIssuers: options.trustedIssuers ?? [],
    users: options.users !== undefined && options.users.length > 0 ? options.users : DEFAULT_USERS,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600,
    authorizationCodeLifetimeSeconds: options.authorizationCodeLifetimeSeconds ?? 60,
    pollIntervalSeconds: options.pollIntervalSeconds ?? 5,
    cibaApprovalDelayMs: options.cibaApprovalDelayMs ?? 0,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    maxBodyBytes: options.maxBodyBytes ?? 65_536,
    traceCapacity: options.traceCapacity ?? 500,
    tracesPerClient: options.tracesPerClient ?? 200,
    traceMemoryBytes: options.traceMemoryBytes ?? 64 * 1024 * 1024,
    shared,
    allowJwksHosts: (options.allowJwksHosts ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
    // Limits guard a shared room; a learner alone (and the bench) is never limited unless asked.
    tokenRateLimit: options.tokenRateLimit ?? (shared ? 600 : 0),
    registrationRateLimit: options.registrationRateLimit ?? 600,
    rateLimitByAddress: options.rateLimitByAddress ?? false,
    log: options.log ?? ((message) => console.error(message)),
    clock,
    now: clock.now,
  };
}
