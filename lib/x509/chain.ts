/**
 * Certification path building and validation, the parts of RFC 5280 §6.1 the lab teaches: each link
 * signed by the next, every certificate within its validity at the given time, every issuer a CA
 * (basicConstraints cA, with pathLenConstraint), ending at a trust anchor.
 */
import type { CertificateView } from './certificate.js';
import { certificatePublicKey } from './certificate.js';
import { distinguishedNamesEqual } from './names.js';
import { verifyCertificateSignature } from './signature.js';

export interface ChainVerification {
  valid: boolean;
  /** Leaf first; the trust anchor last when valid; on failure, the links built so far. */
  path: CertificateView[];
  code?: string;
  /** Which link failed and why. */
  reason?: string;
}

export interface ChainOptions {
  certificate: CertificateView;
  intermediates?: CertificateView[];
  trustAnchors: CertificateView[];
  at: Date;
  /** Most certificates in a path, anchor included (default 10). */
  maxDepth?: number;
}

function label(view: CertificateView): string {
  return `'${view.subjectString || '(empty subject)'}'`;
}

function sameCertificate(a: CertificateView, b: CertificateView): boolean {
  return Buffer.compare(a.der, b.der) === 0;
}

function fail(path: CertificateView[], code: string, reason: string): ChainVerification {
  return { valid: false, path, code, reason };
}

/** Could `issuer` have issued `child`? Names must match (RFC 5280 §6.1.3 (a)(4)); key identifiers too when both are present (§4.2.1.1). */
function mayHaveIssued(issuer: CertificateView, child: CertificateView): boolean {
  if (!distinguishedNamesEqual(issuer.subject, child.issuer)) return false;
  if (child.authorityKeyIdentifier !== undefined && issuer.subjectKeyIdentifier !== undefined) return child.authorityKeyIdentifier === issuer.subjectKeyIdentifier;
  return true;
}

function validityProblem(view: CertificateView, at: Date): { code: string; reason: string } | undefined {
  // RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the current time.
  if (at.getTime() < view.notBefore.getTime()) {
    return { code: 'ERR_CHAIN_NOT_YET_VALID', reason: `certificate ${label(view)} is not valid before ${view.notBefore.toISOString()} (checked at ${at.toISOString()})` };
  }
  if (at.getTime() > view.notAfter.getTime()) {
    return { code: 'ERR_CHAIN_EXPIRED', reason: `certificate ${label(view)} expired at ${view.notAfter.toISOString()} (checked at ${at.toISOString()})` };
  }
  return undefined;
}

/**
 * Whether `issuer`'s key verifies the signature on `child`. The answer depends only on the signed
 * bytes, the signature and the issuer's key, so it is remembered per pair of views together with a
 * copy of those bytes (a view changed in place, as a learner tampering with a signature would, is
 * checked afresh): a client presenting one certificate on every request costs one signature check.
 */
interface Verdict {
  tbs: Uint8Array;
  signature: Uint8Array;
  key: Uint8Array;
  valid: boolean;
}
const signatureVerdicts = new WeakMap<CertificateView, WeakMap<CertificateView, Verdict>>();

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

function signedBy(child: CertificateView, issuer: CertificateView): boolean {
  let byIssuer = signatureVerdicts.get(child);
  const known = byIssuer?.get(issuer);
  if (known !== undefined && same(known.tbs, child.tbsCertificate) && same(known.signature, child.signatureValue) && same(known.key, issuer.subjectPublicKeyInfo)) {
    return known.valid;
  }
  let valid: boolean;
  try {
    valid = verifyCertificateSignature(child, certificatePublicKey(issuer));
  } catch {
    valid = false;
  }
  if (byIssuer === undefined) signatureVerdicts.set(child, (byIssuer = new WeakMap()));
  byIssuer.set(issuer, { tbs: Uint8Array.from(child.tbsCertificate), signature: Uint8Array.from(child.signatureValue), key: Uint8Array.from(issuer.subjectPublicKeyInfo), valid });
  return valid;
}

/** Builds and checks the path from `certificate` to one of `trustAnchors`. Synchronous. */
export function verifyCertificateChain(options: ChainOptions): ChainVerification {
  const { certificate, intermediates = [], trustAnchors, at } = options;
  const maxDepth = options.maxDepth ?? 10;
  const path: CertificateView[] = [certificate];
  let current = certificate;
  // Certificates below the issuer being checked that count against its pathLenConstraint (RFC 5280 §6.1.4 (l)).
  let nonSelfIssuedBelow = 0;
  for (;;) {
    const validity = validityProblem(current, at);
    if (validity) return fail(path, validity.code, validity.reason);
    // A certificate that is itself a trust anchor ends the path (the self_signed_tls_client_auth case).
    if (trustAnchors.some((anchor) => sameCertificate(anchor, current))) return { valid: true, path };
    // Bound the walk so that a loop of cross-signed certificates cannot run for ever.
    if (path.length >= maxDepth) return fail(path, 'ERR_CHAIN_TOO_LONG', `no trust anchor within ${maxDepth} certificates of ${label(certificate)}`);
    const candidates = [...trustAnchors, ...intermediates].filter((c) => !path.some((p) => sameCertificate(p, c)) && mayHaveIssued(c, current));
    if (candidates.length === 0) {
      return fail(path, 'ERR_CHAIN_NO_ISSUER', `certificate ${label(current)} is not signed by any trust anchor or intermediate (none has subject '${current.issuerString}')`);
    }
    const child = current;
    // RFC 5280 §6.1.3 (a)(1): the signature verifies with the working public key (the issuer's key).
    const issuer = candidates.find((candidate) => signedBy(child, candidate));
    if (!issuer) {
      return fail(path, 'ERR_CHAIN_SIGNATURE', `the signature on certificate ${label(current)} does not verify with the key of ${candidates.map(label).join(' or ')}`);
    }
    path.push(issuer);
    // RFC 5280 §6.1.4 (k): an issuer must assert basicConstraints cA = TRUE.
    if (!issuer.basicConstraints?.cA) {
      return fail(path, 'ERR_CHAIN_ISSUER_NOT_CA', `certificate ${label(issuer)} issued ${label(current)} but is not a CA (basicConstraints cA is not TRUE)`);
    }
    // The child counts against the issuer's limit when it is itself an intermediate that is not self-issued.
    if (current !== certificate && !distinguishedNamesEqual(current.issuer, current.subject)) nonSelfIssuedBelow++;
    const pathLen = issuer.basicConstraints.pathLenConstraint;
    // RFC 5280 §6.1.4 (m): at most pathLenConstraint non-self-issued intermediates may follow this CA.
    if (pathLen !== undefined && nonSelfIssuedBelow > pathLen) {
      return fail(path, 'ERR_CHAIN_PATH_LENGTH', `certificate ${label(issuer)} allows ${pathLen} intermediate CA(s) below it, the path has ${nonSelfIssuedBelow}`);
    }
    current = issuer;
    if (trustAnchors.some((anchor) => sameCertificate(anchor, current))) {
      // The anchor's own validity is checked too, as the lab's course asks for every link.
      const anchorValidity = validityProblem(current, at);
      if (anchorValidity) return fail(path, anchorValidity.code, anchorValidity.reason);
      return { valid: true, path };
    }
  }
}
