/**
 * Chapter 05 · The certificate thumbprint x5t#S256
 *
 * A certificate-bound access token carries cnf { "x5t#S256": … } (RFC 8705 §3.1), and the resource
 * server compares it with the certificate of the TLS connection. The value is the SHA-256 digest of
 * the certificate's DER bytes, base64url-encoded without padding (RFC 7515 §4.1.8, RFC 4648 §5).
 *
 * Certificates usually arrive as PEM (RFC 7468 §5.1): Base64 of the DER between
 * "-----BEGIN CERTIFICATE-----" and "-----END CERTIFICATE-----", wrapped in lines (LF or CRLF),
 * sometimes after explanatory text, sometimes followed by the issuers' certificates. The thumbprint is
 * always taken over the DER of the first certificate, never over the PEM text.
 *
 * Refuse input without a CERTIFICATE block with a CodedError whose code is ERR_PEM_NO_CERTIFICATE.
 */
import { createHash } from 'node:crypto';
import { CodedError } from '@client-auth-lab/lib';

/** x5t#S256 of the first certificate in `pem`. */
export function x5tS256FromPem(pem: string): string {
  const block = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/.exec(pem);
  if (block === null) throw new CodedError('ERR_PEM_NO_CERTIFICATE', 'no "-----BEGIN CERTIFICATE-----" block was found', 'RFC 7468 §5.1');
  const der = Buffer.from((block[1] as string).replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('base64url');
}
