import { describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { verifyAsymmetricSignature, verifyAsymmetricSignatureAsync } from '../../../lib/assertions/signature.js';
import { decodeCompactJwt } from '../../../lib/index.js';
import { keyFor, sign, type KeyAlg } from '../../support/server.js';

// The thread-pool variant must give exactly the synchronous answer, for every family of algorithm.
const ALGS: KeyAlg[] = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'];

async function signed(alg: KeyAlg): Promise<{ signingInput: string; signature: Uint8Array }> {
  const jwt = await sign({ iss: 'c', sub: 'c', jti: alg }, alg, keyFor(alg).privateKey);
  const { signingInput, signature } = decodeCompactJwt(jwt);
  return { signingInput, signature };
}

describe('verifyAsymmetricSignatureAsync', () => {
  it.each(ALGS)('accepts a %s signature made with the key, as the synchronous check does', async (alg) => {
    const { signingInput, signature } = await signed(alg);
    const key = createPublicKey(keyFor(alg).privateKey);
    expect(await verifyAsymmetricSignatureAsync(alg, key, signingInput, signature)).toBe(true);
    expect(verifyAsymmetricSignature(alg, key, signingInput, signature)).toBe(true);
  });

  it.each(ALGS)('rejects a %s signature with one bit flipped', async (alg) => {
    const { signingInput, signature } = await signed(alg);
    const key = createPublicKey(keyFor(alg).privateKey);
    const flipped = Uint8Array.from(signature);
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] as number) ^ 0x04;
    expect(await verifyAsymmetricSignatureAsync(alg, key, signingInput, flipped)).toBe(false);
    expect(await verifyAsymmetricSignatureAsync(alg, key, `${signingInput}x`, signature)).toBe(false);
  });

  it('rejects an ES256 signature of the wrong length (RFC 7518 §3.4: R || S, 64 octets) without calling OpenSSL', async () => {
    const { signingInput, signature } = await signed('ES256');
    expect(await verifyAsymmetricSignatureAsync('ES256', createPublicKey(keyFor('ES256').privateKey), signingInput, signature.subarray(1))).toBe(false);
  });

  it('rejects a signature checked with a key of another family (RSA key, ES256) instead of throwing', async () => {
    const { signingInput, signature } = await signed('ES256');
    expect(await verifyAsymmetricSignatureAsync('ES256', createPublicKey(keyFor('RS256').privateKey), signingInput, signature)).toBe(false);
    expect(await verifyAsymmetricSignatureAsync('EdDSA', createPublicKey(keyFor('ES256').privateKey), signingInput, signature)).toBe(false);
  });
});
