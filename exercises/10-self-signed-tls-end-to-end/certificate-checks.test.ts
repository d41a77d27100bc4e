import { createHash } from 'node:crypto';
import { beforeAll, describe, it } from 'vitest';
import { createSelfSignedCertificate, generateKeyPair, type GeneratedKeyPair } from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { checkTokenBinding, matchRegisteredCertificate } from './certificate-checks.js';

/** The RFC 8705 Appendix A certificate (CN=mtls) and its x5t#S256, as the deck prints them. */
const APPENDIX_A = Buffer.from(
  'MIIBBjCBrAIBAjAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARtdGxzMB4XDTE4MTAxODEyMzcwOVoXDTIyMDUwMjEyMzcwOVowDzENMAsGA1UEAwwEbXRsczBZMBMGByqG' +
  'SM49AgEGCCqGSM49AwEHA0IABNcnyxwqV6hY8QnhxxzFQ03C7HKW9OylMbnQZjjJ/Au08/coZwxS7LfA4vOLS9WuneIXhbGGWvsDSb0tH6IxLm8wCgYIKoZIzj0EAwID' +
  'SQAwRgIhAP0RC1E+vwJD/D1AGHGzuri+hlV/PpQEKTWUVeORWz83AiEA5x2eXZOVbUlJSGQgjwD5vaUaKlLR50Q2DmFfQj1L+SY=',
  'base64',
);
const APPENDIX_A_X5T = 'A4DtL2JmUMhAsvJj5tKyn64SqzmuXbMrJa0n761y5v0';

interface Made {
  key: GeneratedKeyPair;
  der: Uint8Array;
}

let alice: Made;
let bob: Made;
let aliceAgain: Made;

async function make(subject: string, key?: GeneratedKeyPair): Promise<Made> {
  const pair = key ?? (await generateKeyPair({ alg: 'EC', curve: 'P-256' }));
  return { key: pair, der: (await createSelfSignedCertificate({ key: pair, subject })).der };
}

function jwkOf(made: Made, kid?: string, ...chain: Made[]): Record<string, unknown> {
  return { ...made.key.publicJwk, ...(kid === undefined ? {} : { kid }), x5c: [made, ...chain].map((m) => Buffer.from(m.der).toString('base64')) };
}

function sha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

beforeAll(async () => {
  alice = await make('CN=alice');
  bob = await make('CN=bob');
  aliceAgain = await make('CN=alice', alice.key); // the same key, a second certificate
});

describe('matchRegisteredCertificate', () => {
  it('accepts the certificate that is x5c[0] of a registered key, and names the key', async () => {
    const jwks = { keys: [jwkOf(bob, 'k-bob'), jwkOf(alice, 'k-alice')] };
    const got = await expectNoThrow(() => matchRegisteredCertificate(alice.der, jwks), 'RFC 8705 §2.2', "alice's certificate is registered");
    expectRule(got, { kid: 'k-alice', thumbprint: sha256(alice.der) }, 'RFC 8705 §2.2', 'the matching key and the thumbprint of the presented certificate');
  });

  it('accepts a key without kid (kid undefined) and skips keys without x5c', async () => {
    const plain = { ...bob.key.publicJwk, kid: 'no-certificate' };
    const got = await expectNoThrow(() => matchRegisteredCertificate(bob.der, { keys: [plain, jwkOf(bob)] }), 'RFC 8705 §2.2', "bob's certificate is registered");
    expectRule(got, { kid: undefined, thumbprint: sha256(bob.der) }, 'RFC 8705 §2.2', 'a key without x5c cannot match; the key that matched has no kid');
  });

  it('rejects a certificate that is not registered', async () => {
    await expectCode(() => matchRegisteredCertificate(bob.der, { keys: [jwkOf(alice, 'k-alice')] }), 'ERR_CERTIFICATE_NOT_REGISTERED', 'RFC 8705 §2.2',
      "bob's certificate is none of the client's");
  });

  it('rejects a new certificate for the registered key because the certificate itself is what is registered', async () => {
    await expectCode(() => matchRegisteredCertificate(aliceAgain.der, { keys: [jwkOf(alice, 'k-alice')] }), 'ERR_CERTIFICATE_NOT_REGISTERED', 'RFC 8705 §2.2',
      'compare certificates by thumbprint, not by public key');
  });

  it('rejects a certificate found only after x5c[0], because only the first one holds the key', async () => {
    await expectCode(() => matchRegisteredCertificate(bob.der, { keys: [jwkOf(alice, 'k-alice', bob)] }), 'ERR_CERTIFICATE_NOT_REGISTERED', 'RFC 7517 §4.7',
      'x5c[1] and later certify x5c[0]; they are not client certificates');
  });

  it('rejects x5c written in base64url or with line breaks', async () => {
    const b64 = Buffer.from(APPENDIX_A).toString('base64');
    for (const bad of [Buffer.from(APPENDIX_A).toString('base64url'), b64.replace(/(.{64})/g, '$1\n'), `${b64}=`]) {
      const jwks = { keys: [{ kty: 'EC', x5c: [bad] }] };
      await expectCode(() => matchRegisteredCertificate(APPENDIX_A, jwks), 'ERR_X5C_NOT_BASE64', 'RFC 7517 §4.7',
        `x5c[0] ${JSON.stringify(`${bad.slice(0, 24)}…${bad.slice(-6)}`)} is not standard Base64 on one line`);
    }
  });

  it('rejects a malformed JWK Set or x5c', async () => {
    for (const jwks of [undefined, [], { keys: 'none' }, { keys: [null] }, { keys: [{ kty: 'EC', x5c: [] }] }, { keys: [{ kty: 'EC', x5c: 'MIIB' }] }, { keys: [{ kty: 'EC', x5c: [42] }] }]) {
      await expectCode(() => matchRegisteredCertificate(alice.der, jwks), 'ERR_JWKS_INVALID', 'RFC 7517 §5, §4.7', `${JSON.stringify(jwks)} is not a usable JWK Set`);
    }
  });

  it('finds each of many generated certificates in one JWK Set', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, (_, i) => make(`CN=client ${i}`)));
    const jwks = { keys: made.map((m, i) => jwkOf(m, `k${i}`)) };
    for (const [i, m] of made.entries()) {
      const got = await expectNoThrow(() => matchRegisteredCertificate(m.der, jwks), 'RFC 8705 §2.2', `certificate ${i} is registered`);
      expectRule(got.kid, `k${i}`, 'RFC 8705 §2.2', `certificate ${i} matches its own key`);
    }
  });
});

describe('checkTokenBinding', () => {
  it('accepts a token without cnf as a plain bearer token', async () => {
    expectRule(await expectNoThrow(() => checkTokenBinding(undefined, undefined), 'RFC 6750 §1.2', 'a token without cnf'), { bound: false }, 'RFC 6750 §1.2',
      'no cnf: not bound, usable by its bearer');
    expectRule(await expectNoThrow(() => checkTokenBinding(undefined, alice.der), 'RFC 6750 §1.2', 'a token without cnf over mutual TLS'), { bound: false }, 'RFC 6750 §1.2',
      'a certificate presented with an unbound token changes nothing');
  });

  it('accepts a bound token presented with its certificate', async () => {
    const got = await expectNoThrow(() => checkTokenBinding({ 'x5t#S256': APPENDIX_A_X5T }, APPENDIX_A), 'RFC 8705 §3', 'the Appendix A token and certificate');
    expectRule(got, { bound: true }, 'RFC 8705 §3.1', 'the thumbprints match');
  });

  it('rejects a bound token without a certificate', async () => {
    await expectCode(() => checkTokenBinding({ 'x5t#S256': sha256(alice.der) }, undefined), 'ERR_BINDING_NO_CERTIFICATE', 'RFC 8705 §3',
      'a certificate-bound token must come with its certificate');
  });

  it('rejects a bound token with another certificate, even one for the same key', async () => {
    await expectCode(() => checkTokenBinding({ 'x5t#S256': sha256(alice.der) }, bob.der), 'ERR_BINDING_MISMATCH', 'RFC 8705 §3.1', "alice's token presented with bob's certificate");
    await expectCode(() => checkTokenBinding({ 'x5t#S256': sha256(alice.der) }, aliceAgain.der), 'ERR_BINDING_MISMATCH', 'RFC 8705 §3.1',
      'the binding is to the certificate, not to its key');
  });

  it('rejects a cnf bound by something else (jkt), rather than serving it as a bearer token', async () => {
    await expectCode(() => checkTokenBinding({ jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }, alice.der), 'ERR_CNF_UNSUPPORTED', 'RFC 7800 §3.1',
      'a confirmation method this check cannot verify must not be ignored');
  });

  it('rejects a malformed cnf', async () => {
    for (const cnf of ['x5t#S256', null, [APPENDIX_A_X5T], { 'x5t#S256': 42 }]) {
      await expectCode(() => checkTokenBinding(cnf, APPENDIX_A), 'ERR_CNF_INVALID', 'RFC 7800 §3.1', `cnf ${JSON.stringify(cnf)} is not an object with a string x5t#S256`);
    }
  });
});
