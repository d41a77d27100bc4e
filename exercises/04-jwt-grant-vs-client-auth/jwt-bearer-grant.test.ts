import { describe, it } from 'vitest';
import { generateJwk, type JwkRecord } from '@client-auth-lab/lib';
import { DEFAULT_RESOURCE_SERVER, type Lab } from '@client-auth-lab/lab-server';
import { expectNoThrow, expectRule, expectTokenResponse, expectTrue } from '../support/expectations.js';
import { traceOf, useLab } from '../support/lab.js';
import { JWT_BEARER_GRANT_TYPE, requestTokenWithJwtGrant, type TokenAnswer } from './jwt-bearer-grant.js';

const lab = useLab();

interface GrantClient {
  clientId: string;
  clientSecret: string;
  signingKey: JwkRecord;
}

/** A client_secret_basic client that may use the jwt-bearer grant and vouches for users with its own key. */
async function registerGrantClient(l: Lab): Promise<GrantClient> {
  const key = generateJwk({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  const client = await l.register({ token_endpoint_auth_method: 'client_secret_basic', jwks: key.jwks, grant_types: [JWT_BEARER_GRANT_TYPE] });
  return { clientId: client.client_id, clientSecret: String(client.client_secret), signingKey: key.private };
}

async function introspect(l: Lab, token: unknown): Promise<Record<string, unknown>> {
  const basic = `Basic ${Buffer.from(`${DEFAULT_RESOURCE_SERVER.id}:${DEFAULT_RESOURCE_SERVER.secret}`).toString('base64')}`;
  return (await l.request(l.urls.introspection, { form: { token: String(token) }, headers: { authorization: basic } })).body as Record<string, unknown>;
}

async function grantFor(l: Lab, client: GrantClient, user: string): Promise<TokenAnswer> {
  return expectNoThrow(() => requestTokenWithJwtGrant({ tokenEndpoint: l.urls.token, issuer: l.issuer, user, ...client }), 'RFC 7523 §2.1', 'the token request must get an answer from the lab');
}

describe('requestTokenWithJwtGrant: the RFC 7523 §2.1 JWT grant, end to end', () => {
  it('accepts a grant for alice and issues a token whose subject is alice', async () => {
    const l = lab();
    const client = await registerGrantClient(l);
    const answer = await grantFor(l, client, 'alice');
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 7523 §2.1', 'a signed grant naming a lab user, from a client that authenticated, gets a token');
    expectRule(l.lastTrace({ clientId: client.clientId })?.method, 'client_secret_basic', 'RFC 6749 §2.3.1',
      'the grant does not authenticate the client: it still authenticates by its registered method, Basic');
    expectRule((await introspect(l, answer.body.access_token)).sub, 'alice', 'RFC 7523 §3 (2)(A)', 'the token is issued for the resource owner named in sub');
  });

  it('accepts a grant for bob: sub is the user asked for, not a fixed value', async () => {
    const l = lab();
    const client = await registerGrantClient(l);
    const answer = await grantFor(l, client, 'bob');
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 7523 §2.1', 'a grant for another lab user gets a token too');
    expectRule((await introspect(l, answer.body.access_token)).sub, 'bob', 'RFC 7523 §3 (2)(A)', 'sub is the user the token is requested for');
  });

  it('accepts a grant whose claims say who vouches (iss), for whom (sub), to whom (aud), until when (exp), and which (jti)', async () => {
    const l = lab();
    const client = await registerGrantClient(l);
    const answer = await grantFor(l, client, 'alice');
    const trace = l.lastTrace({ clientId: client.clientId });
    expectTokenResponse(answer, traceOf(l, client.clientId), 'RFC 7523 §2.1', 'the grant is accepted');
    const payload = trace?.request.jwts?.assertion?.payload ?? {};
    expectRule(payload.iss, client.clientId, 'RFC 7523 §3 (1)', 'iss is who vouches for the user: here the client itself, with its registered key');
    expectRule(payload.sub, 'alice', 'RFC 7523 §3 (2)(A)', 'sub is the resource owner; for a client assertion it would be the client_id, for the grant it is not');
    expectRule(payload.aud, l.issuer, 'RFC 7523 §3 (3); RFC 10070 §4', 'aud is the issuer identifier: the value every server accepts and the only one the draft allows');
    const now = Math.floor(Date.now() / 1000);
    expectTrue(typeof payload.exp === 'number' && payload.exp > now, 'RFC 7523 §3 (4)', 'exp is a NumericDate in the future', payload.exp);
    expectTrue(typeof payload.jti === 'string' && payload.jti.length > 0, 'RFC 7523 §3 (7)', 'jti identifies this assertion so it cannot be replayed', payload.jti);
    const form = trace?.request.form ?? {};
    expectTrue(!('client_secret' in form) && !('client_assertion' in form), 'RFC 6749 §2.3.1', 'client_secret_basic sends the credentials in the Authorization header only', Object.keys(form));
  });

  it('accepts two grants in a row because each assertion carries a fresh jti', async () => {
    const l = lab();
    const client = await registerGrantClient(l);
    expectTokenResponse(await grantFor(l, client, 'alice'), traceOf(l, client.clientId), 'RFC 7523 §3 (7)', 'the first grant is accepted');
    expectTokenResponse(await grantFor(l, client, 'alice'), traceOf(l, client.clientId), 'RFC 7523 §3 (7)',
      'the server remembers each jti; a second request needs a new assertion with a new jti, never a replayed one');
  });
});
