/**
 * Chapter 11 · Which mechanism does this request present?
 *
 * The summary's rule for the server's side: before looking up a client, work out how the request
 * tries to authenticate, and refuse a request that tries two ways at once (RFC 6749 §2.3: a client
 * MUST NOT use more than one authentication method in each request). Then the registered method can
 * be required. This function is that first phase, for the six methods of the course.
 *
 * presentedMechanism(request) looks at three places, in the request only (no registration needed):
 * - an `Authorization: Basic …` header (RFC 6749 §2.3.1, RFC 7617): 'client_secret_basic'; the
 *   client_id is the part before the first ':' of the Base64-decoded token, form-urldecoded
 *   (RFC 6749 Appendix B). Any other Authorization scheme is not client authentication; ignore it.
 * - `client_secret` in the form (RFC 6749 §2.3.1): 'client_secret_post'; the client_id is the form's.
 * - `client_assertion` in the form (RFC 7523 §2.2): the JOSE header's alg decides. 'HS256' … 'HS512'
 *   (an HMAC keyed with the secret): 'client_secret_jwt'; any other alg: 'private_key_jwt'
 *   (OIDC Core §9). The client_id is the payload's iss (RFC 7523 §3 (1)).
 * When none of the three is there:
 * - a certificate presented in the TLS handshake (or by a trusted proxy): 'mutual_tls' (RFC 8705 §2;
 *   which of its two methods applies is for the registration to say); the client_id is the form's.
 * - nothing at all: 'none', a public client identified by the form's client_id (RFC 6749 §2.1).
 * A certificate next to one of the three is no mechanism of its own: it may be there to bind tokens.
 *
 * Refusals (`CodedError` from the lib):
 * - ERR_MULTIPLE_MECHANISMS: two or three of Basic, client_secret, client_assertion (RFC 6749 §2.3).
 * - ERR_ASSERTION_TYPE: client_assertion without client_assertion_type
 *   'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' (RFC 7523 §2.2).
 * - ERR_ASSERTION_MALFORMED: an assertion that is not three dot-separated parts whose first two are
 *   base64url JSON objects (RFC 7515 §7.1).
 * - ERR_ASSERTION_ALG_NONE: alg 'none', an unsigned JWT, which authenticates nobody (RFC 7518 §3.6,
 *   OIDC Core §9).
 */
import { CodedError, formUrlDecode } from '@client-auth-lab/lib';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type PresentedMechanism = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'mutual_tls' | 'none';

export interface TokenRequest {
  /** The Authorization header, if any. */
  authorization?: string;
  /** The form parameters of the body. */
  form: Record<string, string>;
  /** Whether a client certificate came with the request (TLS handshake or trusted proxy header). */
  certificatePresented: boolean;
}

export interface Presented {
  mechanism: PresentedMechanism;
  /** Who the request says the client is; undefined when it does not say. */
  clientId: string | undefined;
}

/** Which of the six mechanisms `request` presents, and for which client_id. */
export function presentedMechanism(request: TokenRequest): Presented {
  // TODO: count the three request-borne mechanisms, refuse two at once, then decide as described above.
  throw new Error('TODO: tell which mechanism the request presents');
}
