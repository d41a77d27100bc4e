import { describe, it } from 'vitest';
import { encodeClientSecretBasic } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { JWT_BEARER, presentedMechanism, type TokenRequest } from './presented-mechanism.js';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
/** A compact JWS shape with the given header; the signature bytes do not matter to this first phase. */
const jws = (header: Record<string, unknown>, payload: Record<string, unknown> = { iss: 'svc', sub: 'svc' }): string => `${b64url(header)}.${b64url(payload)}.c2ln`;
const request = (parts: Partial<TokenRequest>): TokenRequest => ({ form: { grant_type: 'client_credentials' }, certificatePresented: false, ...parts });
const withForm = (form: Record<string, string>, certificatePresented = false): TokenRequest => request({ form: { grant_type: 'client_credentials', ...form }, certificatePresented });

describe('presentedMechanism', () => {
  it('accepts a Basic header as client_secret_basic and form-urldecodes the client_id before the first colon', async () => {
    const got = await expectNoThrow(() => presentedMechanism(request({ authorization: encodeClientSecretBasic('app:1 é', 's:e:c') })), 'RFC 6749 §2.3.1', 'a Basic header is client_secret_basic');
    expectRule(got, { mechanism: 'client_secret_basic', clientId: 'app:1 é' }, 'RFC 6749 Appendix B', 'the client_id is form-urldecoded, split at the first colon of the decoded token');
  });

  it('accepts client_secret in the form as client_secret_post, with the form client_id', async () => {
    const got = await expectNoThrow(() => presentedMechanism(withForm({ client_id: 'web', client_secret: 'x' })), 'RFC 6749 §2.3.1', 'a secret in the body');
    expectRule(got, { mechanism: 'client_secret_post', clientId: 'web' }, 'RFC 6749 §2.3.1', 'client_secret in the body is client_secret_post');
  });

  it('accepts an HS256 assertion as client_secret_jwt and an ES256 or PS256 one as private_key_jwt, the client being iss', async () => {
    for (const [alg, mechanism] of [['HS256', 'client_secret_jwt'], ['HS512', 'client_secret_jwt'], ['ES256', 'private_key_jwt'], ['PS256', 'private_key_jwt']] as const) {
      const got = await expectNoThrow(() => presentedMechanism(withForm({ client_assertion_type: JWT_BEARER, client_assertion: jws({ alg }) })), 'RFC 7523 §2.2', `an ${alg} assertion`);
      expectRule(got, { mechanism, clientId: 'svc' }, 'OIDC Core §9', `alg ${alg} means ${mechanism}; iss names the client (RFC 7523 §3 (1))`);
    }
  });

  it('accepts a certificate with only a client_id as mutual_tls, and nothing at all as none', async () => {
    const mtls = await expectNoThrow(() => presentedMechanism(withForm({ client_id: 'bank' }, true)), 'RFC 8705 §2', 'a certificate and a client_id');
    expectRule(mtls, { mechanism: 'mutual_tls', clientId: 'bank' }, 'RFC 8705 §2', 'the certificate is the credential when the request carries no other');
    const bare = await expectNoThrow(() => presentedMechanism(withForm({ client_id: 'spa' })), 'RFC 6749 §2.1', 'a public client');
    expectRule(bare, { mechanism: 'none', clientId: 'spa' }, 'RFC 6749 §2.1', 'no credential at all: a public client');
  });

  it('accepts a certificate next to a Basic header as client_secret_basic: the certificate may be there to bind tokens', async () => {
    const got = await expectNoThrow(() => presentedMechanism(request({ authorization: encodeClientSecretBasic('app', 's'), certificatePresented: true })), 'RFC 8705 §3', 'Basic with a certificate');
    expectRule(got.mechanism, 'client_secret_basic', 'RFC 8705 §3', 'a certificate is a mechanism only when nothing else is presented');
  });

  it('ignores a Bearer Authorization header, because it is not client authentication', async () => {
    const got = await expectNoThrow(() => presentedMechanism(request({ authorization: 'Bearer abc', form: { grant_type: 'client_credentials', client_id: 'spa' } })), 'RFC 6750 §2.1', 'a Bearer header');
    expectRule(got, { mechanism: 'none', clientId: 'spa' }, 'RFC 6749 §2.3', 'only Basic carries client credentials in the Authorization header');
  });

  it('rejects a Basic header together with client_secret_post because a request uses one method', async () => {
    await expectCode(() => presentedMechanism(request({ authorization: encodeClientSecretBasic('app', 's'), form: { client_id: 'app', client_secret: 's' } })), 'ERR_MULTIPLE_MECHANISMS', 'RFC 6749 §2.3', 'Basic and a secret in the body');
  });

  it('rejects a client_secret together with a client_assertion because a request uses one method', async () => {
    await expectCode(() => presentedMechanism(withForm({ client_secret: 's', client_assertion_type: JWT_BEARER, client_assertion: jws({ alg: 'HS256' }) })), 'ERR_MULTIPLE_MECHANISMS', 'RFC 6749 §2.3', 'a secret and an assertion');
  });

  it('rejects an assertion without the jwt-bearer client_assertion_type because its kind is not named', async () => {
    await expectCode(() => presentedMechanism(withForm({ client_assertion: jws({ alg: 'ES256' }) })), 'ERR_ASSERTION_TYPE', 'RFC 7523 §2.2', 'client_assertion_type is missing');
    await expectCode(() => presentedMechanism(withForm({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: jws({ alg: 'ES256' }) })), 'ERR_ASSERTION_TYPE', 'RFC 7523 §2.2', 'a SAML assertion type');
  });

  it('rejects an assertion that is not a compact JWS because no header can be read', async () => {
    await expectCode(() => presentedMechanism(withForm({ client_assertion_type: JWT_BEARER, client_assertion: 'not-a-jwt' })), 'ERR_ASSERTION_MALFORMED', 'RFC 7515 §7.1', 'one part only');
    await expectCode(() => presentedMechanism(withForm({ client_assertion_type: JWT_BEARER, client_assertion: 'e30.bm90IGpzb24.c2ln' })), 'ERR_ASSERTION_MALFORMED', 'RFC 7515 §7.1', 'a payload that is not JSON');
  });

  it('rejects alg none because an unsigned assertion authenticates nobody', async () => {
    await expectCode(() => presentedMechanism(withForm({ client_assertion_type: JWT_BEARER, client_assertion: `${b64url({ alg: 'none' })}.${b64url({ iss: 'svc' })}.` })), 'ERR_ASSERTION_ALG_NONE', 'RFC 7518 §3.6', 'alg none');
  });
});
