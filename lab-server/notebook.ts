/**
 * One-line helpers for notebook cells:
 *
 *   const lab = await startLab();
 *   const client = await lab.register({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
 *   … send a request …
 *   console.log(formatTrace(lab.lastTrace()));
 *   await lab.stop();
 */
import type { LabClock } from './clock.js';
import type { ClientCertificateOptions, IssuedClientCertificate } from './lab-ca.js';
import { startLabServer, type RunningLabServer, type StartLabServerOptions } from './listen.js';
import type { Trace } from './traces.js';
import { labRequest, type LabRequestOptions, type LabResponse } from './http-client.js';

export interface LabEndpoints {
  issuer: string;
  metadata: string;
  token: string;
  /** The token endpoint on the mutual-TLS listener (RFC 8705 §5). */
  mtlsToken: string | undefined;
  registration: string;
  authorization: string;
  revocation: string;
  introspection: string;
  deviceAuthorization: string;
  backchannelAuthentication: string;
  resource: string;
  mtlsResource: string | undefined;
  traces: string;
}

export interface Lab {
  httpUrl: string;
  httpsUrl: string | undefined;
  issuer: string;
  caCertificatePem: string;
  urls: LabEndpoints;
  server: RunningLabServer;
  /** Registers a client over HTTP (so the registration is traced) and returns the server's answer. */
  register(metadata: Record<string, unknown>): Promise<Record<string, unknown> & { client_id: string; client_secret?: string }>;
  /** The newest trace, optionally of one client or endpoint. */
  lastTrace(filter?: { clientId?: string; endpoint?: string }): Trace | undefined;
  traces(filter?: { clientId?: string; endpoint?: string; limit?: number }): Trace[];
  /** A client certificate issued by the lab CA (for tls_client_auth). */
  issueClientCertificate(options: ClientCertificateOptions): Promise<IssuedClientCertificate>;
  /** Sends a request over a real socket; on the TLS listener the lab CA is trusted automatically. */
  request(url: string, options?: LabRequestOptions): Promise<LabResponse>;
  /** Chooses the lab user who approves authorization, device and CIBA requests. */
  useUser(sub: string): void;
  /** The server's clock: `lab.clock.shift(70)` makes it 70 s later for every check, `lab.clock.reset()` undoes it. */
  clock: LabClock;
  stop(): Promise<void>;
}

/** The env var the built-in notebook app sets for its kernels: where a lab started in a cell announces itself, so the app's trace panel can follow it. */
export const NOTEBOOK_APP_LABS_ENV = 'AUTHLAB_APP_LABS_URL';

/** Tells the notebook app that started this kernel (if one did) where the lab's traces are; never fails the cell. */
function announceToNotebookApp(httpUrl: string): void {
  const target = process.env[NOTEBOOK_APP_LABS_ENV];
  if (target === undefined || target === '') return;
  fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ httpUrl }) }).catch(() => {});
}

export async function startLab(options: StartLabServerOptions = {}): Promise<Lab> {
  const server = await startLabServer({ port: 0, tlsPort: 0, ...options });
  announceToNotebookApp(server.httpUrl);
  const { context } = server;
  const mtls = server.httpsUrl;
  const urls: LabEndpoints = {
    issuer: server.issuer,
    metadata: `${server.issuer}/.well-known/oauth-authorization-server`,
    token: context.endpoints.token_endpoint,
    mtlsToken: context.mtlsEndpoints?.token_endpoint,
    registration: context.endpoints.registration_endpoint,
    authorization: context.endpoints.authorization_endpoint,
    revocation: context.endpoints.revocation_endpoint,
    introspection: context.endpoints.introspection_endpoint,
    deviceAuthorization: context.endpoints.device_authorization_endpoint,
    backchannelAuthentication: context.endpoints.backchannel_authentication_endpoint,
    resource: `${server.httpUrl}/resource`,
    mtlsResource: mtls === undefined ? undefined : `${mtls}/resource`,
    traces: `${server.httpUrl}/lab/traces`,
  };
  return {
    httpUrl: server.httpUrl,
    httpsUrl: server.httpsUrl,
    issuer: server.issuer,
    caCertificatePem: server.caCertificatePem,
    urls,
    server,
    clock: context.config.clock,
    async register(metadata) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.registrationToken !== undefined) headers.authorization = `Bearer ${options.registrationToken}`;
      const response = await fetch(`${server.httpUrl}/register`, { method: 'POST', headers, body: JSON.stringify(metadata) });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 201) {
        const error = new Error(`registration refused: ${String(body.error)}: ${String(body.error_description)}`) as Error & { body: unknown };
        error.body = body;
        throw error;
      }
      return body as Record<string, unknown> & { client_id: string };
    },
    lastTrace(filter = {}) {
      return context.traces.list({ ...filter, limit: 1 })[0];
    },
    traces(filter = {}) {
      return context.traces.list(filter);
    },
    request(url, requestOptions = {}) {
      return labRequest(url, { ca: server.caCertificatePem, ...requestOptions });
    },
    issueClientCertificate(certificateOptions) {
      return server.ca.issueClientCertificate(certificateOptions);
    },
    useUser(sub) {
      if (!context.config.users.some((u) => u.sub === sub)) throw new TypeError(`'${sub}' is not a lab user (${context.config.users.map((u) => u.sub).join(', ')})`);
      context.state.currentUser = sub;
    },
    stop: () => server.stop(),
  };
}

export { formatTrace } from './trace-render.js';
