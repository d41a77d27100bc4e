// Trust boundaries of reverse-proxy mode: a certificate header is believed only from a --trust-proxy
// address, however the connection's address is spelled (IPv4, IPv6 loopback, IPv4-mapped IPv6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createSelfSignedCertificate, formatXSslCertHeader, generateKeyPair } from '@client-auth-lab/lib';
import { startLab, type Lab } from '@client-auth-lab/lab-server';

let dualStack: Lab;
let header = '';
let clientId = '';
const port = () => Number(new URL(dualStack.httpUrl).port);

/** A token request carrying the proxy header, sent from `localAddress` to `host`. */
function tokenRequest(host: string, localAddress: string): Promise<{ status: number; body: { error?: string } }> {
  const body = `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}`;
  return new Promise((resolve, reject) => {
    const req = request({ host, port: port(), path: '/token', method: 'POST', localAddress, headers: {
      'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), 'x-ssl-cert': header,
    } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: string } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  // Bound to '::', IPv4 clients arrive as ::ffff:127.0.0.1; only 127.0.0.1 is trusted.
  dualStack = await startLab({ host: '::', trustProxy: ['127.0.0.1'] });
  const key = await generateKeyPair();
  const certificate = await createSelfSignedCertificate({ key, subject: '/CN=proxied' });
  header = formatXSslCertHeader(certificate.pem);
  clientId = (await dualStack.register({
    token_endpoint_auth_method: 'self_signed_tls_client_auth', grant_types: ['client_credentials'],
    jwks: { keys: [{ ...key.publicJwk, x5c: [Buffer.from(certificate.der).toString('base64')] }] },
  })).client_id;
});
afterAll(() => dualStack?.stop());

describe('proxy headers and addresses', () => {
  it('believes the header from 127.0.0.1 arriving as the IPv4-mapped ::ffff:127.0.0.1', async () => {
    expect((await tokenRequest('127.0.0.1', '127.0.0.1')).status).toBe(200);
  });

  it('ignores the header from the IPv6 loopback ::1, which is not in --trust-proxy', async () => {
    const answer = await tokenRequest('::1', '::1');
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    const trace = dualStack.lastTrace({ clientId });
    expect(trace?.notes.join(' ')).toMatch(/ignored|not trusted|untrusted/i);
  });

  it('believes ::1 once it is listed', async () => {
    const v6 = await startLab({ host: '::', trustProxy: ['::1'] });
    try {
      const key = await generateKeyPair();
      const certificate = await createSelfSignedCertificate({ key, subject: '/CN=v6' });
      const { client_id } = await v6.register({
        token_endpoint_auth_method: 'self_signed_tls_client_auth', grant_types: ['client_credentials'],
        jwks: { keys: [{ ...key.publicJwk, x5c: [Buffer.from(certificate.der).toString('base64')] }] },
      });
      const answer = await v6.request(`http://[::1]:${new URL(v6.httpUrl).port}/token`, {
        form: { grant_type: 'client_credentials', client_id },
        headers: { 'x-ssl-cert': formatXSslCertHeader(certificate.pem) },
      });
      expect(answer.status).toBe(200);
    } finally {
      await v6.stop();
    }
  });
});

describe('client configuration endpoint (RFC 7592)', () => {
  it("rejects one client's registration access token on another client's configuration", async () => {
    const alice = await dualStack.register({ grant_types: ['client_credentials'], client_name: 'alice' });
    const bob = await dualStack.register({ grant_types: ['client_credentials'], client_name: 'bob' });
    const bobUri = String(bob.registration_client_uri);
    const withAlice = { headers: { authorization: `Bearer ${String(alice.registration_access_token)}` } };
    expect((await dualStack.request(bobUri, withAlice)).status).toBe(401);
    expect((await dualStack.request(bobUri, { ...withAlice, method: 'PUT', json: { client_id: bob.client_id, client_name: 'taken over', grant_types: ['client_credentials'] } })).status).toBe(401);
    expect((await dualStack.request(bobUri, { ...withAlice, method: 'DELETE' })).status).toBe(401);
    const stillBob = await dualStack.request(bobUri, { headers: { authorization: `Bearer ${String(bob.registration_access_token)}` } });
    expect(stillBob.status).toBe(200);
    expect(stillBob.body.client_name).toBe('bob');
    expect(stillBob.body.client_secret).toBe(bob.client_secret);
  });

  it('issues client secrets with at least 256 bits of entropy, all different', async () => {
    const secrets = await Promise.all(Array.from({ length: 20 }, async () => String((await dualStack.register({ grant_types: ['client_credentials'] })).client_secret)));
    for (const secret of secrets) expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(256);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
