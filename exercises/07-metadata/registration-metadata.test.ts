import { randomUUID } from 'node:crypto';
import { beforeAll, describe, it } from 'vitest';
import { generateJwk, signCompactJws, type GeneratedJwk, type JwkRecord } from '@client-auth-lab/lib';
import type { Lab } from '@client-auth-lab/lab-server';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { privateKeyJwtClientMetadata } from './registration-metadata.js';

const lab = useLab();
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** One RSA key for the whole spec: making RSA keys is slow, and its variants only relabel it. */
let rsa: GeneratedJwk;
beforeAll(() => {
  rsa = generateJwk({ kty: 'RSA', size: 2048 });
});

interface Registered {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs the metadata to the registration endpoint (RFC 7591 §3.1) and returns the raw answer. */
async function register(l: Lab, metadata: Record<string, unknown>): Promise<Registered> {
  const answer = await l.request(l.urls.registration, { json: metadata });
  return { status: answer.status, body: answer.body as Record<string, unknown> };
}

function expectCreated(answer: Registered, l: Lab, rule: string): void {
  const why = answer.status === 201 ? '' : `${String(answer.body.error)}: ${String(answer.body.error_description)}`;
  expectTrue(answer.status === 201, 'RFC 7591 §3.2.1', `${rule}\nThe lab's trace:\n${traceOf(l)}`, `${answer.status} ${why}`);
}

/** Uses the registration: a client_credentials request with a client assertion signed by the key and alg registered. */
async function requestToken(l: Lab, clientId: string, privateJwk: JwkRecord, alg: string) {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = await signCompactJws({ payload: { iss: clientId, sub: clientId, aud: l.urls.token, iat, exp: iat + 120, jti: randomUUID() }, jwk: privateJwk, alg });
  return l.request(l.urls.token, { form: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion } });
}

const build = (clientName: string, privateJwk: JwkRecord, grantTypes = ['client_credentials']) =>
  expectNoThrow(() => privateKeyJwtClientMetadata({ clientName, privateJwk, grantTypes }), 'RFC 7591 §2', 'building the metadata must not throw');

describe('privateKeyJwtClientMetadata: registration metadata the lab accepts, then uses', () => {
  it('accepts an EC P-256 key: 201 Created, and the client then gets a token with private_key_jwt', async () => {
    const l = lab();
    const key = generateJwk({ kty: 'EC', crv: 'P-256' });
    const answer = await register(l, await build('ec client', key.private));
    expectCreated(answer, l, 'the lab registers a private_key_jwt client that publishes its public key');
    expectRule(answer.body.token_endpoint_auth_method, 'private_key_jwt', 'RFC 7591 §2', 'token_endpoint_auth_method is registered as asked (the default would be client_secret_basic)');
    expectRule(answer.body.token_endpoint_auth_signing_alg, 'ES256', 'RFC 7518 §3.4; OIDC Dynamic Client Registration §2', 'a P-256 key signs with ES256');
    const clientId = String(answer.body.client_id);
    const token = await requestToken(l, clientId, key.private, 'ES256');
    expectTokenResponse(token, traceOf(l, clientId), 'OpenID Connect Core §9', 'a client assertion signed with the registered key and alg authenticates the new client');
  });

  it('accepts an RSA key and registers an RSA signature algorithm, which then works', async () => {
    const l = lab();
    const key = rsa;
    const answer = await register(l, await build('rsa client', key.private));
    expectCreated(answer, l, 'the lab registers an RSA private_key_jwt client');
    const alg = String(answer.body.token_endpoint_auth_signing_alg);
    expectTrue(['PS256', 'RS256', 'PS384', 'RS384', 'PS512', 'RS512'].includes(alg), 'RFC 7518 §3.3, §3.5', 'an RSA key signs with RS* or PS*', alg);
    const clientId = String(answer.body.client_id);
    expectTokenResponse(await requestToken(l, clientId, key.private, alg), traceOf(l, clientId), 'OpenID Connect Core §9', `a client assertion signed with ${alg} is accepted`);
  });

  it('accepts a private JWK but publishes only its public members', async () => {
    const key = rsa;
    const metadata = await build('careful client', { ...key.private, kid: 'rsa-2025' });
    const published = ((metadata.jwks as { keys?: JwkRecord[] } | undefined)?.keys ?? [])[0] ?? {};
    const leaked = PRIVATE_MEMBERS.filter((member) => member in published);
    expectRule(leaked, [], 'RFC 7591 §2; RFC 7517 §9.2', 'jwks holds the public key only: "d", "p", "q", "dp", "dq", "qi" are the private key and must never leave the client');
    expectRule({ kty: published.kty, n: published.n, e: published.e, kid: published.kid }, { kty: 'RSA', n: key.public.n, e: key.public.e, kid: 'rsa-2025' }, 'RFC 7517 §4; RFC 7518 §6.3.1',
      'the public JWK keeps kty, the public members (n and e) and kid, so the server can select the key');
  });

  it('accepts a key whose JWK names its alg, or a P-384 key, and registers a fitting algorithm', async () => {
    expectRule((await build('named alg', { ...rsa.private, alg: 'RS256' })).token_endpoint_auth_signing_alg, 'RS256', 'RFC 7517 §4.4', 'the JWK says which algorithm it is for: register that one');
    const p384 = generateJwk({ kty: 'EC', crv: 'P-384' });
    expectRule((await build('p-384', p384.private)).token_endpoint_auth_signing_alg, 'ES384', 'RFC 7518 §3.4', 'a P-384 key signs with ES384');
  });

  it('accepts the grant types asked for and registers them', async () => {
    const l = lab();
    const grants = ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];
    const answer = await register(l, await build('two grants', generateJwk({ kty: 'EC', crv: 'P-256' }).private, grants));
    expectCreated(answer, l, 'the lab registers a client asking for client_credentials and the jwt-bearer grant');
    expectRule(answer.body.grant_types, grants, 'RFC 7591 §2', 'grant_types lists exactly the grants asked for (without it the default authorization_code would need redirect_uris)');
  });
});
