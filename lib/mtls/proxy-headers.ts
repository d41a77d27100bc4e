/**
 * Client certificates forwarded by a TLS-terminating reverse proxy (chapter 06). Two forms exist:
 *
 * - `X-Ssl-Cert` with nginx's `$ssl_client_escaped_cert`: the PEM text, URL-encoded onto one line.
 * - `Client-Cert` (RFC 9440 §2.1): the DER as a Structured Field Byte Sequence, `:BASE64:`
 *   (RFC 8941 §3.3.5), with the issuers in `Client-Cert-Chain` (RFC 9440 §2.2).
 *
 * nginx's older `$ssl_client_cert` puts the raw PEM lines in the header, each continuation line
 * starting with a tab. That is obs-fold, which RFC 7230 §3.2.4 deprecated and RFC 9112 §5.2 forbids
 * senders to generate; it is refused here with an explanation rather than guessed at.
 *
 * Whether a header may be believed at all (it must come from the proxy) is the caller's decision.
 */
import { CodedError } from '../errors.js';

export const X_SSL_CERT_HEADER = 'x-ssl-cert';
export const CLIENT_CERT_HEADER = 'client-cert';
export const CLIENT_CERT_CHAIN_HEADER = 'client-cert-chain';

/** Why a folded header cannot carry a certificate, in words a learner can act on. */
export const OBS_FOLD_EXPLANATION =
  'the certificate arrived as a folded multi-line header (continuation lines starting with a space or tab), ' +
  "which is what nginx's deprecated $ssl_client_cert produces. Line folding (obs-fold) was deprecated by RFC 7230 §3.2.4 " +
  '(RFC 9112 §5.2) and this server takes that rule\'s 400 branch; flattened to spaces the PEM would still parse (RFC 7468 §3 tolerates whitespace), ' +
  'but a folded header is refused before any route runs. ' +
  'Forward $ssl_client_escaped_cert (URL-encoded PEM on one line) in X-Ssl-Cert, or use the RFC 9440 Client-Cert header';

export type ProxyCertificateSource = 'x-ssl-cert' | 'client-cert';

export interface ProxyCertificate {
  source: ProxyCertificateSource;
  /** DER of the client's own certificate. */
  certificate: Uint8Array;
  /** Further certificates (Client-Cert-Chain), nearest issuer first. */
  chain: Uint8Array[];
}

type HeaderValue = string | readonly string[] | undefined;

function single(name: string, value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    if (value.length === 1) return value[0];
    throw new CodedError('ERR_PROXY_HEADER_REPEATED', `the ${name} header appears ${value.length} times; exactly one certificate header is expected`, 'RFC 9440 §2.1');
  }
  return value;
}

/**
 * True when a header value shows the marks of line folding: a CR or LF, or whitespace inside the
 * Base64 body of a PEM (where an unfolding server left the spaces or tabs of the continuation lines).
 */
export function isFoldedHeaderValue(value: string): boolean {
  if (/[\r\n]/.test(value)) return true;
  const body = value.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '');
  return /-----BEGIN /.test(value) && /[ \t]/.test(body.trim());
}

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function derFromBase64(text: string, what: string, spec: string, paddingOptional = false): Uint8Array {
  if (!STANDARD_BASE64.test(text) || (text.length % 4 !== 0 && !(paddingOptional && text.length % 4 !== 1 && !text.includes('='))) || text.length === 0) {
    throw new CodedError('ERR_PROXY_HEADER_ENCODING', `${what} is not padded standard Base64 (RFC 4648 §4)`, spec);
  }
  const der = new Uint8Array(Buffer.from(text, 'base64'));
  // Every DER certificate is a SEQUENCE (RFC 5280 §4.1), tag 0x30: anything else is not one.
  if (der[0] !== 0x30) throw new CodedError('ERR_PROXY_HEADER_NOT_CERTIFICATE', `${what} does not decode to a DER certificate (no SEQUENCE tag)`, 'RFC 5280 §4.1');
  return der;
}

/**
 * Reads `X-Ssl-Cert` as nginx's `$ssl_client_escaped_cert` sends it. Returns undefined when the header
 * is absent or empty (nginx sends an empty value when the client presented no certificate).
 */
export function parseXSslCertHeader(value: HeaderValue): Uint8Array | undefined {
  const raw = single('X-Ssl-Cert', value);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (isFoldedHeaderValue(raw)) throw new CodedError('ERR_PROXY_HEADER_FOLDED', OBS_FOLD_EXPLANATION, 'RFC 7230 §3.2.4; RFC 9112 §5.2');
  let pem: string;
  try {
    pem = decodeURIComponent(raw);
  } catch {
    throw new CodedError('ERR_PROXY_HEADER_ENCODING', 'X-Ssl-Cert is not valid URL encoding (expected $ssl_client_escaped_cert)', 'RFC 3986 §2.1');
  }
  const match = /^\s*-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END CERTIFICATE-----\s*$/.exec(pem);
  if (match === null) {
    const hint = raw.startsWith('-----BEGIN') ? 'the value looks like raw PEM that was not URL-encoded; ' : '';
    throw new CodedError('ERR_PROXY_HEADER_FORMAT', `${hint}X-Ssl-Cert must hold exactly one URL-encoded PEM CERTIFICATE block (RFC 7468 §5)`, 'RFC 7468 §5');
  }
  return derFromBase64((match[1] as string).replace(/\r?\n/g, ''), 'the PEM body in X-Ssl-Cert', 'RFC 7468 §5');
}

/** One RFC 8941 §3.3.5 Byte Sequence item, `:BASE64:`, parameters (after ';') ignored. */
function byteSequence(item: string, what: string): Uint8Array {
  const trimmed = item.trim();
  const end = trimmed.indexOf(':', 1);
  if (!trimmed.startsWith(':') || end === -1 || (end + 1 < trimmed.length && trimmed[end + 1] !== ';')) {
    const hint = trimmed.startsWith('-----BEGIN') || /^[A-Za-z0-9+/]/.test(trimmed) ? ' (PEM or bare Base64 was sent; wrap the DER Base64 in colons)' : '';
    throw new CodedError('ERR_PROXY_HEADER_FORMAT', `${what} must be a Structured Field Byte Sequence, ':' BASE64(DER) ':'${hint}`, 'RFC 9440 §2.1; RFC 8941 §3.3.5');
  }
  // RFC 8941 §3.3.5: padding may be omitted in a Byte Sequence, and parsers accept it either way.
  return derFromBase64(trimmed.slice(1, end), what, 'RFC 8941 §3.3.5', true);
}

/** Reads `Client-Cert` (RFC 9440 §2.1). Returns undefined when the header is absent. */
export function parseClientCertHeader(value: HeaderValue): Uint8Array | undefined {
  const raw = single('Client-Cert', value);
  if (raw === undefined) return undefined;
  if (/[\r\n]/.test(raw)) throw new CodedError('ERR_PROXY_HEADER_FOLDED', OBS_FOLD_EXPLANATION, 'RFC 7230 §3.2.4; RFC 9112 §5.2');
  return byteSequence(raw, 'Client-Cert');
}

/** Reads `Client-Cert-Chain` (RFC 9440 §2.2): a List of Byte Sequences, nearest issuer first. */
export function parseClientCertChainHeader(value: HeaderValue): Uint8Array[] {
  if (value === undefined) return [];
  // Several header lines of a List combine into one, joined by commas (RFC 8941 §3.1).
  const raw = typeof value === 'string' ? value : value.join(',');
  if (/[\r\n]/.test(raw)) throw new CodedError('ERR_PROXY_HEADER_FOLDED', OBS_FOLD_EXPLANATION, 'RFC 7230 §3.2.4; RFC 9112 §5.2');
  if (raw.trim() === '') return [];
  return raw.split(',').map((item, i) => byteSequence(item, `Client-Cert-Chain member ${i + 1}`));
}

/**
 * The client certificate forwarded by a proxy, from whichever header carries it, or undefined if
 * none does. Both headers at once is ambiguous and refused.
 */
export function clientCertificateFromProxyHeaders(headers: Readonly<Record<string, HeaderValue>>): ProxyCertificate | undefined {
  const escaped = parseXSslCertHeader(headers[X_SSL_CERT_HEADER]);
  const structured = parseClientCertHeader(headers[CLIENT_CERT_HEADER]);
  if (escaped !== undefined && structured !== undefined) {
    throw new CodedError('ERR_PROXY_HEADER_CONFLICT', 'both X-Ssl-Cert and Client-Cert carry a certificate; the proxy must forward exactly one', 'RFC 9440 §2');
  }
  if (structured !== undefined) {
    return { source: 'client-cert', certificate: structured, chain: parseClientCertChainHeader(headers[CLIENT_CERT_CHAIN_HEADER]) };
  }
  if (escaped !== undefined) return { source: 'x-ssl-cert', certificate: escaped, chain: [] };
  return undefined;
}

/** The header forms a test or a notebook sends in place of a proxy. */
export function formatXSslCertHeader(pem: string): string {
  return encodeURIComponent(pem);
}

export function formatClientCertHeader(der: Uint8Array): string {
  return `:${Buffer.from(der).toString('base64')}:`;
}
