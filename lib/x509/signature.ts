/** Checking the signature on a certificate (RFC 5280 §4.1.1.3) with an issuer's public key. */
import { verify, X509Certificate, type KeyObject } from 'node:crypto';

/** Digest for each signature algorithm OID (RFC 3279 §2.2, RFC 4055 §5, RFC 5758 §3.2, RFC 8410 §3). */
const signatureAlgorithms: Readonly<Record<string, { digest: string | null; keyType: string }>> = {
  '1.2.840.10045.4.1': { digest: 'sha1', keyType: 'ec' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', keyType: 'ec' },
  '1.2.840.113549.1.1.5': { digest: 'sha1', keyType: 'rsa' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', keyType: 'rsa' },
  '1.3.101.112': { digest: null, keyType: 'ed25519' },
  '1.3.101.113': { digest: null, keyType: 'ed448' },
};

export interface SignedData {
  der: Uint8Array;
  tbsCertificate: Uint8Array;
  signatureAlgorithmOid: string;
  signatureValue: Uint8Array;
}

/**
 * True when `signatureValue` is a signature over the TBSCertificate bytes by `issuerKey`. ECDSA
 * signatures are DER Ecdsa-Sig-Value (RFC 3279 §2.2.3), which is Node's default encoding.
 * Algorithms with parameters (RSASSA-PSS) are checked by OpenSSL through X509Certificate.
 */
export function verifyCertificateSignature(certificate: SignedData, issuerKey: KeyObject): boolean {
  try {
    const algorithm = Object.hasOwn(signatureAlgorithms, certificate.signatureAlgorithmOid) ? signatureAlgorithms[certificate.signatureAlgorithmOid] : undefined;
    if (algorithm) {
      // The issuer key must be of the family the algorithm names (an EC key cannot check an RSA signature).
      if (issuerKey.asymmetricKeyType !== algorithm.keyType) return false;
      return verify(algorithm.digest, certificate.tbsCertificate, issuerKey, certificate.signatureValue);
    }
    return new X509Certificate(Buffer.from(certificate.der)).verify(issuerKey);
  } catch {
    // A key of the wrong type for the algorithm, or a signature OpenSSL cannot parse: not verified.
    return false;
  }
}
