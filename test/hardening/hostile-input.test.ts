// Hostile input over real sockets: random and mutated requests against every endpoint a learner can
// reach. Each must get a 2xx/4xx with a standard JSON error body, never a 5xx, a hang or a crash, and
// the server must serve a valid request right after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { startLab, type Lab } from '@client-auth-lab/lab-server';
import { encodeClientSecretBasic, type Jwk } from '@client-auth-lab/lib';
import { forgeJws } from '../support/server.js';

const STANDARD_ERRORS = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'invalid_client_metadata', 'invalid_redirect_uri', 'invalid_token', 'insufficient_scope', 'unsupported_token_type',
  'access_denied', 'authorization_pending', 'slow_down', 'expired_token', 'unknown_user_id', 'unsupported_response_type',
  'invalid_binding_message', 'not_found', 'method_not_allowed',
]);
const RUNS = 150;
const counts: Record<string, number> = {};

let lab: Lab;
let privateKey: KeyObject;
let publicJwk: Jwk;
let pkjClient = '';
let secretClient = { id: '', secret: '' };

interface RawResponse { status: number; contentType: string; body: string }

/** One raw HTTP request: any method, headers and bytes, with a time limit so a hang fails the test. */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  const url = new URL(path, lab.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${path} within 10 s`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function expectStandardAnswer(endpoint: string, response: RawResponse, sent: unknown): void {
  counts[endpoint] = (counts[endpoint] ?? 0) + 1;
  expect(response.status, `${endpoint} answered ${response.status} to ${JSON.stringify(sent).slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400 && response.status !== 404) {
    expect(response.contentType, `${endpoint} error body must be JSON`).toContain('application/json');
    const body = JSON.parse(response.body) as { error?: unknown; error_description?: unknown };
    expect(STANDARD_ERRORS.has(String(body.error)), `${endpoint}: non-standard error ${String(body.error)}`).toBe(true);
  }
}

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function es256(header: Record<string, unknown>, payload: unknown): string {
  return forgeJws(header, payload, { alg: 'ES256', privateKey });
}

function validAssertion(): string {
  const now = Math.floor(Date.now() / 1000);
  return es256({ alg: 'ES256', kid: 'k1' }, { iss: pkjClient, sub: pkjClient, aud: lab.urls.token, jti: randomUUID(), iat: now, exp: now + 60 });
}

async function validTokenRequestWorks(): Promise<void> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: validAssertion() });
  const response = await raw('/token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(response.status, `a valid request after the hostile ones: ${response.body}`).toBe(200);
}

beforeAll(async () => {
  lab = await startLab({ trustProxy: ['127.0.0.1', '::1'], log: () => undefined });
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  privateKey = pair.privateKey;
  publicJwk = { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid: 'k1', alg: 'ES256', use: 'sig' };
  pkjClient = (await lab.register({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [publicJwk] } })).client_id;
  const registered = await lab.register({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
  secretClient = { id: registered.client_id, secret: String(registered.client_secret) };
});

afterAll(async () => {
  await lab?.stop();
  console.info(`hostile-input cases per endpoint: ${JSON.stringify(counts)}`);
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const nastyString = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '%', '%zz', '%FF%FE', '+', '&&&', '==', 'a'.repeat(70_000), '\u0000', '<script>alert(1)</script>', '../../etc/passwd'),
);
const parameterName = fc.constantFrom('grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'scope', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'assertion', 'token', 'device_code', 'auth_req_id', 'login_hint', 'x');
const formBody = fc.array(fc.tuple(parameterName, nastyString), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

describe('hostile form bodies', () => {
  for (const path of ['/token', '/revoke', '/introspect', '/device_authorization', '/bc-authorize']) {
    it(`answers every random or mutated form at ${path} with a standard error, never a 5xx`, async () => {
      await fc.assert(fc.asyncProperty(formBody, fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1', ''), async (body, type) => {
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
        expectStandardAnswer(path, await raw(path, { headers, body }), { body, type });
      }), { numRuns: RUNS });
      await validTokenRequestWorks();
    });
  }

  it('refuses bodies that are not UTF-8, and raw random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
      expectStandardAnswer('/token', await raw('/token', { headers: FORM, body: Buffer.from(bytes) }), Array.from(bytes));
    }), { numRuns: RUNS });
    await validTokenRequestWorks();
  });

  it('refuses repeated parameters (RFC 6749 §3.2) and an enormous body', async () => {
    const repeated = await raw('/token', { headers: FORM, body: 'grant_type=client_credentials&grant_type=client_credentials' });
    expect(repeated.status).toBe(400);
    const huge = await raw('/token', { headers: FORM, body: `grant_type=${'x'.repeat(200_000)}` });
    expect(huge.status).toBe(400);
    expect(JSON.parse(huge.body).error).toBe('invalid_request');
    await validTokenRequestWorks();
  });
});

describe('hostile Basic headers', () => {
  it('answers random Authorization headers with 400 or 401, never a 5xx', async () => {
    const header = fc.oneof(
      nastyString.map((s) => `Basic ${s}`),
      nastyString.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.tuple(nastyString, nastyString).map(([a, b]) => `Basic ${Buffer.from(`${a}:${b}`).toString('base64')}`),
      fc.constant(encodeClientSecretBasic('x', 'y').replace('Basic', 'BASIC')),
    ).filter((h) => !/[\r\n\0]/.test(h) && /^[\x20-\x7e]*$/.test(h));
    await fc.assert(fc.asyncProperty(header, async (authorization) => {
      expectStandardAnswer('/token (Basic)', await raw('/token', { headers: { ...FORM, authorization }, body: 'grant_type=client_credentials' }), authorization);
    }), { numRuns: RUNS });
    const ok = await raw('/token', { headers: { ...FORM, authorization: encodeClientSecretBasic(secretClient.id, secretClient.secret) }, body: 'grant_type=client_credentials' });
    expect(ok.status).toBe(200);
  });
});

describe('hostile client assertions', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ iss: pkjClient, sub: pkjClient, aud: lab.urls.token, jti: randomUUID(), iat: now(), exp: now() + 60 });
  const assertion = fc.oneof(
    nastyString,
    fc.constantFrom('a.b.c', 'a.b', '....', 'eyJ.eyJ.', `${b64url('{"alg":"ES256"}')}.${b64url('[1,2]')}.AA`, `${b64url('not json')}.${b64url('{}')}.AA`),
    // Claims of the wrong type: exp as a string or object, aud as an object, number or null.
    fc.oneof(fc.record({ exp: fc.oneof(fc.string(), fc.object()) }), fc.record({ aud: fc.oneof(fc.object(), fc.integer(), fc.constant(null)) }))
      .map((bad) => es256({ alg: 'ES256', kid: 'k1' }, { ...claims(), ...bad })),
    fc.constant(null).map(() => `${b64url({ alg: 'none' })}.${b64url(claims())}.`),
    fc.constant(null).map(() => {
      // Algorithm confusion: an HMAC keyed with the client's public key.
      const input = `${b64url({ alg: 'HS256', kid: 'k1' })}.${b64url(claims())}`;
      return `${input}.${b64url(JSON.stringify(publicJwk))}`;
    }),
    fc.constantFrom('jwk', 'jku', 'x5u', 'x5c').map((h) => es256({ alg: 'ES256', [h]: h === 'jwk' ? publicJwk : 'https://attacker.example/k' }, { ...claims(), sub: 'someone', iss: 'someone' })),
    fc.constant(null).map(() => es256({ alg: 'ES256', kid: 'k'.repeat(20_000) }, claims())),
  );
  it('answers every broken assertion with a standard error, never a 5xx', async () => {
    await fc.assert(fc.asyncProperty(assertion, async (jwt) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }).toString();
      const response = await raw('/token', { headers: FORM, body });
      expectStandardAnswer('/token (assertion)', response, jwt.slice(0, 200));
      expect(response.status, 'a hostile assertion must never be accepted').not.toBe(200);
    }), { numRuns: RUNS });
    await validTokenRequestWorks();
  });
});

describe('hostile registrations and resource requests', () => {
  it('answers random registration JSON with 201 or a standard 4xx', async () => {
    const metadata = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({
        token_endpoint_auth_method: fc.oneof(fc.constantFrom('none', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'client_secret_jwt'), nastyString),
        grant_types: fc.oneof(fc.array(fc.constantFrom('client_credentials', 'authorization_code', 'implicit', 'urn:openid:params:grant-type:ciba')), nastyString),
        jwks: fc.oneof(fc.constant({ keys: [publicJwk] }), fc.jsonValue()),
        tls_client_auth_san_ip: nastyString,
        redirect_uris: fc.array(nastyString, { maxLength: 2 }),
      }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      nastyString,
    );
    await fc.assert(fc.asyncProperty(metadata, async (body) => {
      const response = await raw('/register', { headers: { 'content-type': 'application/json' }, body });
      expectStandardAnswer('/register', response, body);
    }), { numRuns: RUNS });
  });

  it('answers random bearer tokens and certificate headers at /resource with 401/400', async () => {
    const headers = fc.record({
      authorization: fc.oneof(nastyString.map((s) => `Bearer ${s}`), nastyString),
      'x-ssl-cert': fc.oneof(nastyString, fc.uint8Array({ maxLength: 400 }).map((b) => encodeURIComponent(`-----BEGIN CERTIFICATE-----\n${Buffer.from(b).toString('base64')}\n-----END CERTIFICATE-----\n`))),
      'client-cert': fc.oneof(nastyString, fc.uint8Array({ maxLength: 400 }).map((b) => `:${Buffer.from(b).toString('base64')}:`)),
    }, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\x20-\x7e]*$/.test(v))));
    await fc.assert(fc.asyncProperty(headers, async (h) => {
      expectStandardAnswer('/resource', await raw('/resource', { method: 'GET', headers: h }), h);
    }), { numRuns: RUNS });
  });
});
