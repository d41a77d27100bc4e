/**
 * Chapter 07 · Which client authentication method? (RFC 8414 §2, OpenID Connect Discovery §3)
 *
 * An authorization server says in its metadata how clients may authenticate at its token endpoint:
 *
 *   token_endpoint_auth_methods_supported             the methods. When the member is absent the
 *                                                     default is ["client_secret_basic"] (RFC 8414 §2;
 *                                                     OIDC Discovery §3), not "anything".
 *   token_endpoint_auth_signing_alg_values_supported  the JWS algorithms for client_secret_jwt and
 *                                                     private_key_jwt. No default: when it is absent,
 *                                                     no algorithm is implied (RFC 8414 §2), so a JWT
 *                                                     method cannot be agreed. "none" MUST NOT be used.
 *
 * Given that metadata and what a client can do (its methods and signing algorithms, most preferred
 * first), pick the client's most preferred method the server supports:
 * - a method the server does not list is skipped with reason 'not-supported';
 * - client_secret_jwt and private_key_jwt also need an algorithm: the client's most preferred one
 *   that the server lists and that fits the method (HMAC, HS256/384/512, for client_secret_jwt; an
 *   asymmetric one for private_key_jwt, see isHmacAlgorithm / isAsymmetricAlgorithm in the lib),
 *   never "none". No server list: skip with 'no-signing-algs-advertised'; no common fitting
 *   algorithm: skip with 'no-common-signing-alg'.
 * Report every skipped preference, in order, before the chosen one. When nothing fits, method is
 * undefined and `skipped` explains why each preference failed.
 *
 * Metadata members of the wrong type (not an array of strings) are refused with a CodedError whose
 * code is ERR_METADATA_MALFORMED (RFC 8414 §2).
 */
import { CodedError, isAsymmetricAlgorithm, isHmacAlgorithm } from '@client-auth-lab/lib';

export type SkipReason = 'not-supported' | 'no-signing-algs-advertised' | 'no-common-signing-alg';

export interface ClientCapabilities {
  /** The token_endpoint_auth_method values the client can use, most preferred first. */
  methods: readonly string[];
  /** The JWS algorithms the client can sign with, most preferred first. */
  signingAlgs?: readonly string[];
}

export interface Negotiation {
  /** The method to use, or undefined when no preference fits. */
  method: string | undefined;
  /** For client_secret_jwt and private_key_jwt: the algorithm to sign the client assertion with. */
  signingAlg?: string;
  /** The preferences passed over before the chosen method (all of them when none fits), each with why. */
  skipped: { method: string; reason: SkipReason }[];
}

/** Chooses how the client authenticates at the token endpoint of the server described by `metadata`. */
export function negotiateAuthMethod(metadata: Readonly<Record<string, unknown>>, client: ClientCapabilities): Negotiation {
  const skipped: Negotiation['skipped'] = [];
  // TODO: read the two metadata members (default, type check, leave out "none"), then walk
  // client.methods in order, skipping with the reasons above, and return the first that fits.
  throw new Error('TODO: negotiate the client authentication method and its signing algorithm');
}
