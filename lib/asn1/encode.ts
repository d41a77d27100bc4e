/** The DER writer, built on asn1js's classes (its `toBER` writes definite, shortest lengths, X.690 §10.1). Functions take and return DER
 * bytes, so a learner can see exactly what goes into a certificate. */
import * as asn1js from 'asn1js';
import { Asn1Error } from './errors.js';
import { UniversalTag } from './universal-types.js';

const der = (block: asn1js.BaseBlock): Uint8Array => new Uint8Array(block.toBER());
export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** The consecutive DER elements in `bytes`, as asn1js blocks to nest in a constructed one. */
function blocksOf(bytes: Uint8Array): asn1js.AsnType[] {
  const blocks: asn1js.AsnType[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const parsed = asn1js.fromBER(bytes.subarray(pos), { parseEmbedded: false, maxDepth: 4096 });
    if (parsed.offset === -1) throw new Asn1Error('ERR_ASN1_ENCODE', `cannot nest bytes that are not DER: ${parsed.result.error}`, pos);
    blocks.push(parsed.result);
    pos += parsed.offset;
  }
  return blocks;
}

/** Definite-length octets in the shortest form (X.690 §10.1). */
export function derLength(length: number): Uint8Array {
  const header = der(new asn1js.OctetString({ valueHex: new Uint8Array(length) }));
  return header.subarray(1, header.length - length);
}

/** A TLV from a one-octet identifier (tag numbers below 31, which is all X.509 needs) and its contents. */
export function derTlv(identifier: number, contents: Uint8Array): Uint8Array {
  const idBlock = { tagClass: (identifier >> 6) + 1, tagNumber: identifier & 0x1f };
  if (identifier & 0x20) return der(new asn1js.Constructed({ idBlock, value: blocksOf(contents) }));
  return der(new asn1js.Primitive({ idBlock, valueHex: contents }));
}

export const derSequence = (...items: Uint8Array[]): Uint8Array => der(new asn1js.Sequence({ value: items.flatMap(blocksOf) }));
/** SET OF in DER sorts its elements by their encodings (X.690 §11.6). */
export const derSet = (...items: Uint8Array[]): Uint8Array =>
  der(new asn1js.Set({ value: [...items].sort((a, b) => Buffer.compare(a, b)).flatMap(blocksOf) }));
/** [n] EXPLICIT (constructed) or IMPLICIT primitive context-specific tag. */
export const derContext = (tagNumber: number, contents: Uint8Array, constructed: boolean): Uint8Array =>
  derTlv(0x80 | (constructed ? 0x20 : 0) | tagNumber, contents);
export const derBoolean = (value: boolean): Uint8Array => der(new asn1js.Boolean({ value }));
export const derNull = (): Uint8Array => der(new asn1js.Null());
/** OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export const derOid = (dotted: string): Uint8Array => der(new asn1js.ObjectIdentifier({ value: dotted }));
export const derOctetString = (bytes: Uint8Array): Uint8Array => der(new asn1js.OctetString({ valueHex: bytes }));
export const derBitString = (bytes: Uint8Array, unusedBits = 0): Uint8Array => der(new asn1js.BitString({ valueHex: bytes, unusedBits }));

/** INTEGER from a non-negative number, bigint or unsigned big-endian hex/bytes (X.690 §8.3, shortest form). */
export function derInteger(value: number | bigint | string | Uint8Array): Uint8Array {
  const hex = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : undefined;
  return der(asn1js.Integer.fromBigInt(hex === undefined ? BigInt(value as number | bigint) : BigInt(`0x${hex || '0'}`)));
}

export function derString(tagNumber: number, text: string): Uint8Array {
  const valueHex = Buffer.from(text, tagNumber === UniversalTag.UTF8String ? 'utf8' : 'latin1');
  return der(new asn1js.Primitive({ idBlock: { tagClass: 1, tagNumber }, valueHex }));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in whole seconds with Z. */
export function derTime(date: Date): Uint8Array {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = whole.getUTCFullYear();
  return der(year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole }));
}
