import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority, createSelfSignedCertificate, generateKeyPair, issueCertificate, type GeneratedKeyPair,
} from '../../../lib/keys/index.js';
import { jwkMatchesCertificate, jwkWithX5c, readCertificate, verifyJwkX5c } from '../../../lib/x509/index.js';
import { codeOf } from '../../support/coded.js';

let key: GeneratedKeyPair;
let self: { pem: string; der: Uint8Array };
let chain: string[];

beforeAll(async () => {
  key = await generateKeyPair({ alg: 'RSA' });
  self = await createSelfSignedCertificate({ key, subject: '/CN=client' });
  const ca = await createCertificateAuthority();
  chain = [(await issueCertificate({ ca, publicKey: key, subject: '/CN=client' })).pem, ca.certificatePem];
});

describe('JWK x5c (RFC 7517 §4.7)', () => {
  it('accepts a chain leaf first, each certificate signed by the next', () => {
    const jwk = jwkWithX5c(key.publicJwk, chain);
    expect((jwk.x5c as string[]).length).toBe(2);
    expect(verifyJwkX5c(jwk).map((c) => c.subjectString)).toEqual(['CN=client', 'CN=client-auth-lab CA']);
  });

  it('rejects a leaf that holds another key', async () => {
    const other = await generateKeyPair({ alg: 'RSA' });
    expect(codeOf(() => jwkWithX5c(other.publicJwk, [self.pem]))).toBe('ERR_X5C_KEY_MISMATCH');
    expect(codeOf(() => verifyJwkX5c({ ...other.publicJwk, x5c: [Buffer.from(self.der).toString('base64')] }))).toBe('ERR_X5C_KEY_MISMATCH');
    const [leaf] = verifyJwkX5c(jwkWithX5c(key.publicJwk, [self.pem]));
    expect(leaf && jwkMatchesCertificate(other.publicJwk, leaf)).toBe(false);
  });

  it('rejects Base64URL in x5c because x5c is standard Base64', () => {
    // The deck certificate's Base64 has a '+' ("…dRbH+ElI8…"), which Base64URL turns into '-'.
    const deck = readCertificate(readFileSync(new URL('../../fixtures/x509/deck-client-example.pem', import.meta.url), 'utf8'));
    const b64url = Buffer.from(deck.der).toString('base64url');
    expect(b64url).toContain('-');
    expect(codeOf(() => verifyJwkX5c({ ...deck.publicKey.jwk, x5c: [b64url] }))).toBe('ERR_X5C_NOT_BASE64');
    expect(verifyJwkX5c({ ...deck.publicKey.jwk, x5c: [Buffer.from(deck.der).toString('base64')] })).toHaveLength(1);
  });

  it('rejects chains in the wrong order because each certificate must certify the previous one', () => {
    const jwk = jwkWithX5c(key.publicJwk, chain);
    const swapped = { ...jwk, x5c: [(jwk.x5c as string[])[0], Buffer.from(self.der).toString('base64')] };
    expect(codeOf(() => verifyJwkX5c(swapped))).toBe('ERR_X5C_CHAIN');
  });

  it('rejects an empty or non-array x5c and entries that are not certificates', () => {
    expect(codeOf(() => verifyJwkX5c({ ...key.publicJwk, x5c: [] }))).toBe('ERR_X5C_MALFORMED');
    expect(codeOf(() => verifyJwkX5c({ ...key.publicJwk, x5c: 'MII' }))).toBe('ERR_X5C_MALFORMED');
    expect(codeOf(() => verifyJwkX5c({ ...key.publicJwk, x5c: ['MAMCAQE='] }))).toBe('ERR_X5C_CERTIFICATE');
    expect(codeOf(() => jwkWithX5c(key.publicJwk, []))).toBe('ERR_X5C_EMPTY');
  });
});
