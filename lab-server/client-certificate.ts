/**
 * Where the client certificate of a request comes from: the mutual-TLS handshake on the HTTPS
 * listener (RFC 8705 §2), or a header set by a TLS-terminating proxy, believed only when the request
 * comes from an address listed in --trust-proxy (chapter 06).
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import {
  CLIENT_CERT_HEADER, CodedError, OAuthError, X_SSL_CERT_HEADER, clientCertificateFromProxyHeaders, x5tS256,
} from '@client-auth-lab/lib';
import { normalizeAddress } from './config.js';
import type { CertificateSummary } from './traces.js';

export interface PresentedCertificate {
  der: Uint8Array;
  /** Certificates the client sent after its own, nearest issuer first. */
  chain: Uint8Array[];
  source: CertificateSummary['source'];
  summary: CertificateSummary;
}

/** A one-line view of a certificate for traces. */
export function summarizeCertificate(der: Uint8Array, source: CertificateSummary['source'], chainLength: number): CertificateSummary {
  const thumbprint = x5tS256(der);
  try {
    const certificate = new X509Certificate(der);
    const oneLine = (name: string) => name.split('\n').filter((part) => part !== '').join(', ');
    const summary: CertificateSummary = {
      subject: oneLine(certificate.subject),
      issuer: oneLine(certificate.issuer),
      serialNumber: certificate.serialNumber.toLowerCase(),
      notBefore: new Date(certificate.validFrom).toISOString(),
      notAfter: new Date(certificate.validTo).toISOString(),
      selfIssued: certificate.subject === certificate.issuer,
      'x5t#S256': thumbprint,
      source,
      chainLength,
    };
    if (certificate.subjectAltName !== undefined) summary.subjectAltName = certificate.subjectAltName;
    return summary;
  } catch {
    return {
      subject: '(not a parsable certificate)', issuer: '', serialNumber: '', notBefore: '', notAfter: '',
      selfIssued: false, 'x5t#S256': thumbprint, source, chainLength,
    };
  }
}

/** The peer certificate and the chain the client sent, from a TLS socket. */
export function certificateFromTlsSocket(socket: TLSSocket): { der: Uint8Array; chain: Uint8Array[] } | undefined {
  const peer = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  if (peer === null || peer.raw === undefined || peer.raw.length === 0) return undefined;
  const chain: Uint8Array[] = [];
  const seen = new Set<string>([peer.fingerprint256]);
  let current = peer as PeerCertificate & { issuerCertificate?: PeerCertificate };
  // Node links each certificate to its issuer; a self-signed one links to itself.
  while (current.issuerCertificate !== undefined && !seen.has(current.issuerCertificate.fingerprint256)) {
    current = current.issuerCertificate as PeerCertificate & { issuerCertificate?: PeerCertificate };
    seen.add(current.fingerprint256);
    // A root is never needed as an intermediate: the trust anchors come from configuration.
    if (current.subject !== undefined && JSON.stringify(current.subject) === JSON.stringify(current.issuer)) break;
    chain.push(new Uint8Array(current.raw));
  }
  return { der: new Uint8Array(peer.raw), chain };
}

/**
 * The handshake's certificate, read and summarized once per connection: a kept-alive connection sends
 * many requests, and reading the peer certificate costs more than the rest of a token request.
 * Renegotiation is refused on such a socket, so the certificate cannot change under the cache.
 */
const perConnection = new WeakMap<TLSSocket, { der: Uint8Array; chain: Uint8Array[]; summary: CertificateSummary } | undefined>();

function handshakeCertificate(socket: TLSSocket): { der: Uint8Array; chain: Uint8Array[]; summary: CertificateSummary } | undefined {
  if (perConnection.has(socket)) return perConnection.get(socket);
  socket.disableRenegotiation();
  const read = certificateFromTlsSocket(socket);
  const value = read === undefined ? undefined : { ...read, summary: summarizeCertificate(read.der, 'tls', read.chain.length) };
  perConnection.set(socket, value);
  return value;
}

export function isTlsRequest(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

/**
 * The certificate this request presents, or undefined. `notes` receives what a learner should know
 * (a header ignored from an untrusted address, the TLS layer's own verdict). A malformed header from
 * a trusted proxy is refused with invalid_request.
 */
export function presentedCertificate(req: IncomingMessage, trustProxy: readonly string[], notes: string[]): PresentedCertificate | undefined {
  const proxyHeaderNames = [X_SSL_CERT_HEADER, CLIENT_CERT_HEADER].filter((name) => req.headers[name] !== undefined);
  if (isTlsRequest(req)) {
    const socket = req.socket as TLSSocket;
    const fromTls = handshakeCertificate(socket);
    if (proxyHeaderNames.length > 0) {
      notes.push(`${proxyHeaderNames.join(' and ')} ignored: on the mutual-TLS listener only the handshake's certificate counts`);
    }
    if (fromTls === undefined) {
      notes.push('mutual-TLS listener: the client presented no certificate in the TLS handshake');
      return undefined;
    }
    notes.push(socket.authorized
      ? 'TLS layer: the certificate chains to the lab CA'
      : `TLS layer: the certificate does not chain to the lab CA (${String(socket.authorizationError)}); the handshake accepts it anyway because RFC 8705 leaves the decision to client authentication`);
    return { der: fromTls.der, chain: [...fromTls.chain], source: 'tls', summary: { ...fromTls.summary } };
  }
  if (proxyHeaderNames.length === 0) return undefined;
  const remote = normalizeAddress(req.socket.remoteAddress);
  if (!trustProxy.includes(remote)) {
    notes.push(`${proxyHeaderNames.join(' and ')} ignored: the request comes from ${remote}, which is not a trusted proxy (--trust-proxy ${trustProxy.join(',') || 'is not set'}); anyone can send such a header`);
    return undefined;
  }
  let forwarded;
  try {
    forwarded = clientCertificateFromProxyHeaders(req.headers);
  } catch (error) {
    const coded = error as CodedError;
    throw new OAuthError('invalid_request', coded.code ?? 'ERR_PROXY_HEADER', coded.message, { status: 400, ...(coded.spec === undefined ? {} : { spec: coded.spec }) });
  }
  if (forwarded === undefined) {
    notes.push(`the trusted proxy ${remote} forwarded an empty certificate header: the client presented no certificate`);
    return undefined;
  }
  notes.push(`client certificate taken from the ${forwarded.source === 'client-cert' ? 'Client-Cert (RFC 9440)' : 'X-Ssl-Cert'} header of trusted proxy ${remote}`);
  return {
    der: forwarded.certificate,
    chain: forwarded.chain,
    source: forwarded.source,
    summary: summarizeCertificate(forwarded.certificate, forwarded.source, forwarded.chain.length),
  };
}
