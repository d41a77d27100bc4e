import { describe, it } from 'vitest';
import { buildAuthorizationServerMetadata, FAPI_PROFILES, isAsymmetricAlgorithm } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { negotiateAuthMethod, type ClientCapabilities, type Negotiation } from './negotiate-method.js';

const ISSUER = 'https://as.lab.example';
const base = { issuer: ISSUER, token_endpoint: `${ISSUER}/token` };

const negotiate = (metadata: Record<string, unknown>, client: ClientCapabilities): Promise<Negotiation> =>
  expectNoThrow(() => negotiateAuthMethod(metadata, client), 'RFC 8414 §2', 'well-formed metadata must be negotiated without an error');

describe('negotiateAuthMethod: a client authentication method both sides support', () => {
  it("accepts the client's first preference the server lists, and says why earlier ones were passed over", async () => {
    const metadata = { ...base, token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'], token_endpoint_auth_signing_alg_values_supported: ['ES256', 'PS256'] };
    const got = await negotiate(metadata, { methods: ['client_secret_basic', 'tls_client_auth', 'private_key_jwt'], signingAlgs: ['ES256'] });
    expectRule(got, { method: 'tls_client_auth', skipped: [{ method: 'client_secret_basic', reason: 'not-supported' }] }, 'RFC 8414 §2',
      'the client walks its preferences in order; tls_client_auth needs no signing algorithm');
  });

  it('accepts client_secret_basic, and only it, when the metadata lists no methods', async () => {
    const got = await negotiate(base, { methods: ['private_key_jwt', 'client_secret_post', 'client_secret_basic'], signingAlgs: ['ES256'] });
    expectRule(got, {
      method: 'client_secret_basic',
      skipped: [{ method: 'private_key_jwt', reason: 'not-supported' }, { method: 'client_secret_post', reason: 'not-supported' }],
    }, 'RFC 8414 §2; OpenID Connect Discovery §3', 'an absent token_endpoint_auth_methods_supported means ["client_secret_basic"], not every method');
  });

  it('finds no method when the metadata lists none and the client cannot use Basic', async () => {
    const got = await negotiate(base, { methods: ['private_key_jwt'], signingAlgs: ['ES256'] });
    expectRule(got, { method: undefined, skipped: [{ method: 'private_key_jwt', reason: 'not-supported' }] }, 'RFC 8414 §2',
      'with the default of client_secret_basic there is nothing in common: method undefined, and the reason recorded');
  });

  it("accepts private_key_jwt with the client's most preferred algorithm among the server's", async () => {
    const metadata = { ...base, token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'PS256'] };
    const got = await negotiate(metadata, { methods: ['private_key_jwt'], signingAlgs: ['EdDSA', 'PS256', 'ES256'] });
    expectRule(got, { method: 'private_key_jwt', signingAlg: 'PS256', skipped: [] }, 'RFC 8414 §2; OIDC Dynamic Client Registration §2',
      'the algorithm is the first of the client\'s that the server lists (EdDSA is not listed)');
  });

  it('skips a JWT method when the server advertises no signing algorithms, because none is implied', async () => {
    const metadata = { ...base, token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'] };
    const got = await negotiate(metadata, { methods: ['private_key_jwt', 'client_secret_basic'], signingAlgs: ['ES256', 'RS256'] });
    expectRule(got, { method: 'client_secret_basic', skipped: [{ method: 'private_key_jwt', reason: 'no-signing-algs-advertised' }] }, 'RFC 8414 §2',
      'token_endpoint_auth_signing_alg_values_supported has no default: without it private_key_jwt cannot be agreed');
  });

  it('never agrees on none, nor on an HMAC algorithm for private_key_jwt', async () => {
    const metadata = { ...base, token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_jwt'], token_endpoint_auth_signing_alg_values_supported: ['none', 'HS256', 'RS256'] };
    const got = await negotiate(metadata, { methods: ['private_key_jwt', 'client_secret_jwt'], signingAlgs: ['none', 'HS256'] });
    expectRule(got, { method: 'client_secret_jwt', signingAlg: 'HS256', skipped: [{ method: 'private_key_jwt', reason: 'no-common-signing-alg' }] },
      'RFC 8414 §2; OpenID Connect Core §9', 'none MUST NOT be used; private_key_jwt signs with a private key (RS/PS/ES/EdDSA), client_secret_jwt with an HMAC');
  });

  it('rejects metadata whose members are not arrays of strings', async () => {
    await expectCode(() => negotiateAuthMethod({ ...base, token_endpoint_auth_methods_supported: 'private_key_jwt' }, { methods: ['private_key_jwt'] }),
      'ERR_METADATA_MALFORMED', 'RFC 8414 §2', 'token_endpoint_auth_methods_supported is a JSON array of strings, never a single string');
    await expectCode(() => negotiateAuthMethod({ ...base, token_endpoint_auth_methods_supported: ['private_key_jwt'], token_endpoint_auth_signing_alg_values_supported: [256] }, { methods: ['private_key_jwt'], signingAlgs: ['ES256'] }),
      'ERR_METADATA_MALFORMED', 'RFC 8414 §2', 'token_endpoint_auth_signing_alg_values_supported is a JSON array of strings');
  });

  it("accepts the metadata of each FAPI profile's server and agrees where the profile allows (generated vectors)", async () => {
    const client: ClientCapabilities = { methods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'], signingAlgs: ['RS256', 'PS256', 'ES256'] };
    for (const profile of Object.values(FAPI_PROFILES)) {
      const metadata = buildAuthorizationServerMetadata({ issuer: ISSUER, endpoints: { token_endpoint: `${ISSUER}/token` }, profile });
      const methods = metadata.token_endpoint_auth_methods_supported as string[];
      const algs = metadata.token_endpoint_auth_signing_alg_values_supported as string[];
      const alg = client.signingAlgs?.find((a) => algs.includes(a) && isAsymmetricAlgorithm(a));
      const expected: Negotiation = methods.includes('private_key_jwt') && alg !== undefined
        ? { method: 'private_key_jwt', signingAlg: alg, skipped: [{ method: 'client_secret_basic', reason: 'not-supported' }, { method: 'client_secret_post', reason: 'not-supported' }] }
        : { method: undefined, skipped: client.methods.map((method) => ({ method, reason: 'not-supported' as const })) };
      expectRule(await negotiate(metadata, client), expected, profile.methodsSpec,
        `${profile.title} lists ${methods.join(', ')} with ${algs.join(', ')}: the secret methods are not offered, private_key_jwt with the first common algorithm is`);
    }
  });
});
