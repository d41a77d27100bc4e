import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  clientCertificateFromProxyHeaders,
  formatClientCertHeader,
  formatXSslCertHeader,
  isFoldedHeaderValue,
  parseClientCertChainHeader,
  parseClientCertHeader,
  parseXSslCertHeader,
} from '../../../lib/mtls/proxy-headers.js';
import { x5tS256 } from '../../../lib/index.js';
import { RFC8705_APPENDIX_A_X5T_S256 } from '../../fixtures/seeds/knowledge-base.js';
import { codeOf } from '../../support/coded.js';

const pem = readFileSync(new URL('../../fixtures/x509/rfc8705-mtls.pem', import.meta.url), 'utf8');
const der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

/** What nginx's $ssl_client_escaped_cert sends: the PEM with reserved characters and newlines %-escaped. */
const nginxEscaped = pem.replace(/[^A-Za-z0-9\-._~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
/** What the deprecated $ssl_client_cert sends: the PEM lines, each continuation starting with a tab. */
const folded = pem.trimEnd().split('\n').join('\n\t');

describe('X-Ssl-Cert ($ssl_client_escaped_cert)', () => {
  it('accepts the URL-encoded PEM nginx sends and yields the DER', () => {
    const parsed = parseXSslCertHeader(nginxEscaped);
    expect(x5tS256(parsed as Uint8Array)).toBe(RFC8705_APPENDIX_A_X5T_S256);
  });
  it('accepts what encodeURIComponent makes of the PEM', () => {
    expect(Buffer.from(parseXSslCertHeader(formatXSslCertHeader(pem)) as Uint8Array)).toEqual(Buffer.from(der));
  });
  it('treats an empty value as no certificate (nginx sends "" when the client sent none)', () => {
    expect(parseXSslCertHeader('')).toBeUndefined();
    expect(parseXSslCertHeader(undefined)).toBeUndefined();
  });
  it('rejects a folded multi-line value because obs-fold was removed (RFC 7230 §3.2.4)', () => {
    expect(codeOf(() => parseXSslCertHeader(folded))).toBe('ERR_PROXY_HEADER_FOLDED');
  });
  it('rejects the value an unfolding server makes of it (spaces inside the Base64) because it is folded', () => {
    expect(codeOf(() => parseXSslCertHeader(folded.replace(/\n\t/g, ' ')))).toBe('ERR_PROXY_HEADER_FOLDED');
    expect(isFoldedHeaderValue(folded.replace(/\n\t/g, ' '))).toBe(true);
  });
  it('rejects a header sent twice because only one certificate can be meant', () => {
    expect(codeOf(() => parseXSslCertHeader([nginxEscaped, nginxEscaped]))).toBe('ERR_PROXY_HEADER_REPEATED');
  });
  it('rejects broken percent-encoding because it is not $ssl_client_escaped_cert', () => {
    expect(codeOf(() => parseXSslCertHeader('%E0%A4%A'))).toBe('ERR_PROXY_HEADER_ENCODING');
  });
  it('rejects a value that is not a PEM certificate', () => {
    expect(codeOf(() => parseXSslCertHeader(encodeURIComponent('hello')))).toBe('ERR_PROXY_HEADER_FORMAT');
    const key = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
    expect(codeOf(() => parseXSslCertHeader(encodeURIComponent(key)))).toBe('ERR_PROXY_HEADER_FORMAT');
  });
  it('rejects a PEM body that does not decode to DER', () => {
    const bogus = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(codeOf(() => parseXSslCertHeader(encodeURIComponent(bogus)))).toBe('ERR_PROXY_HEADER_NOT_CERTIFICATE');
  });
});

describe('Client-Cert (RFC 9440)', () => {
  it('accepts a Structured Field Byte Sequence of the DER', () => {
    expect(x5tS256(parseClientCertHeader(formatClientCertHeader(der)) as Uint8Array)).toBe(RFC8705_APPENDIX_A_X5T_S256);
  });
  it('accepts the byte sequence without = padding (RFC 8941 §3.3.5)', () => {
    const unpadded = Buffer.from(der).toString('base64').replace(/=+$/, '');
    expect(Buffer.from(der).toString('base64')).toMatch(/=$/);
    expect(parseClientCertHeader(`:${unpadded}:`)).toEqual(der);
  });
  it('ignores parameters after the byte sequence (RFC 8941 §3.1.2)', () => {
    expect(parseClientCertHeader(`${formatClientCertHeader(der)};note=1`)).toEqual(der);
  });
  it('rejects bare Base64 because the colons of the byte sequence are missing', () => {
    expect(codeOf(() => parseClientCertHeader(Buffer.from(der).toString('base64')))).toBe('ERR_PROXY_HEADER_FORMAT');
  });
  it('rejects base64url inside the colons because RFC 8941 byte sequences use standard Base64', () => {
    expect(codeOf(() => parseClientCertHeader(`:${Buffer.from(der).toString('base64url')}:`))).toBe('ERR_PROXY_HEADER_ENCODING');
  });
  it('reads Client-Cert-Chain as a list of byte sequences', () => {
    const chain = parseClientCertChainHeader(`${formatClientCertHeader(der)}, ${formatClientCertHeader(der)}`);
    expect(chain).toHaveLength(2);
    expect(parseClientCertChainHeader(undefined)).toEqual([]);
  });
});

describe('clientCertificateFromProxyHeaders', () => {
  it('prefers nothing: returns undefined without either header', () => {
    expect(clientCertificateFromProxyHeaders({})).toBeUndefined();
  });
  it('names the header the certificate came from', () => {
    expect(clientCertificateFromProxyHeaders({ 'x-ssl-cert': nginxEscaped })?.source).toBe('x-ssl-cert');
    expect(clientCertificateFromProxyHeaders({ 'client-cert': formatClientCertHeader(der) })?.source).toBe('client-cert');
  });
  it('rejects both headers at once because the proxy must forward exactly one', () => {
    expect(codeOf(() => clientCertificateFromProxyHeaders({ 'x-ssl-cert': nginxEscaped, 'client-cert': formatClientCertHeader(der) }))).toBe('ERR_PROXY_HEADER_CONFLICT');
  });
});
