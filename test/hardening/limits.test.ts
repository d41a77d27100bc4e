// Limits, each with a clear error: the number of SANs in a certificate, of keys in a JWK Set, the size
// of a JWT and of request headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createCertificateAuthority, generateKeyPair, issueCertificate, readCertificate, type Jwk } from '@client-auth-lab/lib';
import { startLab, type Lab } from '@client-auth-lab/lab-server';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(() => lab?.stop());

describe('limits', () => {
  it('reads a certificate with 1,024 SANs and refuses one with 1,025 with ERR_TOO_MANY_NAMES', async () => {
    const ca = await createCertificateAuthority();
    const key = await generateKeyPair();
    const names = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'dNSName' as const, value: `n${i}.example` }));
    const fits = await issueCertificate({ ca, publicKey: key, subject: '/CN=many', san: names(1024) });
    expect(fits.view.subjectAltNames).toHaveLength(1024);
    const tooMany = await issueCertificate({ ca, publicKey: key, subject: '/CN=many', san: names(1025) }).then((c) => c.der, (e: { code?: string }) => e);
    if (tooMany instanceof Uint8Array) expect(() => readCertificate(tooMany)).toThrow(expect.objectContaining({ code: 'ERR_TOO_MANY_NAMES' }));
    else expect(tooMany.code).toBe('ERR_TOO_MANY_NAMES');
  });

  it('refuses a JWK Set of 33 keys at registration with invalid_client_metadata', async () => {
    const key = (await generateKeyPair()).publicJwk as Jwk;
    const keys = Array.from({ length: 33 }, (_, i) => ({ ...key, kid: `k${i}` }));
    const answer = await lab.request(lab.urls.registration, { json: { token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys } } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_client_metadata');
    expect(answer.body.error_description).toContain('33 keys');
  });

  it('refuses a client assertion larger than 64 KiB with a standard error', async () => {
    const huge = `${'a'.repeat(40_000)}.${'b'.repeat(40_000)}.c`;
    const answer = await lab.request(lab.urls.token, { form: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: huge } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
  });

  it('answers request headers larger than 16 KiB with 431, and keeps serving', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${lab.urls.token}`, { method: 'POST', headers: { 'x-padding': 'x'.repeat(20_000) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('16 KiB') });
    expect((await lab.request(lab.urls.metadata)).status).toBe(200);
  });
});
