/** Decoding of primitive UNIVERSAL values (X.690 §8), with the extra rules of DER (X.690 §10–11). */
import { toHex } from '../encoding/base64.js';
import { Asn1Error } from './errors.js';
import { oidName } from './oids.js';
import type { Asn1Value } from './types.js';
import { UniversalTag } from './universal-types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when every byte is printable ASCII, for showing octets that happen to be a string. */
export function printableText(bytes: Uint8Array): string | undefined {
  return bytes.length > 0 && bytes.every((byte) => byte >= 0x20 && byte <= 0x7e) ? Buffer.from(bytes).toString('latin1') : undefined;
}

/** OCTET STRING (and non-universal) contents: hex, and text when it is printable. */
export function bytesValue(contents: Uint8Array): Asn1Value {
  const text = printableText(contents);
  return text === undefined ? { kind: 'bytes', hex: toHex(contents) } : { kind: 'bytes', hex: toHex(contents), text };
}

/** Dotted form of OBJECT IDENTIFIER contents (X.690 §8.19). */
export function decodeOid(contents: Uint8Array, offset: number): string {
  const fail = (message: string): never => { throw new Asn1Error('ERR_ASN1_OID', message, offset, 'X.690 §8.19.2'); };
  // X.690 §8.19.2: at least one subidentifier, the last octet of each has bit 8 clear, none starts with 0x80 (fewest octets).
  if (contents.length === 0) fail('OBJECT IDENTIFIER with no contents');
  if ((contents[contents.length - 1] ?? 0) & 0x80) fail('OBJECT IDENTIFIER ends in the middle of a subidentifier');
  const arcs: bigint[] = [];
  let value = 0n;
  let first = true;
  for (const byte of contents) {
    if (first && byte === 0x80) fail('OBJECT IDENTIFIER subidentifier padded with 0x80');
    value = (value << 7n) | BigInt(byte & 0x7f);
    first = (byte & 0x80) === 0;
    if (first) arcs.push(value);
    if (first) value = 0n;
  }
  const head = arcs[0] ?? 0n;
  // X.690 §8.19.4: the first subidentifier packs the first two arcs as 40·X + Y.
  const [a, b] = head < 40n ? [0n, head] : head < 80n ? [1n, head - 40n] : [2n, head - 80n];
  return [a, b, ...arcs.slice(1)].map(String).join('.');
}

function decodeInteger(contents: Uint8Array, offset: number, der: boolean): Asn1Value {
  // X.690 §8.3.1: one or more content octets.
  if (contents.length === 0) throw new Asn1Error('ERR_ASN1_INTEGER', 'INTEGER with no contents', offset, 'X.690 §8.3.1');
  const [b0 = 0, b1 = 0] = contents;
  // X.690 §8.3.2: the first nine bits are never all zeros or all ones.
  const padded = contents.length > 1 && ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80));
  if (der && padded) throw new Asn1Error('ERR_ASN1_INTEGER', 'INTEGER is not in its shortest form', offset, 'X.690 §8.3.2');
  const hex = toHex(contents);
  if (contents.length > 16) return { kind: 'integer', hex };
  const value = BigInt(`0x${hex}`) - (b0 & 0x80 ? 1n << BigInt(contents.length * 8) : 0n);
  return { kind: 'integer', hex, decimal: value.toString() };
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/;

/** UTCTime YYMMDDhhmm[ss](Z|±hhmm) (X.680 §47) and GeneralizedTime YYYYMMDDhh[mm[ss]][.fff][Z|±hhmm] (X.680 §46), as ISO 8601 UTC. */
function decodeTime(tagNumber: number, text: string, offset: number, der: boolean): Asn1Value {
  const utc = tagNumber === UniversalTag.UTCTime;
  const fail = (message: string, spec?: string): never => { throw new Asn1Error('ERR_ASN1_TIME', message, offset, spec); };
  const m = (utc ? UTC_TIME : GENERALIZED_TIME).exec(text);
  const form = utc ? `UTCTime '${text}' is not YYMMDDhhmm[ss]Z` : `GeneralizedTime '${text}' is not YYYYMMDDhhmmss[.fff]Z`;
  if (!m) fail(form, utc ? 'X.680 §47' : 'X.680 §46');
  const [, year = '', mo, d, h, mi = '0', s, fraction, writtenZone] = m as RegExpExecArray;
  const zone = writtenZone ?? 'Z';
  // X.690 §11.8 (UTCTime) and §11.7 (GeneralizedTime): DER requires seconds and Z, and no trailing zeros in a fraction.
  if (der && utc && (s === undefined || zone !== 'Z')) fail(`UTCTime '${text}' lacks seconds or Z, which DER requires`, 'X.690 §11.8');
  const derGeneralized = s !== undefined && writtenZone === 'Z' && !fraction?.endsWith('0');
  if (der && !utc && !derGeneralized) fail(`GeneralizedTime '${text}' is not in the DER form YYYYMMDDhhmmss[.fff]Z`, 'X.690 §11.7');
  // RFC 5280 §4.1.2.5.1: a UTCTime YY >= 50 is 19YY, otherwise 20YY.
  const y = utc ? Number(year) + (Number(year) >= 50 ? 1900 : 2000) : Number(year);
  const [month, day, hour, minute, second] = [mo, d, h, mi, s ?? '0'].map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(y, month - 1, day, hour, minute, second));
  const read = [check.getUTCMonth() + 1, check.getUTCDate(), check.getUTCHours(), check.getUTCMinutes(), check.getUTCSeconds()];
  // A real calendar date and clock time (no 31 February, no hour 25).
  if (read.join() !== [month, day, hour, minute, second].join()) fail('time value is not a valid date');
  const shift = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  const milliseconds = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  const date = new Date(Date.UTC(y, month - 1, day, hour, minute, second, milliseconds) - shift);
  // Dates outside what Date can hold are refused instead of printed as "Invalid Date".
  if (Number.isNaN(date.getTime())) fail('time value out of range');
  return { kind: 'time', text, iso: date.toISOString() };
}

function decodeString(tagNumber: number, contents: Uint8Array, offset: number): string {
  const buffer = Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
  const fail = (message: string, spec?: string): never => { throw new Asn1Error('ERR_ASN1_STRING', message, offset, spec); };
  switch (tagNumber) {
    case UniversalTag.UTF8String:
      try {
        return strictUtf8.decode(contents);
      } catch {
        return fail('UTF8String holds bytes that are not UTF-8', 'X.690 §8.23.10');
      }
    case UniversalTag.BMPString:
      // X.690 §8.23.8: two octets per character.
      if (contents.length % 2 !== 0) fail('BMPString with an odd number of octets', 'X.690 §8.23.8');
      return Buffer.from(buffer).swap16().toString('utf16le');
    case UniversalTag.UniversalString: {
      // X.690 §8.23.7: four octets per character.
      if (contents.length % 4 !== 0) fail('UniversalString length is not a multiple of 4', 'X.690 §8.23.7');
      try {
        return String.fromCodePoint(...Array.from({ length: contents.length / 4 }, (_, i) => buffer.readUInt32BE(i * 4)));
      } catch {
        return fail('UniversalString holds a value that is not a code point');
      }
    }
    default:
      return buffer.toString('latin1');
  }
}

const STRING_TAGS: ReadonlySet<number> = new Set([12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30]);

/** Decodes a primitive UNIVERSAL value; `offset` is where the element starts (for errors). */
export function decodeUniversalValue(tagNumber: number, contents: Uint8Array, offset: number, der: boolean): Asn1Value | undefined {
  const fail = (code: string, message: string, spec: string): never => { throw new Asn1Error(code, message, offset, spec); };
  switch (tagNumber) {
    case UniversalTag.BOOLEAN: {
      // X.690 §8.2.1: exactly one content octet; §11.1: DER encodes TRUE as 0xFF.
      if (contents.length !== 1) fail('ERR_ASN1_BOOLEAN', `BOOLEAN with ${contents.length} content octets`, 'X.690 §8.2.1');
      if (der && contents[0] !== 0x00 && contents[0] !== 0xff) fail('ERR_ASN1_BOOLEAN', 'BOOLEAN TRUE is not 0xFF', 'X.690 §11.1');
      return { kind: 'boolean', value: contents[0] !== 0 };
    }
    case UniversalTag.INTEGER:
    case UniversalTag.ENUMERATED:
      return decodeInteger(contents, offset, der);
    case UniversalTag.BIT_STRING: {
      // X.690 §8.6.2: the first content octet counts the unused bits of the last one, 0 to 7, and 0 when there are no bits at all.
      const unusedBits = contents[0] ?? 0;
      if (contents.length === 0) fail('ERR_ASN1_BIT_STRING', 'BIT STRING with no contents', 'X.690 §8.6.2');
      const claimed = `BIT STRING claims ${unusedBits} unused bits`;
      if (unusedBits > 7 || (contents.length === 1 && unusedBits !== 0)) fail('ERR_ASN1_BIT_STRING', claimed, 'X.690 §8.6.2.2');
      // X.690 §11.2.1: DER sets the unused bits to zero.
      const unusedSet = ((contents[contents.length - 1] ?? 0) & ((1 << unusedBits) - 1)) !== 0;
      if (der && contents.length > 1 && unusedSet) fail('ERR_ASN1_BIT_STRING', 'BIT STRING unused bits are not zero', 'X.690 §11.2.1');
      return { kind: 'bitString', unusedBits, hex: toHex(contents.subarray(1)), bitLength: (contents.length - 1) * 8 - unusedBits };
    }
    case UniversalTag.OCTET_STRING:
      return bytesValue(contents);
    case UniversalTag.NULL:
      // X.690 §8.8.2: NULL has no contents.
      if (contents.length !== 0) fail('ERR_ASN1_NULL', `NULL with ${contents.length} content octets`, 'X.690 §8.8.2');
      return { kind: 'null' };
    case UniversalTag.OBJECT_IDENTIFIER: {
      const oid = decodeOid(contents, offset);
      const name = oidName(oid);
      return name === undefined ? { kind: 'oid', oid } : { kind: 'oid', oid, name };
    }
    case UniversalTag.UTCTime:
    case UniversalTag.GeneralizedTime:
      return decodeTime(tagNumber, decodeString(UniversalTag.IA5String, contents, offset), offset, der);
    default:
      if (STRING_TAGS.has(tagNumber)) return { kind: 'string', text: decodeString(tagNumber, contents, offset) };
      return contents.length === 0 ? undefined : { kind: 'bytes', hex: toHex(contents) };
  }
}

/** A one-line rendering of a value, as the text dump shows it. */
export function describeValue(value: Asn1Value | undefined): string {
  const cut = (hex: string): string => (hex.length > 64 ? `${hex.slice(0, 64)}…` : hex);
  switch (value?.kind) {
    case undefined: case 'null': return '';
    case 'boolean': return value.value ? 'TRUE' : 'FALSE';
    case 'integer': return value.decimal !== undefined && value.hex.length <= 16 ? `${value.decimal} (0x${value.hex})` : `0x${value.hex}`;
    case 'oid': return value.name ? `${value.oid} (${value.name})` : value.oid;
    case 'string': return value.text;
    case 'time': return `${value.text} (${value.iso})`;
    case 'bitString': return `${value.unusedBits} unused bits, ${cut(value.hex)}`;
    case 'bytes': return value.text ?? cut(value.hex);
  }
}
