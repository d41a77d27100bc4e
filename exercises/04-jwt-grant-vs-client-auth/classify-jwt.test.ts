import { beforeAll, describe, it } from 'vitest';
import { generateJwk, signCompactJws, type JwkRecord } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { CLIENT_ASSERTION_TYPE, classifyJwts, JWT_BEARER_GRANT_TYPE, type TokenRequestView } from './classify-jwt.js';

/** The client assertion of the course's knowledge base: iss = sub = 38174623762 (a client_id). */
const KNOWLEDGE_BASE_ASSERTION =
  'eyJhbGciOiJFUzI1NiJ9.ewogICJqdGkiOiJteUpXVElkMDAxIiwKICAic3ViIjoiMzgxNzQ2MjM3NjIiLAogICJpc3MiOiIzODE3NDYyMzc2MiIsCiAgImF1ZCI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDAwMC9hcGkvYXV0aC90b2tlbi9kaXJlY3QvMjQ1MjMxMzgyMDUiLAogICJleHAiOjE1MzYxNjU1NDAsCiAgImlhdCI6MTUzNjEzMjcwOAp9Cg.YB4gdhWUGRjWEsEbKDs7-G2WFH2oYz7bAEP5AtegHXInkY9ncA2V3IoA6O_HVQuFxyCRIklrxsMk32MfNF_ABA';

const USERS = ['alice', 'bob'];
const TOKEN_ENDPOINT = 'https://as.lab.example/token';
let key: JwkRecord;

beforeAll(() => {
  key = generateJwk({ kty: 'EC', crv: 'P-256', alg: 'ES256' }).private;
});

/** A signed JWT with the given iss and sub, and the other claims RFC 7523 §3 asks for. */
async function jwt(iss: string, sub: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return signCompactJws({ payload: { iss, sub, aud: TOKEN_ENDPOINT, iat, exp: iat + 300, jti: `${iss}-${sub}-${Math.random()}` }, jwk: key });
}

const view = (form: Record<string, string>): TokenRequestView => ({ form, users: USERS });
const classify = (request: TokenRequestView) => expectNoThrow(() => classifyJwts(request), 'RFC 7523 §2', 'this request is well formed and must be classified without an error');

async function expectRefusal(request: TokenRequestView, error: string, code: string, section: string, rule: string): Promise<void> {
  await expectCode(() => classifyJwts(request), code, section, rule);
  try {
    classifyJwts(request);
  } catch (thrown) {
    expectRule((thrown as { error?: unknown }).error, error, 'RFC 6749 §5.2', `${rule}: the OAuth error code on the wire for ${code}`);
  }
}

describe('classifyJwts: which JWT of a token request is a grant and which authenticates the client (RFC 7523 §2)', () => {
  it("accepts the knowledge base's client assertion as client authentication", async () => {
    const got = await classify(view({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: KNOWLEDGE_BASE_ASSERTION }));
    expectRule(got, [{ parameter: 'client_assertion', role: 'client_authentication', section: 'RFC 7523 §2.2', iss: '38174623762', sub: '38174623762' }],
      'RFC 7523 §2.2', 'client_assertion with the jwt-bearer assertion type authenticates the client whose id is its sub');
  });

  it('accepts a jwt-bearer grant for a known user as the authorization grant', async () => {
    const got = await classify(view({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await jwt('client-a', 'alice'), client_id: 'client-a', client_secret: 's3cret' }));
    expectRule(got, [{ parameter: 'assertion', role: 'authorization_grant', section: 'RFC 7523 §2.1', iss: 'client-a', sub: 'alice' }],
      'RFC 7523 §2.1', 'assertion with grant_type jwt-bearer is the grant; its sub is the resource owner');
  });

  it('accepts a request with both, the client assertion first and then the grant', async () => {
    const form = {
      grant_type: JWT_BEARER_GRANT_TYPE, assertion: await jwt('client-b', 'bob'),
      client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await jwt('client-b', 'client-b'),
    };
    expectRule(await classify(view(form)), [
      { parameter: 'client_assertion', role: 'client_authentication', section: 'RFC 7523 §2.2', iss: 'client-b', sub: 'client-b' },
      { parameter: 'assertion', role: 'authorization_grant', section: 'RFC 7523 §2.1', iss: 'client-b', sub: 'bob' },
    ], 'RFC 7523 §2', 'the two uses are orthogonal: one JWT authenticates the client (sub = client), the other is the grant (sub = bob)');
  });

  it('accepts a request without any JWT and finds none', async () => {
    expectRule(await classify(view({ grant_type: 'client_credentials', client_id: 'client-c', client_secret: 's3cret' })), [], 'RFC 7523 §2',
      'a client_secret_post request carries no JWT');
  });

  it('rejects a client assertion sent as the grant because its sub is the client, not a user', async () => {
    await expectRefusal(view({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: KNOWLEDGE_BASE_ASSERTION }), 'invalid_grant', 'ERR_GRANT_SUBJECT_IS_CLIENT', 'RFC 7523 §3 (2)(A)',
      'a grant whose sub equals its iss (the client) is a client assertion in the wrong parameter: for a grant, sub names the resource owner');
    await expectRefusal(view({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await jwt('https://idp.lab.example', 'client-d'), client_id: 'client-d', client_secret: 's3cret' }),
      'invalid_grant', 'ERR_GRANT_SUBJECT_IS_CLIENT', 'RFC 7523 §3 (2)(A)', "a grant whose sub is the requesting client's own id asks for a token for the client, not for a user");
  });

  it('rejects a grant for someone the server does not know', async () => {
    await expectRefusal(view({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await jwt('client-a', 'mallory'), client_id: 'client-a', client_secret: 's3cret' }),
      'invalid_grant', 'ERR_GRANT_SUBJECT_UNKNOWN', 'RFC 7523 §3 (2)(A)', "the grant's sub must identify a resource owner of this server");
  });

  it('rejects a client assertion whose sub is a user because client authentication is about the client itself', async () => {
    await expectRefusal(view({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await jwt('client-a', 'alice') }),
      'invalid_client', 'ERR_CLIENT_ASSERTION_SUB', 'RFC 7523 §3 (2)(B)', 'for client authentication sub MUST be the client_id, the same as iss');
  });

  it('rejects a client assertion put in the assertion parameter of a client_credentials request', async () => {
    await expectRefusal(view({ grant_type: 'client_credentials', assertion: await jwt('client-a', 'client-a') }),
      'invalid_request', 'ERR_ASSERTION_MISUSED', 'RFC 7523 §2.1, §2.2', 'assertion belongs to the jwt-bearer grant; a client assertion goes in client_assertion with client_assertion_type');
  });

  it('rejects client_assertion without client_assertion_type', async () => {
    await expectRefusal(view({ grant_type: 'client_credentials', client_assertion: await jwt('client-a', 'client-a') }),
      'invalid_request', 'ERR_ASSERTION_TYPE', 'RFC 7521 §4.2', 'client_assertion_type is REQUIRED and says how to read client_assertion');
  });

  it('rejects a jwt-bearer grant without the assertion parameter', async () => {
    await expectRefusal(view({ grant_type: JWT_BEARER_GRANT_TYPE, client_id: 'client-a', client_secret: 's3cret' }),
      'invalid_request', 'ERR_GRANT_ASSERTION_MISSING', 'RFC 7523 §2.1', 'the grant IS the assertion: without it there is nothing to exchange');
  });

  it("rejects a client_id parameter that differs from the client assertion's sub", async () => {
    await expectRefusal(view({ grant_type: 'client_credentials', client_id: 'client-z', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await jwt('client-a', 'client-a') }),
      'invalid_request', 'ERR_CLIENT_ID_MISMATCH', 'RFC 7521 §4.2', 'when client_id is sent it must name the same client as the assertion');
  });

  it('rejects a grant that is not a JWT', async () => {
    await expectRefusal(view({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'not-a-jwt', client_id: 'client-a', client_secret: 's3cret' }),
      'invalid_grant', 'ERR_GRANT_ASSERTION_MALFORMED', 'RFC 7523 §3', 'the grant must be a compact JWS (three base64url parts)');
  });
});
