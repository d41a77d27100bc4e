// A real nginx (examples/nginx/nginx.conf, rewritten for temporary paths) terminating mutual TLS in front of the lab server.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, generateKeyPair } from '@client-auth-lab/lib';
import {
  findNginx, labRequest, nginxConfiguration, NGINX_EXAMPLE_CONFIGURATION, startNginx,
  type RunningLabServer, type RunningNginx,
} from '@client-auth-lab/lab-server';
import { register, startTestServer, type RegisteredTestClient } from './support.js';

const nginx = findNginx();
const isCI = process.env.CI === 'true';
if (nginx === undefined && !isCI) console.warn('nginx tests skipped: nginx is not installed (Debian: apt-get install nginx)');

describe('nginxConfiguration', () => {
  const template = readFileSync(NGINX_EXAMPLE_CONFIGURATION, 'utf8');
  const options = { upstream: { host: '127.0.0.1', port: 5000 }, listenPort: 9443, certificatePath: '/t/p.pem', keyPath: '/t/k.pem', directory: '/t' };

  it('keeps the example\'s directives and rewrites only ports and paths', () => {
    const text = nginxConfiguration(template, options);
    expect(text).toContain('proxy_set_header X-Ssl-Cert $ssl_client_escaped_cert;');
    expect(text).toContain('ssl_verify_client optional_no_ca;');
    expect(text).toContain('server 127.0.0.1:5000;');
    expect(text).toContain('listen 127.0.0.1:9443 ssl;');
    expect(text).toContain('ssl_certificate     /t/p.pem;');
    expect(text).toContain('pid /t/nginx.pid;');
    expect(text).toMatch(/^daemon off;$/m);
    expect(text).not.toMatch(/^user root;$/m);
  });

  it('adds `user root;` only when asked (nginx started as root)', () => {
    expect(nginxConfiguration(template, { ...options, runAsRoot: true })).toMatch(/^user root;$/m);
  });

  it('rejects a template whose lines drifted, naming the line it looked for', () => {
    expect(() => nginxConfiguration(template.replace('listen 8443 ssl;', 'listen 8443;'), options)).toThrow(/listen/);
  });
});

describe.runIf(nginx !== undefined || isCI)('a real nginx in front of the lab server', () => {
  let server: RunningLabServer;
  let proxy: RunningNginx;
  let client: RegisteredTestClient;
  let certificatePem: string;
  let keyPem: string;

  beforeAll(async () => {
    if (nginx === undefined) throw new Error('CI=true requires nginx (.ci/run installs Debian\'s nginx)');
    server = await startTestServer({ trustProxy: ['127.0.0.1'], publicHost: '127.0.0.1' });
    const proxyCertificate = await server.ca.serverCertificate(['127.0.0.1', 'localhost']);
    proxy = await startNginx({ upstream: server.httpUrl, certificatePem: proxyCertificate.certificatePem, privateKeyPem: proxyCertificate.privateKeyPem });
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
    const certificate = await createSelfSignedCertificate({ key, subject: '/CN=through-nginx' });
    certificatePem = certificate.pem;
    keyPem = key.privateKeyPem;
    client = await register(server, {
      token_endpoint_auth_method: 'self_signed_tls_client_auth', tls_client_certificate_bound_access_tokens: true, grant_types: ['client_credentials'],
      jwks: { keys: [{ ...key.publicJwk, x5c: [Buffer.from(certificate.der).toString('base64')] }] },
    });
  }, 30_000);
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('accepts self_signed_tls_client_auth through nginx, with the certificate from X-Ssl-Cert', async () => {
    const answer = await labRequest(`${proxy.url}/token`, {
      method: 'POST', form: { grant_type: 'client_credentials', client_id: client.client_id }, cert: certificatePem, key: keyPem, ca: server.caCertificatePem,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const trace = server.context.traces.get(answer.headers['x-lab-trace-id']!)!;
    expect(trace.request.certificate).toMatchObject({ source: 'x-ssl-cert', subject: 'CN=through-nginx' });
    expect(trace.notes.join(' ')).toContain('trusted proxy 127.0.0.1');
  });

  it('rejects the same client through nginx without a certificate, because nothing was presented', async () => {
    const answer = await labRequest(`${proxy.url}/token`, {
      method: 'POST', form: { grant_type: 'client_credentials', client_id: client.client_id }, ca: server.caCertificatePem,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    const trace = server.context.traces.get(answer.headers['x-lab-trace-id']!)!;
    expect(trace.request.certificate).toBeUndefined();
  });

  it('stops, and its port is closed afterwards', async () => {
    const second = await startNginx({ upstream: server.httpUrl, certificatePem: (await server.ca.serverCertificate(['127.0.0.1'])).certificatePem,
      privateKeyPem: (await server.ca.serverCertificate(['127.0.0.1'])).privateKeyPem });
    expect(second.version).toMatch(/^\d+\.\d+/);
    await second.stop();
    await expect(labRequest(`${second.url}/token`, { method: 'POST', form: {}, ca: server.caCertificatePem })).rejects.toThrow();
  });
});
