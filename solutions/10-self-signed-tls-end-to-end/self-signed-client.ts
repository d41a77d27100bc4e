/**
 * Chapter 10 · self_signed_tls_client_auth end to end
 *
 * No CA is involved: the client makes its own certificate, registers it, and proves possession of
 * the private key in the TLS handshake itself (RFC 8705 §2.2). The walk-through:
 * 1. makeClientCertificate: a new EC P-256 key pair and a self-signed certificate for it, as
 *    `openssl req -x509 -key … -subj …` makes (`generateKeyPair` and `createSelfSignedCertificate`
 *    from the lib do both).
 * 2. x5cValue: the certificate as a JWK `x5c` entry (RFC 7517 §4.7): the DER bytes in standard
 *    Base64 (RFC 4648 §4, with '+', '/' and '=' padding), NOT base64url, and not the PEM text:
 *    no header, no footer, no line breaks.
 * 3. clientRegistration: the registration request (RFC 7591 §2, RFC 8705 §2.2.2):
 *    token_endpoint_auth_method self_signed_tls_client_auth, jwks holding the public JWK with that
 *    x5c, tls_client_certificate_bound_access_tokens true (RFC 8705 §3.4, so the token is bound to
 *    the certificate), and grant_types [client_credentials].
 * 4. tokenRequestForm: grant_type client_credentials and client_id. Mutual-TLS clients send client_id
 *    (RFC 8705 §2), since the certificate alone does not say which client it belongs to.
 * `runSelfSignedTls` below registers, asks for a token over mutual TLS, and calls the protected
 * resource with the certificate-bound token over the same certificate (RFC 8705 §3).
 */
import { request } from 'node:https';
import { createSelfSignedCertificate, generateKeyPair, type GeneratedKeyPair } from '@client-auth-lab/lib';

export interface ClientCertificate {
  key: GeneratedKeyPair;
  /** The self-signed certificate, PEM (RFC 7468). */
  certificatePem: string;
}

/** 1. A new P-256 key pair and a self-signed certificate for it, with subject `subject` (e.g. "CN=me"). */
export async function makeClientCertificate(subject: string): Promise<ClientCertificate> {
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  const certificate = await createSelfSignedCertificate({ key, subject });
  return { key, certificatePem: certificate.pem };
}

/** 2. The x5c entry of a PEM certificate: its DER in standard Base64, on one line. */
export function x5cValue(certificatePem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(certificatePem);
  if (match === null) throw new TypeError('not a PEM certificate (RFC 7468 §5)');
  // RFC 7517 §4.7: base64 (RFC 4648 §4) of the DER, not base64url, without line breaks.
  return Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64').toString('base64');
}

/** 3. The registration request for a self_signed_tls_client_auth client. */
export function clientRegistration(publicJwk: Record<string, unknown>, certificatePem: string): Record<string, unknown> {
  return {
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    jwks: { keys: [{ ...publicJwk, x5c: [x5cValue(certificatePem)] }] },
    tls_client_certificate_bound_access_tokens: true,
    grant_types: ['client_credentials'],
  };
}

/** 4. The token request's form parameters. */
export function tokenRequestForm(clientId: string): [string, string][] {
  return [
    ['grant_type', 'client_credentials'],
    ['client_id', clientId],
  ];
}

export interface MutualTlsEndpoints {
  registration: string;
  /** The token endpoint on the mutual-TLS listener (RFC 8705 §5). */
  mtlsToken: string;
  /** The protected resource on the mutual-TLS listener. */
  mtlsResource: string;
  /** The CA that issued the server's certificate (PEM): trusted for the server, not for the client. */
  serverCaPem: string;
}

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One HTTPS request presenting `client`'s certificate in the handshake. */
export function mutualTlsRequest(url: string, client: ClientCertificate, serverCaPem: string, options: { form?: [string, string][]; bearer?: string } = {}): Promise<HttpAnswer> {
  const body = options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      cert: client.certificatePem,
      key: client.key.privateKeyPem,
      ca: serverCaPem,
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface SelfSignedTlsRun {
  clientId: string;
  client: ClientCertificate;
  token: HttpAnswer;
  resource: HttpAnswer;
}

/** Certificate, registration, token over mutual TLS, then the resource with the bound token. */
export async function runSelfSignedTls(endpoints: MutualTlsEndpoints): Promise<SelfSignedTlsRun> {
  const client = await makeClientCertificate('CN=self-signed lab client');
  const response = await fetch(endpoints.registration, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(clientRegistration(client.key.publicJwk, client.certificatePem)),
  });
  const registered = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) {
    throw new Error(`registration refused (${response.status}): ${String(registered.error)}: ${String(registered.error_description)}`);
  }
  const clientId = String(registered.client_id);
  const token = await mutualTlsRequest(endpoints.mtlsToken, client, endpoints.serverCaPem, { form: tokenRequestForm(clientId) });
  const accessToken = typeof token.body.access_token === 'string' ? token.body.access_token : '';
  const resource = await mutualTlsRequest(endpoints.mtlsResource, client, endpoints.serverCaPem, { bearer: accessToken });
  return { clientId, client, token, resource };
}
