import { describe, expect, it } from 'vitest';
import {
  decodeInput, decodePem, decodePemAll, detectTextFormat, encodePem, fromBase64, fromBase64Url, fromHex, toBase64, toBase64Url, toHex,
} from '../../../lib/encoding/index.js';
import { codeOf } from '../../support/coded.js';

const bytes = Uint8Array.from([0xfb, 0xff, 0x00, 0x30, 0x19]);

describe('Base64, Base64URL and hex', () => {
  it('round-trips bytes through every text form', () => {
    expect(toBase64(bytes)).toBe('+/8AMBk=');
    expect(toBase64Url(bytes)).toBe('-_8AMBk');
    expect(toHex(bytes, ':')).toBe('fb:ff:00:30:19');
    expect(fromBase64('+/8A\nMBk=')).toEqual(bytes);
    expect(fromBase64Url('-_8AMBk')).toEqual(bytes);
    expect(fromHex('FB FF 00 30 19')).toEqual(bytes);
    expect(fromHex('fb:ff:00:30:19')).toEqual(bytes);
  });

  it('rejects Base64URL characters in Base64 because RFC 4648 §4 has only + and /', () => {
    expect(codeOf(() => fromBase64('-_8AMBk='))).toBe('ERR_BASE64_MALFORMED');
  });

  it('rejects padding in Base64URL because RFC 7515 §2 drops it', () => {
    expect(codeOf(() => fromBase64Url('-_8AMBk='))).toBe('ERR_BASE64URL_MALFORMED');
  });

  it('rejects Base64 whose length cannot hold whole octets', () => {
    expect(codeOf(() => fromBase64('AAAAA'))).toBe('ERR_BASE64_MALFORMED');
    expect(codeOf(() => fromBase64('AA=A'))).toBe('ERR_BASE64_MALFORMED');
  });

  it('rejects odd-length or non-hex digits', () => {
    expect(codeOf(() => fromHex('301'))).toBe('ERR_HEX_MALFORMED');
    expect(codeOf(() => fromHex('zz'))).toBe('ERR_HEX_MALFORMED');
  });
});

describe('PEM (RFC 7468)', () => {
  it('writes 64-character lines and reads any label back', () => {
    const der = new Uint8Array(100).fill(7);
    const pem = encodePem('SOME THING', der);
    expect(pem.split('\n')[1]).toHaveLength(64);
    expect(decodePem(pem)).toEqual({ label: 'SOME THING', der });
  });

  it('reads every block of a bundle and ignores text around them', () => {
    const text = `leaf:\n${encodePem('CERTIFICATE', bytes)}chain:\n${encodePem('CERTIFICATE', fromHex('3000'))}`;
    expect(decodePemAll(text).map((b) => toHex(b.der))).toEqual(['fbff003019', '3000']);
  });

  it('rejects a block without END because it is truncated', () => {
    expect(codeOf(() => decodePem('-----BEGIN X-----\nAAAA\n'))).toBe('ERR_PEM_TRUNCATED');
  });

  it('rejects an END label that differs from BEGIN', () => {
    expect(codeOf(() => decodePem('-----BEGIN X-----\nAAAA\n-----END Y-----\n'))).toBe('ERR_PEM_LABEL_MISMATCH');
  });

  it('rejects RFC 1421 headers (encrypted legacy keys)', () => {
    expect(codeOf(() => decodePem('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n'))).toBe('ERR_PEM_HEADERS');
  });

  it('rejects a body that is not Base64', () => {
    expect(codeOf(() => decodePem('-----BEGIN X-----\nA*AA\n-----END X-----\n'))).toBe('ERR_BASE64_MALFORMED');
  });

  it('rejects text without any block, or without the label asked for', () => {
    expect(codeOf(() => decodePem('nothing here'))).toBe('ERR_PEM_NOT_FOUND');
    expect(codeOf(() => decodePem(encodePem('A', bytes), 'B'))).toBe('ERR_PEM_NOT_FOUND');
  });
});

describe('decodeInput (the layers ASN.1 → DER → Base64 → PEM, peeled off)', () => {
  it.each([
    [encodePem('CERTIFICATE', bytes), 'pem'],
    ['+/8AMBk=', 'base64'],
    ['-_8AMBk', 'base64url'],
    ['fb ff 00 30 19', 'hex'],
  ])('recognises %j as %s', (text, format) => {
    expect(detectTextFormat(text)).toBe(format);
    expect(decodeInput(text).der).toEqual(bytes);
  });

  it('passes binary DER through and reads text given as bytes', () => {
    expect(decodeInput(bytes)).toEqual({ format: 'der', der: bytes });
    expect(decodeInput(new TextEncoder().encode('fbff003019')).der).toEqual(bytes);
  });

  it('rejects empty input and text in no known form', () => {
    expect(codeOf(() => decodeInput('  '))).toBe('ERR_INPUT_EMPTY');
    expect(codeOf(() => decodeInput(new Uint8Array()))).toBe('ERR_INPUT_EMPTY');
    expect(codeOf(() => decodeInput('hello, world!'))).toBe('ERR_INPUT_FORMAT');
  });
});
