/**
 * A minimal DER writer (X.690 §10): enough to build names, extensions and TBSCertificates byte by
 * byte, so a learner can see exactly what goes into a certificate.
 */
import { fromHex } from '../encoding/base64.js';
import { UniversalTag } from './universal-types.js';

/** Definite-length octets in the shortest form (X.690 §10.1). */
export function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** A TLV with a one-octet identifier (tag numbers below 31, which is all X.509 needs). */
export function derTlv(identifier: number, contents: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(identifier), derLength(contents.length), contents]);
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derTlv(0x30, concat(items));
}

/** SET OF in DER sorts its elements by their encodings (X.690 §11.6). */
export function derSet(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => Buffer.compare(a, b));
  return derTlv(0x31, concat(sorted));
}

/** [n] EXPLICIT (constructed) or IMPLICIT primitive context-specific tag. */
export function derContext(tagNumber: number, contents: Uint8Array, constructed: boolean): Uint8Array {
  return derTlv(0x80 | (constructed ? 0x20 : 0) | tagNumber, contents);
}

export function derBoolean(value: boolean): Uint8Array {
  return derTlv(UniversalTag.BOOLEAN, Uint8Array.of(value ? 0xff : 0x00));
}

export function derNull(): Uint8Array {
  return Uint8Array.of(UniversalTag.NULL, 0);
}

/** INTEGER from a non-negative number, bigint or unsigned big-endian hex/bytes (X.690 §8.3, shortest form). */
export function derInteger(value: number | bigint | string | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const hex = BigInt(value).toString(16);
    bytes = fromHex(hex.length % 2 ? `0${hex}` : hex);
  } else {
    bytes = typeof value === 'string' ? fromHex(value.length % 2 ? `0${value}` : value) : value;
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Uint8Array.of(0);
  // A set top bit would read as negative: an unsigned value gets a 0x00 in front.
  if ((bytes[0] ?? 0) & 0x80) bytes = concat([Uint8Array.of(0), bytes]);
  return derTlv(UniversalTag.INTEGER, bytes);
}

/** OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const octets: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    octets.push(...group);
  }
  return derTlv(UniversalTag.OBJECT_IDENTIFIER, Uint8Array.from(octets));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(UniversalTag.OCTET_STRING, bytes);
}

export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return derTlv(UniversalTag.BIT_STRING, concat([Uint8Array.of(unusedBits), bytes]));
}

export function derString(tagNumber: number, text: string): Uint8Array {
  const encoding = tagNumber === UniversalTag.UTF8String ? 'utf8' : 'latin1';
  return derTlv(tagNumber, new Uint8Array(Buffer.from(text, encoding)));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in whole seconds with Z. */
export function derTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return derString(UniversalTag.UTCTime, `${digits.slice(2)}Z`);
  return derString(UniversalTag.GeneralizedTime, `${digits}Z`);
}

export { concat as concatBytes };
