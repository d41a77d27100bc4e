/** Decoding of primitive UNIVERSAL values (X.690 §8), with the extra rules of DER (X.690 §10–11). */
import { toHex } from '../encoding/base64.js';
import { Asn1Error } from './errors.js';
import { oidName } from './oids.js';
import type { Asn1Value } from './types.js';
import { UniversalTag } from './universal-types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when every byte is printable ASCII, for showing octets that happen to be a string. */
export function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return undefined;
  return Buffer.from(bytes).toString('latin1');
}

/** Dotted form of OBJECT IDENTIFIER contents (X.690 §8.19). */
export function decodeOid(contents: Uint8Array, offset: number): string {
  // X.690 §8.19.2: at least one subidentifier.
  if (contents.length === 0) {
    throw new Asn1Error('ERR_ASN1_OID', 'OBJECT IDENTIFIER with no contents', offset, 'X.690 §8.19.2');
  }
  // X.690 §8.19.2: the last octet of a subidentifier has bit 8 clear, so the last octet must too.
  if ((contents[contents.length - 1] ?? 0) & 0x80) {
    throw new Asn1Error('ERR_ASN1_OID', 'OBJECT IDENTIFIER ends in the middle of a subidentifier', offset, 'X.690 §8.19.2');
  }
  const arcs: bigint[] = [];
  let value = 0n;
  let first = true;
  for (const byte of contents) {
    // X.690 §8.19.2: a subidentifier is encoded in the fewest octets, so it never starts with 0x80.
    if (first && byte === 0x80) {
      throw new Asn1Error('ERR_ASN1_OID', 'OBJECT IDENTIFIER subidentifier padded with 0x80', offset, 'X.690 §8.19.2');
    }
    value = (value << 7n) | BigInt(byte & 0x7f);
    first = (byte & 0x80) === 0;
    if (first) {
      arcs.push(value);
      value = 0n;
    }
  }
  const head = arcs[0] ?? 0n;
  // X.690 §8.19.4: the first subidentifier packs the first two arcs as 40·X + Y.
  const [a, b] = head < 40n ? [0n, head] : head < 80n ? [1n, head - 40n] : [2n, head - 80n];
  return [a, b, ...arcs.slice(1)].map(String).join('.');
}

function decodeInteger(contents: Uint8Array, offset: number, der: boolean): Asn1Value {
  // X.690 §8.3.1: one or more content octets.
  if (contents.length === 0) {
    throw new Asn1Error('ERR_ASN1_INTEGER', 'INTEGER with no contents', offset, 'X.690 §8.3.1');
  }
  const [b0 = 0, b1 = 0] = contents;
  // X.690 §8.3.2: the first nine bits are never all zeros or all ones.
  if (der && contents.length > 1 && ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80))) {
    throw new Asn1Error('ERR_ASN1_INTEGER', 'INTEGER is not in its shortest form', offset, 'X.690 §8.3.2');
  }
  const hex = toHex(contents);
  if (contents.length > 16) return { kind: 'integer', hex };
  let value = BigInt(`0x${hex}`);
  if (b0 & 0x80) value -= 1n << BigInt(contents.length * 8);
  return { kind: 'integer', hex, decimal: value.toString() };
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/;

function isoTime(parts: { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; zone: string }, offset: number): string {
  const { y, mo, d, h, mi, s, ms, zone } = parts;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(utc);
  // A real calendar date and clock time (no 31 February, no hour 25).
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) {
    throw new Asn1Error('ERR_ASN1_TIME', 'time value is not a valid date', offset);
  }
  let shift = 0;
  if (zone !== 'Z' && zone !== '') shift = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  const date = new Date(utc - shift);
  // Dates outside what Date can hold are refused instead of printed as "Invalid Date".
  if (Number.isNaN(date.getTime())) throw new Asn1Error('ERR_ASN1_TIME', 'time value out of range', offset);
  return date.toISOString();
}

function decodeUtcTime(text: string, offset: number, der: boolean): Asn1Value {
  const m = UTC_TIME.exec(text);
  // X.680 §47: YYMMDDhhmm[ss](Z|±hhmm).
  if (!m) throw new Asn1Error('ERR_ASN1_TIME', `UTCTime '${text}' is not YYMMDDhhmm[ss]Z`, offset, 'X.680 §47');
  // X.690 §11.8: DER requires the seconds and the Z.
  if (der && (m[6] === undefined || m[7] !== 'Z')) {
    throw new Asn1Error('ERR_ASN1_TIME', `UTCTime '${text}' lacks seconds or Z, which DER requires`, offset, 'X.690 §11.8');
  }
  const yy = Number(m[1]);
  // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
  const y = yy >= 50 ? 1900 + yy : 2000 + yy;
  const iso = isoTime({ y, mo: Number(m[2]), d: Number(m[3]), h: Number(m[4]), mi: Number(m[5]), s: Number(m[6] ?? 0), ms: 0, zone: m[7] ?? 'Z' }, offset);
  return { kind: 'time', text, iso };
}

function decodeGeneralizedTime(text: string, offset: number, der: boolean): Asn1Value {
  const m = GENERALIZED_TIME.exec(text);
  // X.680 §46: YYYYMMDDhh[mm[ss]][.fff][Z|±hhmm].
  if (!m) throw new Asn1Error('ERR_ASN1_TIME', `GeneralizedTime '${text}' is not YYYYMMDDhhmmss[.fff]Z`, offset, 'X.680 §46');
  // X.690 §11.7: DER requires seconds and Z, and no trailing zeros in the fraction.
  if (der && (m[6] === undefined || m[8] !== 'Z' || (m[7] !== undefined && m[7].endsWith('0')))) {
    throw new Asn1Error('ERR_ASN1_TIME', `GeneralizedTime '${text}' is not in the DER form YYYYMMDDhhmmss[.fff]Z`, offset, 'X.690 §11.7');
  }
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const iso = isoTime({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: Number(m[4]), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0), ms, zone: m[8] ?? 'Z' }, offset);
  return { kind: 'time', text, iso };
}

function decodeString(tagNumber: number, contents: Uint8Array, offset: number): string {
  const buffer = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  switch (tagNumber) {
    case UniversalTag.UTF8String:
      try {
        return strictUtf8.decode(contents);
      } catch {
        throw new Asn1Error('ERR_ASN1_STRING', 'UTF8String holds bytes that are not UTF-8', offset, 'X.690 §8.23.10');
      }
    case UniversalTag.BMPString: {
      // X.690 §8.23.8: two octets per character.
      if (contents.length % 2 !== 0) throw new Asn1Error('ERR_ASN1_STRING', 'BMPString with an odd number of octets', offset, 'X.690 §8.23.8');
      const swapped = Buffer.from(buffer);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case UniversalTag.UniversalString: {
      // X.690 §8.23.7: four octets per character.
      if (contents.length % 4 !== 0) throw new Asn1Error('ERR_ASN1_STRING', 'UniversalString length is not a multiple of 4', offset, 'X.690 §8.23.7');
      const codePoints: number[] = [];
      for (let i = 0; i < contents.length; i += 4) codePoints.push(buffer.readUInt32BE(i));
      try {
        return String.fromCodePoint(...codePoints);
      } catch {
        throw new Asn1Error('ERR_ASN1_STRING', 'UniversalString holds a value that is not a code point', offset);
      }
    }
    default:
      return buffer.toString('latin1');
  }
}

const STRING_TAGS: ReadonlySet<number> = new Set([12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30]);

/** Decodes a primitive UNIVERSAL value; `offset` is where the element starts (for errors). */
export function decodeUniversalValue(tagNumber: number, contents: Uint8Array, offset: number, der: boolean): Asn1Value | undefined {
  switch (tagNumber) {
    case UniversalTag.BOOLEAN: {
      // X.690 §8.2.1: exactly one content octet.
      if (contents.length !== 1) throw new Asn1Error('ERR_ASN1_BOOLEAN', `BOOLEAN with ${contents.length} content octets`, offset, 'X.690 §8.2.1');
      const byte = contents[0] ?? 0;
      // X.690 §11.1: DER encodes TRUE as 0xFF.
      if (der && byte !== 0x00 && byte !== 0xff) throw new Asn1Error('ERR_ASN1_BOOLEAN', 'BOOLEAN TRUE is not 0xFF', offset, 'X.690 §11.1');
      return { kind: 'boolean', value: byte !== 0 };
    }
    case UniversalTag.INTEGER:
    case UniversalTag.ENUMERATED:
      return decodeInteger(contents, offset, der);
    case UniversalTag.BIT_STRING: {
      // X.690 §8.6.2: the first content octet counts the unused bits of the last one.
      if (contents.length === 0) throw new Asn1Error('ERR_ASN1_BIT_STRING', 'BIT STRING with no contents', offset, 'X.690 §8.6.2');
      const unusedBits = contents[0] ?? 0;
      // X.690 §8.6.2.2: 0 to 7 unused bits, and 0 when there are no bits at all.
      if (unusedBits > 7 || (contents.length === 1 && unusedBits !== 0)) {
        throw new Asn1Error('ERR_ASN1_BIT_STRING', `BIT STRING claims ${unusedBits} unused bits`, offset, 'X.690 §8.6.2.2');
      }
      const last = contents[contents.length - 1] ?? 0;
      // X.690 §11.2.1: DER sets the unused bits to zero.
      if (der && contents.length > 1 && (last & ((1 << unusedBits) - 1)) !== 0) {
        throw new Asn1Error('ERR_ASN1_BIT_STRING', 'BIT STRING unused bits are not zero', offset, 'X.690 §11.2.1');
      }
      return { kind: 'bitString', unusedBits, hex: toHex(contents.subarray(1)), bitLength: (contents.length - 1) * 8 - unusedBits };
    }
    case UniversalTag.OCTET_STRING: {
      const text = printableText(contents);
      return text === undefined ? { kind: 'bytes', hex: toHex(contents) } : { kind: 'bytes', hex: toHex(contents), text };
    }
    case UniversalTag.NULL:
      // X.690 §8.8.2: NULL has no contents.
      if (contents.length !== 0) throw new Asn1Error('ERR_ASN1_NULL', `NULL with ${contents.length} content octets`, offset, 'X.690 §8.8.2');
      return { kind: 'null' };
    case UniversalTag.OBJECT_IDENTIFIER: {
      const oid = decodeOid(contents, offset);
      const name = oidName(oid);
      return name === undefined ? { kind: 'oid', oid } : { kind: 'oid', oid, name };
    }
    case UniversalTag.UTCTime:
      return decodeUtcTime(decodeString(UniversalTag.IA5String, contents, offset), offset, der);
    case UniversalTag.GeneralizedTime:
      return decodeGeneralizedTime(decodeString(UniversalTag.IA5String, contents, offset), offset, der);
    default:
      if (STRING_TAGS.has(tagNumber)) return { kind: 'string', text: decodeString(tagNumber, contents, offset) };
      return contents.length === 0 ? undefined : { kind: 'bytes', hex: toHex(contents) };
  }
}

/** A one-line rendering of a value, as the text dump shows it. */
export function describeValue(value: Asn1Value | undefined): string {
  if (!value) return '';
  switch (value.kind) {
    case 'boolean':
      return value.value ? 'TRUE' : 'FALSE';
    case 'null':
      return '';
    case 'integer':
      return value.decimal !== undefined && value.hex.length <= 16 ? `${value.decimal} (0x${value.hex})` : `0x${value.hex}`;
    case 'oid':
      return value.name ? `${value.oid} (${value.name})` : value.oid;
    case 'string':
      return value.text;
    case 'time':
      return `${value.text} (${value.iso})`;
    case 'bitString':
      return `${value.unusedBits} unused bits, ${value.hex.length > 64 ? `${value.hex.slice(0, 64)}…` : value.hex}`;
    case 'bytes':
      return value.text ?? (value.hex.length > 64 ? `${value.hex.slice(0, 64)}…` : value.hex);
  }
}
