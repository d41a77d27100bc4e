/** The JWK `x5c` member (RFC 7517 §4.7): standard Base64 (not Base64URL) DER certificates, the first one holding the JWK's key, each
 * further one certifying the one before. This is what a client registers for self_signed_tls_client_auth (RFC 8705 §2.2). */
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { CodedError } from '../errors.js';
import { certificatePublicKey, readCertificate, type CertificateView } from './certificate.js';
import { verifyCertificateSignature } from './public-key.js';

type Jwk = Record<string, unknown>;
/** The members that carry the key itself, per kty (RFC 7518 §6, RFC 8037 §2). */
const KEY_MEMBERS: Readonly<Record<string, readonly string[]>> = { EC: ['crv', 'x', 'y'], RSA: ['n', 'e'], OKP: ['crv', 'x'] };
const X5C = 'RFC 7517 §4.7';

/** Whether the JWK's key members describe the same public key as the certificate. */
export function jwkMatchesCertificate(jwk: Jwk, certificate: CertificateView): boolean {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : '';
  const members = Object.hasOwn(KEY_MEMBERS, kty) ? KEY_MEMBERS[kty] : undefined;
  if (!members || certificate.publicKey.jwk.kty !== kty) return false;
  return members.every((name) => typeof jwk[name] === 'string' && jwk[name] === certificate.publicKey.jwk[name]);
}

const toView = (certificate: string | Uint8Array | CertificateView): CertificateView =>
  (typeof certificate === 'string' || certificate instanceof Uint8Array ? readCertificate(certificate) : certificate);

/** `run`'s result, or its failure as the coded error `code`. */
function recoded<T>(code: string, message: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new CodedError(code, `${message}: ${(error as Error).message}`, X5C);
  }
}

/** A copy of `jwk` with `x5c` set from the certificates (leaf first), like the deck's sed pipeline that pastes the PEM body into the JWK.
 * Refuses a leaf whose key is not the JWK's key. */
export function jwkWithX5c(jwk: Jwk, certificates: readonly (string | Uint8Array | CertificateView)[]): Jwk {
  const views = certificates.map(toView);
  const [leaf] = views;
  if (!leaf) throw new CodedError('ERR_X5C_EMPTY', 'x5c needs at least one certificate', X5C);
  // RFC 7517 §4.7: the key in the first certificate MUST match the public key of the JWK.
  const mismatch = `the certificate '${leaf.subjectString}' does not hold the JWK's key`;
  if (!jwkMatchesCertificate(jwk, leaf)) throw new CodedError('ERR_X5C_KEY_MISMATCH', mismatch, X5C);
  return { ...jwk, x5c: views.map((view) => toBase64(view.der)) };
}

/** Checks a JWK's `x5c` (RFC 7517 §4.7) and returns the certificates, leaf first. */
export function verifyJwkX5c(jwk: Jwk): CertificateView[] {
  const x5c = jwk.x5c;
  // RFC 7517 §4.7: a JSON array of one or more certificate value strings.
  const strings = Array.isArray(x5c) && x5c.length > 0 && x5c.every((item) => typeof item === 'string');
  if (!strings) throw new CodedError('ERR_X5C_MALFORMED', 'x5c must be a non-empty array of strings', X5C);
  const views = (x5c as string[]).map((item, index) => {
    // RFC 7517 §4.7: base64 (RFC 4648 §4), not base64url.
    const url = `x5c[${index}] uses Base64URL characters ('-' or '_'); x5c is standard Base64`;
    if (/[-_]/.test(item)) throw new CodedError('ERR_X5C_NOT_BASE64', url, X5C);
    const der = recoded('ERR_X5C_NOT_BASE64', `x5c[${index}] is not Base64`, () => fromBase64(item));
    return recoded('ERR_X5C_CERTIFICATE', `x5c[${index}] is not a DER certificate`, () => readCertificate(der));
  });
  const leaf = views[0] as CertificateView;
  // RFC 7517 §4.7: the certificate containing the key value MUST be the first.
  const mismatch = `x5c[0] ('${leaf.subjectString}') does not hold the key of the JWK`;
  if (!jwkMatchesCertificate(jwk, leaf)) throw new CodedError('ERR_X5C_KEY_MISMATCH', mismatch, X5C);
  views.slice(1).forEach((parent, index) => {
    const child = views[index] as CertificateView;
    // RFC 7517 §4.7: each subsequent certificate is the one used to certify the previous one.
    const unsigned = `x5c[${index + 1}] ('${parent.subjectString}') did not sign x5c[${index}] ('${child.subjectString}')`;
    if (!verifyCertificateSignature(child, certificatePublicKey(parent))) throw new CodedError('ERR_X5C_CHAIN', unsigned, X5C);
  });
  return views;
}
