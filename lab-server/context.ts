/**
 * What every route shares: the resolved configuration, the store, the traces, the endpoint URLs on
 * each listener, and lib's AuthorizationServerContext built once from them.
 */
import {
  createJwksResolver, type AuthorizationServerContext, type AuthorizationServerEndpoints,
} from '@client-auth-lab/lib';
import type { ResolvedConfig } from './config.js';
import { createRateLimits, type RateLimits } from './rate-limit.js';
import type { LabStore, StoredClient } from './store/types.js';
import type { TraceBuffer } from './traces.js';

/** Paths of the endpoints, the same on both listeners. */
export const PATHS = {
  metadata: '/.well-known/oauth-authorization-server',
  openidConfiguration: '/.well-known/openid-configuration',
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  introspection: '/introspect',
  deviceAuthorization: '/device_authorization',
  deviceVerification: '/device',
  backchannelAuthentication: '/bc-authorize',
  resource: '/resource',
  jwks: '/jwks',
} as const;

export interface LabState {
  /** The lab user who approves authorization, device and CIBA requests. */
  currentUser: string;
}

/**
 * The lab's state: in this process, or in the store when several processes share it (so that PUT
 * /lab/user on one holds for the requests every process answers).
 */
function labState(store: LabStore, firstUser: string): LabState {
  let local = firstUser;
  const { settings } = store;
  return {
    get currentUser() {
      return settings === undefined ? local : settings.get('current_user')?.value ?? firstUser;
    },
    set currentUser(sub: string) {
      if (settings === undefined) local = sub;
      else settings.set('current_user', { value: sub });
    },
  };
}

export interface LabContext {
  config: ResolvedConfig;
  store: LabStore;
  traces: TraceBuffer;
  server: AuthorizationServerContext;
  /** Endpoint URLs as the plain listener (the issuer) publishes them. */
  endpoints: Required<AuthorizationServerEndpoints>;
  /** The same endpoints on the mutual-TLS listener (RFC 8705 §5), when it runs. */
  mtlsEndpoints: Partial<AuthorizationServerEndpoints> | undefined;
  /** The server's public signing keys (the JWKS endpoint). */
  jwks: { keys: Record<string, unknown>[] };
  state: LabState;
  /** The lab CA certificate (PEM), served at /lab/ca.pem so clients can trust the HTTPS listener. */
  caCertificatePem: string | undefined;
  /** Token requests per client and registrations per initial access token (a shared room). */
  rateLimits: RateLimits;
  findClient(clientId: string): StoredClient | undefined;
}

function endpointsAt(base: string): Required<AuthorizationServerEndpoints> {
  return {
    authorization_endpoint: `${base}${PATHS.authorization}`,
    token_endpoint: `${base}${PATHS.token}`,
    registration_endpoint: `${base}${PATHS.registration}`,
    revocation_endpoint: `${base}${PATHS.revocation}`,
    introspection_endpoint: `${base}${PATHS.introspection}`,
    device_authorization_endpoint: `${base}${PATHS.deviceAuthorization}`,
    backchannel_authentication_endpoint: `${base}${PATHS.backchannelAuthentication}`,
    jwks_uri: `${base}${PATHS.jwks}`,
  };
}

export function createLabContext(
  config: ResolvedConfig, store: LabStore, traces: TraceBuffer, trustAnchors: readonly Uint8Array[], jwks: { keys: Record<string, unknown>[] }, caCertificatePem?: string,
): LabContext {
  const endpoints = endpointsAt(config.issuer);
  const mtls = config.httpsBaseUrl === undefined ? undefined : endpointsAt(config.httpsBaseUrl);
  const mtlsEndpoints = mtls === undefined ? undefined : {
    token_endpoint: mtls.token_endpoint,
    revocation_endpoint: mtls.revocation_endpoint,
    introspection_endpoint: mtls.introspection_endpoint,
    device_authorization_endpoint: mtls.device_authorization_endpoint,
    backchannel_authentication_endpoint: mtls.backchannel_authentication_endpoint,
    registration_endpoint: mtls.registration_endpoint,
  };
  const server: AuthorizationServerContext = {
    issuer: config.issuer,
    tokenEndpoint: endpoints.token_endpoint,
    ...(mtls === undefined ? {} : { mtlsTokenEndpoint: mtls.token_endpoint }),
    audiencePolicy: config.audiencePolicy,
    ...(config.requireExplicitTyp ? { requireExplicitTyp: true } : {}),
    clock: config.now,
    replayStore: store.replay,
    jwks: createJwksResolver(),
    trustAnchors,
    ...(config.profile === undefined ? {} : { profile: config.profile }),
  };
  return {
    config,
    store,
    traces,
    server,
    endpoints,
    mtlsEndpoints,
    jwks,
    state: labState(store, config.users[0]?.sub ?? 'alice'),
    caCertificatePem,
    rateLimits: createRateLimits(config, store.rateBuckets),
    findClient: (clientId) => store.clients.get(clientId),
  };
}
