import { createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority, createSelfSignedCertificate, describeKeyText, generateKeyPair, issueCertificate, jwkThumbprint, keyPairFromPem,
  pemToJwk, readPrivateKey, readPublicKey, toPublicJwk,
} from '../../../lib/keys/index.js';
import { readFileSync } from 'node:fs';
import { codeOfAsync } from '../../support/coded.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/x509/${name}`, import.meta.url), 'utf8');

describe('generateKeyPair', () => {
  it('makes an EC P-256 pair by default, in PKCS#8/SPKI PEM and JWK; only the private JWK has d', async () => {
    const pair = await generateKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(typeof pair.privateJwk.d).toBe('string');
    expect(pair.publicJwk.d).toBeUndefined();
    expect(pair.publicJwk.x).toBe(pair.privateJwk.x);
    const signature = sign('sha256', Buffer.from('hi'), pair.privateKey);
    expect(verify('sha256', Buffer.from('hi'), pair.publicKey, signature)).toBe(true);
  });

  it.each([
    [{ alg: 'EC', curve: 'P-384' } as const, { kty: 'EC', crv: 'P-384' }],
    [{ alg: 'EC', curve: 'P-521' } as const, { kty: 'EC', crv: 'P-521' }],
    [{ alg: 'Ed25519' } as const, { kty: 'OKP', crv: 'Ed25519' }],
  ])('makes %o keys', async (spec, jwk) => {
    expect((await generateKeyPair(spec)).publicJwk).toMatchObject(jwk);
  });

  it('makes RSA 2048 keys with the CRT members in the private JWK only', async () => {
    const pair = await generateKeyPair({ alg: 'RSA' });
    expect(pair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(Object.keys(pair.privateJwk).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(Object.keys(pair.publicJwk).sort()).toEqual(['e', 'kty', 'n']);
  });

  it('rejects RSA keys under 2048 bits because RFC 7518 §3.3 requires at least 2048', async () => {
    expect(await codeOfAsync(() => generateKeyPair({ alg: 'RSA', bits: 1024 }))).toBe('ERR_KEY_SIZE');
  });

  it('rejects an unknown curve', async () => {
    expect(await codeOfAsync(() => generateKeyPair({ alg: 'EC', curve: 'P-192' as 'P-256' }))).toBe('ERR_KEY_CURVE');
  });
});

describe('reading keys (the deck\'s private_key.pem)', () => {
  const pem = fixture('deck-private-key.pem');
  const deckJwk = JSON.parse(fixture('deck-public-key.jwk.json')) as Record<string, string>;

  it('gives the JWK eckles printed, d only in the private one', () => {
    const jwk = pemToJwk(pem);
    expect(jwk).toEqual({ ...deckJwk, d: 'wSmbZ2gTKFbyy-q6jXhuGXFuz8mCqjUhRYvQ_EEgqqg' });
    expect(toPublicJwk(jwk)).toEqual(deckJwk);
    expect(pemToJwk(keyPairFromPem(pem).publicKeyPem)).toEqual(deckJwk);
  });

  it('prints what openssl pkey -text -noout printed on the slide', () => {
    const text = describeKeyText(readPrivateKey(pem));
    expect(text.split('\n').slice(0, 3)).toEqual(['Private-Key: (256 bit)', 'priv:', '    c1:29:9b:67:68:13:28:56:f2:cb:ea:ba:8d:78:6e:']);
    expect(text).toContain('ASN1 OID: prime256v1\nNIST CURVE: P-256\n');
    expect(describeKeyText(readPublicKey(pem))).toMatch(/^Public-Key: \(256 bit\)\npub:\n    04:b8:41:c9/);
  });

  it('rejects text without a key because there is no PEM block', async () => {
    expect(await codeOfAsync(() => readPrivateKey('hello'))).toBe('ERR_KEY_NOT_PRIVATE');
    expect(await codeOfAsync(() => readPublicKey('hello'))).toBe('ERR_KEY_MALFORMED');
  });

  it('rejects a PEM block whose body is not a key', async () => {
    expect(await codeOfAsync(() => readPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'))).toBe('ERR_KEY_MALFORMED');
  });

  it('rejects a public key where a private one is needed', async () => {
    expect(await codeOfAsync(() => readPrivateKey(keyPairFromPem(pem).publicKeyPem))).toBe('ERR_KEY_NOT_PRIVATE');
  });
});

describe('jwkThumbprint (RFC 7638)', () => {
  it('gives the RFC 7638 §3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('rejects a JWK without its required members', async () => {
    expect(await codeOfAsync(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'a' }))).toBe('ERR_JWK_MALFORMED');
    expect(await codeOfAsync(() => jwkThumbprint({ kty: 'XYZ' }))).toBe('ERR_JWK_KTY');
  });
});

describe('createSelfSignedCertificate (openssl req -x509)', () => {
  it('makes the deck\'s kind of certificate: 30 days, SKI, AKI, CA:TRUE critical, self-signed', async () => {
    const notBefore = new Date('2026-06-27T11:38:03Z');
    const { pem, view } = await createSelfSignedCertificate({ key: fixture('deck-private-key.pem'), subject: '/CN=client.example.com', notBefore });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(view.subjectString).toBe('CN=client.example.com');
    expect(view.notAfter.toISOString()).toBe('2026-07-27T11:38:03.000Z');
    // Same key as the deck's certificate, so the same SHA-1 key identifier.
    expect(view.subjectKeyIdentifier).toBe('968c280db678a88c5c6bd2a237a82c60a170005c');
    expect(view.authorityKeyIdentifier).toBe(view.subjectKeyIdentifier);
    expect(view.basicConstraints).toEqual({ cA: true, critical: true });
    expect(view.selfSigned).toBe(true);
    expect(view.serialNumber).toMatch(/^[0-9a-f]{40}$/);
  });

  it('puts SANs in with their RFC 5280 types', async () => {
    const { view } = await createSelfSignedCertificate({
      key: await generateKeyPair({ alg: 'Ed25519' }),
      subject: 'CN=x',
      san: [
        { type: 'dNSName', value: 'client.example.com' },
        { type: 'iPAddress', value: '2001:db8::1' },
        { type: 'uniformResourceIdentifier', value: 'https://client.example.com/' },
        { type: 'rfc822Name', value: 'ops@example.com' },
      ],
    });
    expect(view.subjectAltNames.map(({ type, tag, value }) => ({ type, tag, value }))).toEqual([
      { type: 'dNSName', tag: 2, value: 'client.example.com' },
      { type: 'iPAddress', tag: 7, value: '2001:db8::1' },
      { type: 'uniformResourceIdentifier', tag: 6, value: 'https://client.example.com/' },
      { type: 'rfc822Name', tag: 1, value: 'ops@example.com' },
    ]);
    expect(view.subjectAltNames[1]?.bytes).toHaveLength(16);
  });

  it('rejects a non-positive validity', async () => {
    expect(await codeOfAsync(() => createSelfSignedCertificate({ key: fixture('deck-private-key.pem'), subject: '/CN=x', days: 0 }))).toBe('ERR_CERTIFICATE_VALIDITY');
  });

  it('rejects a subject that is not /CN=… or RFC 4514', async () => {
    expect(await codeOfAsync(() => createSelfSignedCertificate({ key: fixture('deck-private-key.pem'), subject: 'CN client' }))).toBe('ERR_DN_SYNTAX');
  });
});

describe('a small CA', () => {
  it('issues client certificates with CA:FALSE, digitalSignature, clientAuth and an AKI pointing at the CA', async () => {
    const ca = await createCertificateAuthority({ subject: 'CN=Lab CA,O=client-auth-lab' });
    expect(ca.view.basicConstraints).toEqual({ cA: true, critical: true });
    expect(ca.view.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const client = await generateKeyPair({ alg: 'RSA' });
    const { view } = await issueCertificate({ ca, publicKey: client.publicKeyPem, subject: '/CN=client', extendedKeyUsage: ['clientAuth'], san: [{ type: 'dNSName', value: 'client.example' }] });
    expect(view.issuerString).toBe('CN=Lab CA,O=client-auth-lab');
    expect(view.basicConstraints).toEqual({ cA: false, critical: false });
    expect(view.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(view.extendedKeyUsage).toEqual([{ oid: '1.3.6.1.5.5.7.3.2', name: 'clientAuth' }]);
    expect(view.authorityKeyIdentifier).toBe(ca.view.subjectKeyIdentifier);
    expect(view.selfSigned).toBe(false);
    expect(view.publicKey.jwk).toEqual(createPublicKey(client.publicKeyPem).export({ format: 'jwk' }));
  });
});
