/**
 * Chapter 06 · The client certificate behind a reverse proxy (X-Ssl-Cert)
 *
 * When nginx terminates TLS, the authorization server never sees the handshake: nginx forwards the
 * client certificate in a header, and the server believes it only because the request comes from
 * the proxy. With `proxy_set_header X-Ssl-Cert $ssl_client_escaped_cert;` the value is the PEM text,
 * percent-encoded onto one line (RFC 3986 §2.1: "%0A" for each line break, "%2B" for '+' …).
 *
 * Read that header into the certificate's DER:
 * - absent or empty (nginx sends "" when the client presented no certificate): undefined;
 * - given more than once (an array of several values): refuse, code ERR_PROXY_HEADER_REPEATED;
 * - folded, i.e. containing CR or LF, or spaces/tabs inside the PEM body: refuse, code
 *   ERR_PROXY_HEADER_FOLDED. That is what the deprecated $ssl_client_cert produces: raw PEM lines
 *   continued with a tab, which is obs-fold (RFC 7230 §3.2.4), forbidden to senders by RFC 9112 §5.2;
 * - not valid percent-encoding: refuse, code ERR_PROXY_HEADER_ENCODING;
 * - not exactly one CERTIFICATE PEM block once decoded: refuse, code ERR_PROXY_HEADER_FORMAT.
 *
 * Percent-decoding is not form decoding: '+' stays '+' (a Base64 character), it never becomes a space.
 * Refuse with CodedError from the lib; do not call parseXSslCertHeader, which is this exercise done.
 */
import { CodedError } from '@client-auth-lab/lib';

/** The DER of the certificate in an X-Ssl-Cert header value, or undefined when there is none. */
export function certificateFromXSslCert(value: string | readonly string[] | undefined): Uint8Array | undefined {
  // TODO: apply the rules above in order: one value, empty means none, refuse folding, decode the
  // percent-encoding with decodeURIComponent, find the single CERTIFICATE block, Base64-decode its body.
  throw new Error('TODO: read the URL-encoded PEM of X-Ssl-Cert into DER');
}
