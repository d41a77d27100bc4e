import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAsn1, labelAsn1Tree, formatAsn1Text } from '../../../lib/asn1/index.js';
import { decodeInput } from '../../../lib/encoding/index.js';
import { CodedError } from '../../../lib/errors.js';
import { readCertificate } from '../../../lib/x509/index.js';

const seedCertificate = decodeInput(readFileSync(new URL('../../fixtures/x509/deck-client-example.pem', import.meta.url), 'utf8')).der;

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state;
  };
}

function mutate(source: Uint8Array, next: () => number): Uint8Array {
  const bytes = new Uint8Array(source);
  const edits = 1 + (next() % 4);
  for (let i = 0; i < edits; i++) {
    const at = next() % bytes.length;
    switch (next() % 4) {
      case 0:
        bytes[at] = next() & 0xff;
        break;
      case 1:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << (next() % 8));
        break;
      case 2:
        return bytes.subarray(0, at);
      default:
        bytes[at] = [0x80, 0x84, 0xff, 0x00, 0x1f][next() % 5] ?? 0;
    }
  }
  return bytes;
}

function onlyCodedErrors(run: () => unknown): 'ok' | 'coded' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof CodedError)) throw error;
    return 'coded';
  }
}

describe('the DER reader and certificate parser on random and mutated input', () => {
  it('throw nothing but CodedErrors for 300 mutated certificates, and never hang', () => {
    const next = prng(0x5eed);
    const outcomes = { ok: 0, coded: 0 };
    for (let i = 0; i < 300; i++) {
      const input = mutate(seedCertificate, next);
      outcomes[onlyCodedErrors(() => readCertificate(input))]++;
      onlyCodedErrors(() => {
        const root = decodeAsn1(input, { mode: i % 2 ? 'ber' : 'der' });
        labelAsn1Tree(root);
        formatAsn1Text(root);
      });
    }
    expect(outcomes.coded).toBeGreaterThan(100);
  });

  it('throw nothing but CodedErrors for 300 random buffers', () => {
    for (let i = 0; i < 300; i++) {
      const input = randomBytes(1 + (i % 64));
      if (i % 3 === 0) input[0] = 0x30;
      onlyCodedErrors(() => decodeAsn1(input, { mode: i % 2 ? 'ber' : 'der' }));
      onlyCodedErrors(() => readCertificate(input));
    }
  });
});
