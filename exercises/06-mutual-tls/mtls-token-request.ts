/**
 * Chapter 06 · A token request over mutual TLS (tls_client_auth, RFC 8705 §2.1)
 *
 * A tls_client_auth client has no secret and signs no JWT: it proves who it is in the TLS handshake,
 * with a certificate a CA issued to it. The request itself only says which client it is.
 *
 * 1. Read the authorization server's metadata (RFC 8414 §3) at `metadataUrl`. A server that also
 *    serves clients without certificates publishes its mutual-TLS endpoints separately, in
 *    mtls_endpoint_aliases (RFC 8705 §5): use mtls_endpoint_aliases.token_endpoint when present,
 *    token_endpoint otherwise.
 * 2. POST to it with node:https, presenting the client certificate and key (`cert`, `key`) and
 *    trusting the CA that issued the server's certificate (`ca`). Never switch off the server's
 *    certificate check (rejectUnauthorized: false): the client must know it talks to the real server.
 * 3. The body is application/x-www-form-urlencoded: grant_type=client_credentials and client_id
 *    (RFC 8705 §2.1: client_id is required, since nothing else in the request names the client).
 * 4. Resolve with the status and the parsed JSON body, whatever the status: a refusal (400
 *    invalid_client) is an answer to show, not an exception. Reject only when there is no answer
 *    (the connection or the TLS handshake failed).
 */
import { request } from 'node:https';

export interface MtlsTokenRequest {
  /** The authorization server metadata URL (…/.well-known/oauth-authorization-server). */
  metadataUrl: string;
  clientId: string;
  /** The client certificate, issued by a CA the server trusts, and its private key (PEM). */
  certificatePem: string;
  privateKeyPem: string;
  /** The CA certificate (PEM) that issued the server's TLS certificate. */
  caPem: string;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Requests a client_credentials token, authenticating with tls_client_auth. */
export async function requestTokenWithMtls(input: MtlsTokenRequest): Promise<TokenAnswer> {
  // TODO: fetch the metadata, pick the mutual-TLS token endpoint, then send the form with
  // request(url, { method: 'POST', cert, key, ca, headers }) and collect the JSON answer.
  throw new Error('TODO: send a client_credentials request over mutual TLS');
}
