/** `authlab x509`: the certificate view, as text like `openssl x509 -text -noout` or as JSON. */
import { certificateToJson, decodePemAll, formatCertificateText, looksLikeText, readCertificate, type CertificateView } from '@client-auth-lab/lib';
import { type Command, onePositional, parseOptions, UsageError } from '../command.js';

export const x509Command: Command = {
  name: 'x509',
  summary: 'show a certificate like openssl x509 -text -noout (or as JSON)',
  help: `Usage: authlab x509 <certificate> [--json]

Reads a certificate (PEM, Base64, Base64URL, hex, or DER; "-" for standard input) and prints its fields:
version, serial number, signature algorithm, issuer and subject, validity, public key, every
extension with its criticality, and what the lab computes on top: the RFC 4514 names, x5t#S256
(RFC 8705 §3.1) and whether it is self-signed (issuer = subject and its own key verifies it).
A PEM file with several certificates (a chain) prints each of them.

  --json   print JSON: version, serialNumber (lowercase hex), signatureAlgorithm, issuer, subject
           (RFC 4514), notBefore, notAfter (ISO 8601), publicKey (with jwk), extensions
           ([{oid, name, critical, value}]), san ([{type, value}] with RFC 5280 type names),
           x5tS256, selfSigned. Several certificates give an array.
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } });
    const input = await io.readFile(onePositional(positionals, 'certificate file'));
    const text = looksLikeText(input) ? input.toString('latin1') : undefined;
    const blocks = text?.includes('-----BEGIN ') ? decodePemAll(text).filter((b) => b.label === 'CERTIFICATE') : [];
    const views: CertificateView[] = blocks.length > 1 ? blocks.map((b) => readCertificate(b.der)) : [readCertificate(text ?? new Uint8Array(input))];
    if (values.json) {
      const json = views.map(certificateToJson);
      io.stdout(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
    } else {
      io.stdout(views.map(formatCertificateText).join('\n'));
    }
    return 0;
  },
};
