import { describe, it } from 'vitest';
import { generateJwk, type JwkRecord } from '@client-auth-lab/lib';
import { DEFAULT_RESOURCE_SERVER, type Lab } from '@client-auth-lab/lab-server';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { requestClientCredentialsWithPrivateKeyJwt, type TokenAnswer } from './private-key-jwt-client-credentials.js';

const lab = useLab();

interface KeyClient {
  clientId: string;
  signingKey: JwkRecord;
}

async function registerKeyClient(l: Lab, extra: Record<string, unknown> = {}): Promise<KeyClient> {
  const key = generateJwk({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  const client = await l.register({ token_endpoint_auth_method: 'private_key_jwt', jwks: key.jwks, grant_types: ['client_credentials'], ...extra });
  return { clientId: client.client_id, signingKey: key.private };
}

async function introspect(l: Lab, token: unknown): Promise<Record<string, unknown>> {
  const basic = `Basic ${Buffer.from(`${DEFAULT_RESOURCE_SERVER.id}:${DEFAULT_RESOURCE_SERVER.secret}`).toString('base64')}`;
  return (await l.request(l.urls.introspection, { form: { token: String(token) }, headers: { authorization: basic } })).body as Record<string, unknown>;
}

const send = (l: Lab, client: KeyClient, scope?: string): Promise<TokenAnswer> =>
  expectNoThrow(() => requestClientCredentialsWithPrivateKeyJwt({ tokenEndpoint: l.urls.token, issuer: l.issuer, ...client, ...(scope === undefined ? {} : { scope }) }),
    'RFC 7523 §2.2', 'the token request must get an answer from the lab');

describe('requestClientCredentialsWithPrivateKeyJwt: client_credentials with a client assertion, end to end', () => {
  it('accepts a private_key_jwt client and issues a token to the client itself', async () => {
    const l = lab();
    const client = await registerKeyClient(l);
    const answer = await send(l, client);
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 7523 §2.2; OpenID Connect Core §9', 'a client assertion signed with the registered key authenticates the client');
    expectRule(l.lastTrace({ clientId: client.clientId })?.method, 'private_key_jwt', 'OpenID Connect Core §9', 'the lab recognised a private_key_jwt client assertion');
    const introspection = await introspect(l, answer.body.access_token);
    expectRule({ client_id: introspection.client_id, sub: introspection.sub }, { client_id: client.clientId, sub: undefined }, 'RFC 6749 §4.4',
      'client_credentials acts for the client itself: the token has no resource owner');
  });

  it('accepts an assertion with iss = sub = client_id, sent as client_assertion and never as assertion', async () => {
    const l = lab();
    const client = await registerKeyClient(l);
    const answer = await send(l, client);
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 7523 §2.2', 'the request is accepted');
    const trace = l.lastTrace({ clientId: client.clientId });
    const payload = trace?.request.jwts?.client_assertion?.payload ?? {};
    expectRule({ iss: payload.iss, sub: payload.sub }, { iss: client.clientId, sub: client.clientId }, 'RFC 7523 §3 (1), (2)(B)',
      'for client authentication the JWT is issued by the client about itself: iss and sub are both the client_id');
    expectRule(payload.aud, l.issuer, 'RFC 7523 §3 (3); RFC 10070 §4', 'aud is the issuer identifier: the value every server accepts and the only one the draft allows');
    expectTrue(typeof payload.exp === 'number' && typeof payload.jti === 'string', 'RFC 7523 §3 (4), (7)', 'exp limits the assertion\'s life and jti makes it single-use', { exp: payload.exp, jti: payload.jti });
    const form = trace?.request.form ?? {};
    expectRule({ grant_type: form.grant_type, client_assertion_type: form.client_assertion_type, assertion: form.assertion, client_secret: form.client_secret },
      { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', assertion: undefined, client_secret: undefined },
      'RFC 7523 §2.2; RFC 7521 §4.2', 'the form carries grant_type=client_credentials, the client assertion type and client_assertion; no assertion (that is the §2.1 grant) and no secret');
  });

  it('accepts a scope and asks for it', async () => {
    const l = lab();
    const client = await registerKeyClient(l, { scope: 'read write' });
    const answer = await send(l, client, 'read');
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 6749 §4.4.2', 'a scope within the registered ones is granted');
    expectRule(answer.body.scope, 'read', 'RFC 6749 §3.3', 'the scope parameter is sent, and the token is issued for it');
  });

  it('accepts two requests in a row because each assertion carries a fresh jti', async () => {
    const l = lab();
    const client = await registerKeyClient(l);
    expectTokenResponse(await send(l, client), traceOf(l, client.clientId), 'RFC 7523 §3 (7)', 'the first request is accepted');
    expectTokenResponse(await send(l, client), traceOf(l, client.clientId), 'RFC 7523 §3 (7)',
      'a client assertion may be used once: each request needs a new one with a new jti');
  });
});
