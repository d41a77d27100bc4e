import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeKeyText, generateKeyPair, keyPairFromPem, readPrivateKey, readPublicKey, type KeySpec } from '../../../lib/keys/index.js';
import { hasOpenssl, openssl, removeTemporaryFiles, tempFile, tempPath } from '../x509/openssl-tool.js';

afterAll(removeTemporaryFiles);

describe.skipIf(!hasOpenssl)('keys against openssl pkey', () => {
  it.each<[string, KeySpec]>([
    ['EC P-256', { alg: 'EC', curve: 'P-256' }],
    ['EC P-521', { alg: 'EC', curve: 'P-521' }],
    ['Ed25519', { alg: 'Ed25519' }],
    ['RSA 2048', { alg: 'RSA', bits: 2048 }],
  ])('openssl accepts a lab-made %s key and prints the same text and public key', async (_name, spec) => {
    const pair = await generateKeyPair(spec);
    const privateFile = tempFile(pair.privateKeyPem);
    expect(describeKeyText(pair.privateKey)).toBe(openssl(['pkey', '-in', privateFile, '-noout', '-text']));
    expect(openssl(['pkey', '-in', privateFile, '-pubout'])).toBe(pair.publicKeyPem);
    expect(describeKeyText(pair.publicKey)).toBe(openssl(['pkey', '-pubin', '-in', tempFile(pair.publicKeyPem), '-noout', '-text']));
  });

  it.each([
    ['EC P-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']],
    ['Ed25519', ['-algorithm', 'Ed25519']],
    ['RSA 2048', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
  ])('the lab reads an openssl-made %s key and derives the same public key', (_name, args) => {
    const file = tempPath();
    openssl(['genpkey', ...args, '-out', file]);
    const pem = readFileSync(file, 'utf8');
    const pair = keyPairFromPem(pem);
    expect(describeKeyText(pair.privateKey)).toBe(openssl(['pkey', '-in', file, '-noout', '-text']));
    expect(pair.publicKeyPem).toBe(openssl(['pkey', '-in', file, '-pubout']));
  });

  it('the lab reads the traditional SEC1 "EC PRIVATE KEY" form openssl can write', () => {
    const file = tempPath();
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
    const sec1 = openssl(['pkey', '-in', file, '-traditional']);
    expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(describeKeyText(readPrivateKey(sec1))).toBe(openssl(['pkey', '-in', file, '-noout', '-text']));
    expect(describeKeyText(readPublicKey(sec1))).toMatch(/^Public-Key: \(256 bit\)/);
  });
});
