/**
 * Chapter 04 · Grant or client assertion? (server side)
 *
 * A token request can carry a JWT in two parameters, and they mean different things (RFC 7523 §2):
 *
 *   client_assertion (§2.2)  authenticates the client. It comes with client_assertion_type
 *                            urn:ietf:params:oauth:client-assertion-type:jwt-bearer, and its sub is the
 *                            client_id, the same as iss (§3 (2)(B)).
 *   assertion (§2.1)         is the authorization grant, with grant_type
 *                            urn:ietf:params:oauth:grant-type:jwt-bearer. Its sub is the resource owner
 *                            the token is for (§3 (2)(A)): a user the server knows, never the client.
 *
 * A request may carry both (a grant from a client that authenticates with private_key_jwt), one, or
 * neither. Work out which JWT plays which role and check sub accordingly, before any signature is
 * verified. Decode payloads with `decodeCompactJwt` from the lib. Return the client assertion first
 * (client authentication comes first), then the grant. Refuse with `refuse(...)` below:
 *
 *   client_assertion without the right client_assertion_type  invalid_request  ERR_ASSERTION_TYPE          RFC 7521 §4.2
 *   client_assertion that is not a JWT                        invalid_client   ERR_JWT_MALFORMED           RFC 7523 §3
 *   client assertion whose sub is not a string equal to iss   invalid_client   ERR_CLIENT_ASSERTION_SUB    RFC 7523 §3 (2)(B)
 *   client_id parameter that differs from that sub            invalid_request  ERR_CLIENT_ID_MISMATCH      RFC 7521 §4.2
 *   assertion with a grant_type other than jwt-bearer         invalid_request  ERR_ASSERTION_MISUSED       RFC 7523 §2.1, §2.2
 *   grant_type jwt-bearer without assertion                   invalid_request  ERR_GRANT_ASSERTION_MISSING RFC 7523 §2.1
 *   assertion that is not a JWT                               invalid_grant    ERR_GRANT_ASSERTION_MALFORMED RFC 7523 §3
 *   grant whose sub equals its iss or the client's id         invalid_grant    ERR_GRANT_SUBJECT_IS_CLIENT RFC 7523 §3 (2)(A)
 *   grant whose sub is not one of the known users             invalid_grant    ERR_GRANT_SUBJECT_UNKNOWN   RFC 7523 §3 (2)(A)
 */
import { decodeCompactJwt, OAuthError, type OAuthErrorCode } from '@client-auth-lab/lib';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface ClassifiedJwt {
  /** Which form parameter carried the JWT. */
  parameter: 'client_assertion' | 'assertion';
  role: 'client_authentication' | 'authorization_grant';
  /** Where RFC 7523 defines that use. */
  section: 'RFC 7523 §2.2' | 'RFC 7523 §2.1';
  iss: string;
  /** The client_id for client authentication, the resource owner for a grant. */
  sub: string;
}

export interface TokenRequestView {
  /** The token request's form parameters. */
  form: Readonly<Record<string, string>>;
  /** The resource owners this server knows (their sub values). */
  users: readonly string[];
}

/** Throws the OAuth error a server answers with (RFC 6749 §5.2). */
export function refuse(error: OAuthErrorCode, code: string, description: string, spec: string): never {
  throw new OAuthError(error, code, description, { spec });
}

/** The JWTs in a token request, each with its role, after the sub checks of RFC 7523 §3 (2). */
export function classifyJwts(request: TokenRequestView): ClassifiedJwt[] {
  const { form, users } = request;
  const found: ClassifiedJwt[] = [];
  // TODO: if form.client_assertion is present, check it as a client assertion (the first four rows
  // of the table above) and push it; then if form.assertion is present or grant_type is jwt-bearer,
  // check it as a grant (the last five rows) and push it. decodeCompactJwt(jwt).payload has the claims.
  throw new Error('TODO: classify the JWTs of the request and check their sub');
}
