/** Certification path building and validation, the parts of RFC 5280 §6.1 the lab teaches: each link signed by the next with a hash that
 * still resists collisions, every certificate within its validity at the given time and carrying no critical extension the lab does not
 * process, every issuer a CA (basicConstraints cA, keyCertSign, pathLenConstraint), the leaf usable for TLS client authentication
 * (extendedKeyUsage), ending at a trust anchor. Revocation (RFC 5280 §6.3) is not checked.
 * Not built on @peculiar/x509's X509ChainBuilder (2.2): its build() returns a Promise (WebCrypto) while verifyCertificateChain is a
 * synchronous export the notebooks call inline; its findIssuer skips a candidate whose signature fails, so "no issuer" and "signature does
 * not verify" (ERR_CHAIN_NO_ISSUER, ERR_CHAIN_SIGNATURE) could not be told apart; it verifies the DER it parsed, not a view a learner
 * changed in place; and it matches names as strings, not with distinguishedNameMatch (RFC 4517 §4.2.15). */
import type { CertificateView } from './certificate.js';
import { certificatePublicKey } from './certificate.js';
import { distinguishedNamesEqual } from './names.js';
import { verifyCertificateSignature } from './public-key.js';

export interface ChainVerification {
  valid: boolean;
  /** Leaf first; the trust anchor last when valid; on failure, the links built so far. */ path: CertificateView[];
  code?: string;
  /** Which link failed and why. */ reason?: string;
  /** The failing link, counted from the leaf (0). */ link?: number;
  /** What this check does not cover: no CRL or OCSP is consulted (RFC 5280 §6.3). */ revocation: 'not checked';
}

/** Said in every trace that shows a chain verdict. */
export const REVOCATION_NOT_CHECKED = 'revocation is not checked (no CRL or OCSP is consulted, RFC 5280 §6.3)';

export interface ChainOptions {
  certificate: CertificateView;
  intermediates?: CertificateView[];
  trustAnchors: CertificateView[];
  at: Date;
  /** Most certificates in a path, anchor included (default 10). */ maxDepth?: number;
  /** The extendedKeyUsage purpose the leaf must allow when it lists purposes (default id-kp-clientAuth). */ purpose?: string;
}

const ID_KP_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
/** Extensions the checks below process; a critical one outside this list refuses the certificate (RFC 5280 §4.2). */
const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set(['2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.35', '2.5.29.37']);
/** Signature algorithms whose hash has practical collisions: MD2, MD5 and SHA-1 (RFC 6151, RFC 9155, NIST SP 800-131A). */
const WEAK_SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption'], ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'], ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'], ['1.2.840.10040.4.3', 'dsa-with-sha1'],
  ['1.3.14.3.2.29', 'sha1WithRSA (OIW)'],
]);

type Problem = { code: string; reason: string } | undefined;
const label = (view: CertificateView): string => `'${view.subjectString || '(empty subject)'}'`;
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
const fail = (path: CertificateView[], code: string, reason: string): ChainVerification =>
  ({ valid: false, path, code, reason, link: path.length - 1, revocation: 'not checked' });

function validityProblem(view: CertificateView, at: Date): Problem {
  const [notBefore, notAfter, checked] = [view.notBefore, view.notAfter, at].map((date) => date.toISOString());
  // RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the current time.
  const early = `certificate ${label(view)} is not valid before ${notBefore} (checked at ${checked})`;
  if (at < view.notBefore) return { code: 'ERR_CHAIN_NOT_YET_VALID', reason: early };
  const late = `certificate ${label(view)} expired at ${notAfter} (checked at ${checked})`;
  if (at > view.notAfter) return { code: 'ERR_CHAIN_EXPIRED', reason: late };
  return undefined;
}

/** Rules on one certificate that do not depend on its place in the path. */
function certificateProblem(view: CertificateView, at: Date): Problem {
  // RFC 5280 §4.2: a certificate with a critical extension the validator does not process must be rejected.
  const unknown = view.extensions.find((extension) => extension.critical && !PROCESSED_EXTENSIONS.has(extension.oid));
  const named = unknown && (unknown.name === unknown.oid ? unknown.oid : `${unknown.name} (${unknown.oid})`);
  const reason = `certificate ${label(view)} has the critical extension ${named}, which this validator does not process (RFC 5280 §4.2)`;
  return validityProblem(view, at) ?? (unknown && { code: 'ERR_CHAIN_CRITICAL_EXTENSION', reason });
}

/** Could `issuer` have issued `child`? Names must match (RFC 5280 §6.1.3 (a)(4)), key identifiers too when both are there (§4.2.1.1). */
function mayHaveIssued(issuer: CertificateView, child: CertificateView): boolean {
  const [aki, ski] = [child.authorityKeyIdentifier, issuer.subjectKeyIdentifier];
  return distinguishedNamesEqual(issuer.subject, child.issuer) && (aki === undefined || ski === undefined || aki === ski);
}

/** Whether `issuer`'s key verifies the signature on `child`. The answer depends only on the signed bytes, the signature and the issuer's
 * key, so it is remembered per pair of views together with a copy of those bytes (a view changed in place, as a learner tampering with a
 * signature would, is checked afresh): a client presenting one certificate on every request costs one signature check. */
const signatureVerdicts = new WeakMap<CertificateView, WeakMap<CertificateView, { bytes: Uint8Array[]; valid: boolean }>>();

function signedBy(child: CertificateView, issuer: CertificateView): boolean {
  const bytes = [child.tbsCertificate, child.signatureValue, issuer.subjectPublicKeyInfo];
  let byIssuer = signatureVerdicts.get(child);
  const known = byIssuer?.get(issuer);
  if (known && known.bytes.every((copy, index) => same(copy, bytes[index] as Uint8Array))) return known.valid;
  let valid = false;
  try {
    valid = verifyCertificateSignature(child, certificatePublicKey(issuer));
  } catch {
    // An issuer key Node cannot use verifies nothing.
  }
  if (byIssuer === undefined) signatureVerdicts.set(child, (byIssuer = new WeakMap()));
  byIssuer.set(issuer, { bytes: bytes.map((b) => Uint8Array.from(b)), valid });
  return valid;
}

/** Builds and checks the path from `certificate` to one of `trustAnchors`. Synchronous. */
export function verifyCertificateChain(options: ChainOptions): ChainVerification {
  const { certificate, intermediates = [], trustAnchors, at, maxDepth = 10, purpose = ID_KP_CLIENT_AUTH } = options;
  const path: CertificateView[] = [certificate];
  const isAnchor = (view: CertificateView): boolean => trustAnchors.some((anchor) => same(anchor.der, view.der));
  const purposes = certificate.extendedKeyUsage?.map((p) => p.oid);
  // RFC 5280 §4.2.1.12: when extendedKeyUsage is present, the certificate is used only for a purpose it lists (or anyExtendedKeyUsage).
  if (purposes !== undefined && !purposes.includes(purpose) && !purposes.includes('2.5.29.37.0')) {
    const wanted = purpose === ID_KP_CLIENT_AUTH ? 'id-kp-clientAuth' : purpose;
    const listed = `lists extendedKeyUsage ${purposes.join(', ')}, which does not include ${wanted} (RFC 5280 §4.2.1.12)`;
    return fail(path, 'ERR_CHAIN_EXTENDED_KEY_USAGE', `certificate ${label(certificate)} ${listed}`);
  }
  // Certificates below the issuer being checked that count against its pathLenConstraint (RFC 5280 §6.1.4 (l)).
  let nonSelfIssuedBelow = 0;
  for (let current = certificate; ;) {
    const problem = certificateProblem(current, at);
    if (problem) return fail(path, problem.code, problem.reason);
    // A certificate that is itself a trust anchor ends the path (the self_signed_tls_client_auth case).
    if (isAnchor(current)) return { valid: true, path, revocation: 'not checked' };
    const subject = label(current);
    // Collisions in MD5 and SHA-1 let a signature on one certificate stand for another (RFC 6151 §2, RFC 9155 §1).
    const weak = WEAK_SIGNATURE_ALGORITHMS.get(current.signatureAlgorithmOid);
    const broken = `is signed with ${weak}, whose hash is broken; the lab accepts SHA-256 or stronger`;
    if (weak) return fail(path, 'ERR_CHAIN_WEAK_SIGNATURE', `certificate ${subject} ${broken}`);
    // Bound the walk so that a loop of cross-signed certificates cannot run for ever.
    const tooLong = `no trust anchor within ${maxDepth} certificates of ${label(certificate)}`;
    if (path.length >= maxDepth) return fail(path, 'ERR_CHAIN_TOO_LONG', tooLong);
    const child = current;
    const candidates = [...trustAnchors, ...intermediates].filter((c) => !path.some((p) => same(p.der, c.der)) && mayHaveIssued(c, child));
    const orphan = `is not signed by any trust anchor or intermediate (none has subject '${current.issuerString}')`;
    if (candidates.length === 0) return fail(path, 'ERR_CHAIN_NO_ISSUER', `certificate ${subject} ${orphan}`);
    // RFC 5280 §6.1.3 (a)(1): the signature verifies with the working public key (the issuer's key).
    const issuer = candidates.find((candidate) => signedBy(child, candidate));
    const unsigned = `the signature on certificate ${subject} does not verify with the key of ${candidates.map(label).join(' or ')}`;
    if (!issuer) return fail(path, 'ERR_CHAIN_SIGNATURE', unsigned);
    path.push(issuer);
    const issued = `certificate ${label(issuer)} issued ${subject} but`;
    // RFC 5280 §6.1.4 (k): an issuer must assert basicConstraints cA = TRUE.
    const notCa = `${issued} is not a CA (basicConstraints cA is not TRUE)`;
    if (!issuer.basicConstraints?.cA) return fail(path, 'ERR_CHAIN_ISSUER_NOT_CA', notCa);
    // RFC 5280 §6.1.4 (n): an issuer's keyUsage, when present, must assert keyCertSign.
    const noCertSign = `${issued} its keyUsage (${issuer.keyUsage?.join(', ') || 'empty'}) lacks keyCertSign (RFC 5280 §6.1.4 (n))`;
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.includes('keyCertSign')) return fail(path, 'ERR_CHAIN_KEY_CERT_SIGN', noCertSign);
    // The child counts against the issuer's limit when it is itself an intermediate that is not self-issued.
    if (current !== certificate && !distinguishedNamesEqual(current.issuer, current.subject)) nonSelfIssuedBelow++;
    const pathLen = issuer.basicConstraints.pathLenConstraint;
    // RFC 5280 §6.1.4 (m): at most pathLenConstraint non-self-issued intermediates may follow this CA.
    const limit = `certificate ${label(issuer)} allows ${pathLen} intermediate CA(s) below it, the path has ${nonSelfIssuedBelow}`;
    if (pathLen !== undefined && nonSelfIssuedBelow > pathLen) return fail(path, 'ERR_CHAIN_PATH_LENGTH', limit);
    current = issuer;
    // The anchor's own validity is checked too, as the lab's course asks for every link.
    const anchorValidity = isAnchor(current) ? validityProblem(current, at) : undefined;
    if (anchorValidity) return fail(path, anchorValidity.code, anchorValidity.reason);
    if (isAnchor(current)) return { valid: true, path, revocation: 'not checked' };
  }
}
