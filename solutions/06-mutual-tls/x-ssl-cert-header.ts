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
  if (typeof value !== 'string' && value !== undefined && value.length > 1) {
    throw new CodedError('ERR_PROXY_HEADER_REPEATED', `X-Ssl-Cert appears ${value.length} times; the proxy must forward one certificate`, 'RFC 9110 §5.3');
  }
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined || raw.trim() === '') return undefined;
  // obs-fold leaves line breaks, or the spaces and tabs of continuation lines inside the Base64.
  const body = raw.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '');
  if (/[\r\n]/.test(raw) || (raw.includes('-----BEGIN') && /[ \t]/.test(body.trim()))) {
    throw new CodedError('ERR_PROXY_HEADER_FOLDED', 'the certificate arrived folded over several header lines (obs-fold); forward $ssl_client_escaped_cert instead', 'RFC 7230 §3.2.4; RFC 9112 §5.2');
  }
  let pem: string;
  try {
    pem = decodeURIComponent(raw);
  } catch {
    throw new CodedError('ERR_PROXY_HEADER_ENCODING', 'X-Ssl-Cert is not valid percent-encoding', 'RFC 3986 §2.1');
  }
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  const [block] = blocks;
  if (blocks.length !== 1 || block === undefined || block[1] !== 'CERTIFICATE' || !/^[A-Za-z0-9+/=\r\n]+$/.test(block[2] as string)) {
    throw new CodedError('ERR_PROXY_HEADER_FORMAT', 'X-Ssl-Cert must hold exactly one PEM CERTIFICATE block', 'RFC 7468 §5.1');
  }
  return new Uint8Array(Buffer.from((block[2] as string).replace(/\s+/g, ''), 'base64'));
}
