import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, formatClientCertHeader, generateKeyPair } from '@client-auth-lab/lib';
import type { IssuedClientCertificate, RunningLabServer } from '@client-auth-lab/lab-server';
import { postForm, register, request, startTestServer, traceOf, type RegisteredTestClient } from './support.js';

let server: RunningLabServer;
let base: string;
let selfPem: string;
let selfDer: Uint8Array;
let selfClient: RegisteredTestClient;
let pkiCert: IssuedClientCertificate;
let pkiClient: RegisteredTestClient;

/** What nginx's $ssl_client_escaped_cert makes of a PEM. */
const escaped = (pem: string) => pem.replace(/[^A-Za-z0-9\-._~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

beforeAll(async () => {
  server = await startTestServer({ trustProxy: ['127.0.0.1'], publicHost: '127.0.0.1' });
  base = server.httpUrl;
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  const certificate = await createSelfSignedCertificate({ key, subject: '/CN=behind-the-proxy' });
  selfPem = certificate.pem;
  selfDer = certificate.der;
  selfClient = await register(server, {
    token_endpoint_auth_method: 'self_signed_tls_client_auth', tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'],
    jwks: { keys: [{ ...key.publicJwk, x5c: [Buffer.from(certificate.der).toString('base64')] }] },
  });
  pkiCert = await server.ca.issueClientCertificate({ subject: '/CN=proxied-pki-client' });
  pkiClient = await register(server, { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=proxied-pki-client', grant_types: ['client_credentials'] });
});
afterAll(() => server.stop());

describe('reverse-proxy mode (chapter 06)', () => {
  it('accepts X-Ssl-Cert ($ssl_client_escaped_cert) from the trusted proxy address', async () => {
    const answer = await postForm(`${base}/token`, { grant_type: 'client_credentials', client_id: selfClient.client_id }, { headers: { 'x-ssl-cert': escaped(selfPem) } });
    expect(answer.status).toBe(200);
    const trace = traceOf(server, answer);
    expect(trace.request.certificate).toMatchObject({ source: 'x-ssl-cert', subject: 'CN=behind-the-proxy' });
    expect(trace.notes.join(' ')).toContain('trusted proxy 127.0.0.1');
  });
  it('accepts Client-Cert (RFC 9440) from the trusted proxy for tls_client_auth', async () => {
    const answer = await postForm(`${base}/token`, { grant_type: 'client_credentials', client_id: pkiClient.client_id }, { headers: { 'client-cert': formatClientCertHeader(pkiCert.certificateDer) } });
    expect(answer.status).toBe(200);
    expect(traceOf(server, answer).request.certificate?.source).toBe('client-cert');
  });
  it('ignores the header from another address, and the trace says so', async () => {
    const answer = await postForm(`${base}/token`, { grant_type: 'client_credentials', client_id: selfClient.client_id },
      { headers: { 'x-ssl-cert': escaped(selfPem) }, localAddress: '127.0.0.2' });
    expect(answer.status).toBe(401);
    const trace = traceOf(server, answer);
    expect(trace.request.remoteAddress).toContain('127.0.0.2');
    expect(trace.request.certificate).toBeUndefined();
    expect(trace.notes.join(' ')).toContain('not a trusted proxy');
  });
  it('rejects a raw PEM that was not URL-encoded, explaining what to send', async () => {
    const answer = await postForm(`${base}/token`, { grant_type: 'client_credentials', client_id: selfClient.client_id }, { headers: { 'x-ssl-cert': ':abc:' } });
    expect(answer.status).toBe(400);
    expect(traceOf(server, answer).outcome.code).toBe('ERR_PROXY_HEADER_FORMAT');
  });
  it('rejects a folded multi-line header ($ssl_client_cert) with an explanation of obs-fold', async () => {
    const folded = selfPem.trimEnd().split('\n').join('\r\n\t');
    const body = `grant_type=client_credentials&client_id=${selfClient.client_id}`;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => {
        socket.write(`POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Ssl-Cert: ${folded}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
      let text = '';
      socket.on('data', (d) => { text += d.toString('utf8'); });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    const json = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(json.error).toBe('invalid_request');
    expect(json.error_description).toContain('RFC 7230');
    expect(json.error_description).toContain('$ssl_client_escaped_cert');
    expect(server.context.traces.last()).toMatchObject({ endpoint: 'http_parser', outcome: { code: 'ERR_PROXY_HEADER_FOLDED' } });
  });
  it('lets a bound token reach the resource through the proxy with the same certificate', async () => {
    const issued = await postForm(`${base}/token`, { grant_type: 'client_credentials', client_id: selfClient.client_id }, { headers: { 'x-ssl-cert': escaped(selfPem) } });
    expect(server.context.store.tokens.get(issued.body.access_token)?.cnf).toBeDefined();
    const ok = await request(`${base}/resource`, { headers: { authorization: `Bearer ${issued.body.access_token}`, 'client-cert': formatClientCertHeader(selfDer) } });
    expect(ok.status).toBe(200);
    const without = await request(`${base}/resource`, { headers: { authorization: `Bearer ${issued.body.access_token}` } });
    expect(without.status).toBe(401);
  });
});
