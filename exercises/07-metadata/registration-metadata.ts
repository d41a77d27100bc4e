/**
 * Chapter 07 · Registering a private_key_jwt client (RFC 7591 §2)
 *
 * Before a client can authenticate with private_key_jwt, the server needs to know how, and with
 * which key. Dynamic registration (RFC 7591 §3.1) sends that as a JSON object of client metadata.
 * Build the object for a client that will use the client_credentials grant:
 *
 * - token_endpoint_auth_method: "private_key_jwt" (without it the server assumes
 *   client_secret_basic, RFC 7591 §2);
 * - grant_types: the ones asked for. Leave it out and the default is ["authorization_code"], which
 *   needs redirect_uris (RFC 7591 §2; RFC 6749 §3.1.2.2): the server would refuse the registration;
 * - jwks: { keys: [ the PUBLIC key ] } (RFC 7591 §2). The JWK you are given is the private one, with
 *   "d" (and for RSA also p, q, dp, dq, qi): publish only the public members, keep kty, crv, x, y or
 *   n, e, and kid, use and alg when present. A private key in metadata is a leaked key;
 * - token_endpoint_auth_signing_alg: the JWS algorithm the client will sign with, one that fits the
 *   key (OIDC Dynamic Client Registration §2): ES256 for an EC P-256 key, ES384 for P-384, PS256
 *   (or RS256) for RSA. If the JWK names its alg, use that;
 * - client_name, as given.
 */
import type { JwkRecord } from '@client-auth-lab/lib';

export interface PrivateKeyJwtRegistration {
  clientName: string;
  /** The client's private JWK (with d), as generateJwk() returns it. */
  privateJwk: JwkRecord;
  grantTypes: string[];
}

/** The RFC 7591 registration request body for a private_key_jwt client. */
export function privateKeyJwtClientMetadata(input: PrivateKeyJwtRegistration): Record<string, unknown> {
  // TODO: return the metadata object described above; build the public JWK from input.privateJwk
  // by leaving out the private members, and choose token_endpoint_auth_signing_alg from the key.
  throw new Error('TODO: build the registration metadata of a private_key_jwt client');
}
