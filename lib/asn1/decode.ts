/** The DER/BER reader: asn1js's `fromBER` parses the bytes, and the lab turns its blocks into a tree whose offsets, header lengths and
 * content lengths are the numbers `openssl asn1parse` prints. asn1js reads BER and reports failure as offset -1 plus a string; the lab adds
 * the DER rules of X.690 §10 and turns every failure into an Asn1Error with a stable code and the offset at fault. */
import * as asn1js from 'asn1js';
import { Asn1Error } from './errors.js';
import type { Asn1Node, DecodeOptions, TagClass } from './types.js';
import { alwaysConstructed, alwaysPrimitive, UniversalTag, universalTypeName } from './universal-types.js';
import { bytesValue, decodeUniversalValue } from './values.js';

const { OCTET_STRING, BIT_STRING, INTEGER, BOOLEAN, OBJECT_IDENTIFIER, SEQUENCE, SET } = UniversalTag;
const TAG_CLASSES: readonly TagClass[] = ['universal', 'application', 'context', 'private'];

interface Settings { der: boolean; maxDepth: number; encapsulation: boolean }

/** The identifier and length octets of one element (X.690 §8.1.2, §8.1.3); `length` is undefined for the BER indefinite form. */
export interface Asn1Header {
  tagClass: TagClass; tagNumber: number; constructed: boolean; headerLength: number; length: number | undefined;
}

export function asn1TypeName(tagClass: TagClass, tagNumber: number): string {
  if (tagClass === 'universal') return universalTypeName(tagNumber);
  return tagClass === 'context' ? `[${tagNumber}]` : `[${tagClass.toUpperCase()} ${tagNumber}]`;
}

function refuse(code: string, message: string, offset: number, spec?: string): never {
  throw new Asn1Error(code, message, offset, spec);
}
const TRUNCATED = 'ERR_ASN1_TRUNCATED';

/** Reads the header of the element at `offset` with the DER rules asn1js does not apply; `end` is where the enclosing contents stop. */
export function readHeader(bytes: Uint8Array, offset: number, end: number, der = true): Asn1Header {
  const fail = (code: string, message: string, spec: string): never => refuse(code, message, offset, spec);
  const INDEFINITE = 'ERR_ASN1_INDEFINITE_LENGTH';
  let pos = offset;
  if (pos >= end) fail(TRUNCATED, 'expected an identifier octet, found the end of the input', 'X.690 §8.1.2');
  const first = bytes[pos++] ?? 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // X.690 §8.1.2.4: high tag numbers follow in base 128, bit 8 set on all but the last octet.
    tagNumber = 0;
    for (let count = 0, more = true; more; count++) {
      if (pos >= end) fail(TRUNCATED, 'tag number runs past the end of the input', 'X.690 §8.1.2.4');
      // Tag numbers beyond 2^28 are refused: no real schema uses them, and they would overflow.
      if (count >= 4) fail('ERR_ASN1_TAG_TOO_LARGE', 'tag number longer than 4 octets', 'X.690 §8.1.2.4');
      const byte = bytes[pos++] ?? 0;
      // X.690 §8.1.2.4.2 (c): the first subsequent octet is never 0x80.
      if (count === 0 && byte === 0x80) fail('ERR_ASN1_TAG_ENCODING', 'tag number padded with 0x80', 'X.690 §8.1.2.4.2');
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      more = (byte & 0x80) !== 0;
    }
    // X.690 §8.1.2.2/§8.1.2.4: numbers below 31 use the one-octet form.
    if (der && tagNumber < 31) fail('ERR_ASN1_TAG_ENCODING', `tag number ${tagNumber} written in the long form`, 'X.690 §8.1.2.2');
  }
  const constructed = (first & 0x20) !== 0;
  if (pos >= end) fail(TRUNCATED, 'expected a length octet, found the end of the input', 'X.690 §8.1.3');
  const lengthOctet = bytes[pos++] ?? 0;
  let length: number | undefined = lengthOctet;
  // X.690 §10.1: DER always uses the definite form.
  if (lengthOctet === 0x80 && der) fail(INDEFINITE, 'indefinite length (0x80) is not allowed in DER', 'X.690 §10.1');
  // X.690 §8.1.3.2 (a): only constructed encodings may be indefinite.
  if (lengthOctet === 0x80 && !constructed) fail(INDEFINITE, 'indefinite length on a primitive element', 'X.690 §8.1.3.2');
  // X.690 §8.1.3.5 (c): 0xFF is reserved.
  if (lengthOctet === 0xff) fail('ERR_ASN1_LENGTH_RESERVED', 'length octet 0xFF is reserved', 'X.690 §8.1.3.5');
  if (lengthOctet === 0x80) length = undefined;
  if (lengthOctet > 0x80 && lengthOctet < 0xff) {
    const count = lengthOctet & 0x7f;
    // More than 4 length octets would announce more than 4 GiB: absurd for anything the lab reads.
    if (count > 4) fail('ERR_ASN1_LENGTH_TOO_LARGE', `length written in ${count} octets`, 'X.690 §8.1.3.5');
    if (pos + count > end) fail(TRUNCATED, 'length octets run past the end of the input', 'X.690 §8.1.3.5');
    length = bytes.subarray(pos, pos + count).reduce((sum, byte) => sum * 256 + byte, 0);
    // X.690 §10.1: DER uses the fewest length octets (no leading zero, no long form below 128).
    const minimal = !der || (bytes[pos] !== 0 && length >= 0x80);
    if (!minimal) fail('ERR_ASN1_LENGTH_NOT_MINIMAL', `length ${length} not in its shortest form`, 'X.690 §10.1');
    pos += count;
  }
  return { tagClass: TAG_CLASSES[first >> 6] ?? 'universal', tagNumber, constructed, headerLength: pos - offset, length };
}

/** The header of one element plus the rules on it that do not depend on its contents. */
function checkedHeader(bytes: Uint8Array, offset: number, end: number, depth: number, settings: Settings): Asn1Header {
  // Nesting is bounded so hostile input cannot exhaust the stack.
  if (depth > settings.maxDepth) refuse('ERR_ASN1_TOO_DEEP', `nesting deeper than ${settings.maxDepth} levels`, offset);
  const header = readHeader(bytes, offset, end, settings.der);
  const { tagNumber, constructed } = header;
  const fail = (message: string, spec: string): never => refuse('ERR_ASN1_CONSTRUCTED_FLAG', message, offset, spec);
  if (header.tagClass === 'universal') {
    // X.690 §8.1.5: 00 00 only ends an indefinite-length encoding.
    const eoc = 'end-of-contents octets where an element was expected';
    if (tagNumber === 0) refuse('ERR_ASN1_UNEXPECTED_EOC', eoc, offset, 'X.690 §8.1.5');
    // X.690 §8.9.1, §8.11.1: SEQUENCE and SET are always constructed.
    if (alwaysConstructed.has(tagNumber) && !constructed) fail(`${universalTypeName(tagNumber)} must be constructed`, 'X.690 §8.9.1');
    // X.690 §10.2: DER encodes these types in the primitive form only (BER also allows constructed strings).
    const primitiveOnly = settings.der ? alwaysPrimitive.has(tagNumber) : [1, 2, 5, 6, 9, 10, 13].includes(tagNumber);
    if (primitiveOnly && constructed) fail(`${universalTypeName(tagNumber)} must be primitive`, 'X.690 §10.2');
  }
  // X.690 §8.1.3: the contents must fit in what is left of the enclosing element.
  const left = end - offset - header.headerLength;
  if (header.length !== undefined && header.length > left) {
    refuse(TRUNCATED, `length ${header.length} exceeds the ${left} bytes left`, offset, 'X.690 §8.1.3');
  }
  return header;
}

/** Runs when asn1js refused the input: walks the same bytes with the lab's rules to name the fault and its offset. Returns the end of the
 * element when the lab finds nothing wrong there. */
function locateFault(bytes: Uint8Array, offset: number, end: number, depth: number, settings: Settings): number {
  const { constructed, headerLength, length, tagClass, tagNumber } = checkedHeader(bytes, offset, end, depth, settings);
  let pos = offset + headerLength;
  if (!constructed) {
    const contents = bytes.subarray(pos, pos + (length ?? 0));
    if (tagClass === 'universal') decodeUniversalValue(tagNumber, contents, offset, settings.der);
    return pos + contents.length;
  }
  const stop = length === undefined ? end : pos + length;
  for (;;) {
    // X.690 §8.1.3.6: an indefinite length ends with the end-of-contents octets 00 00.
    const unended = 'indefinite-length element has no end-of-contents octets';
    if (length === undefined && pos + 2 > end) refuse(TRUNCATED, unended, offset, 'X.690 §8.1.3.6');
    if (length === undefined && bytes[pos] === 0 && bytes[pos + 1] === 0) return pos + 2;
    if (length !== undefined && pos >= stop) return pos;
    pos = locateFault(bytes, pos, stop, depth + 1, settings);
  }
}

/** asn1js's parse of `bytes[start, end)`, or its error message. */
function parseWithAsn1js(bytes: Uint8Array, start: number, end: number, maxDepth: number): asn1js.AsnType | string {
  try {
    const parsed = asn1js.fromBER(bytes.subarray(start, end), { copyInput: false, maxDepth: maxDepth + 1, parseEmbedded: false });
    return parsed.offset === -1 ? parsed.result.error || 'asn1js could not decode the input' : parsed.result;
  } catch (error) {
    // Some asn1js value decoders (UTCTime, GeneralizedTime) throw instead of reporting.
    return error instanceof Error ? error.message : String(error);
  }
}

function toNode(block: asn1js.AsnType, bytes: Uint8Array, depth: number, settings: Settings): Asn1Node {
  const view = block.valueBeforeDecodeView;
  const offset = view.byteOffset - bytes.byteOffset;
  const header = checkedHeader(bytes, offset, offset + view.length, depth, settings);
  const { headerLength, tagClass, tagNumber, constructed } = header;
  const start = offset + headerLength;
  // asn1js counts the end-of-contents octets in the block; the lab's length (like openssl's) does not.
  const length = header.length ?? view.length - headerLength - 2;
  const node: Asn1Node = {
    offset, depth, headerLength, length, indefiniteLength: header.length === undefined, tagClass, tagNumber, constructed,
    type: asn1TypeName(tagClass, tagNumber), encapsulates: false, contents: bytes.subarray(start, start + length), children: [],
  };
  if (constructed) {
    const children: unknown = (block.valueBlock as { value?: unknown }).value ?? [];
    // asn1js folds a constructed BER string (X.690 §8.23.6) into one text; its segments are read one by one.
    node.children = Array.isArray(children)
      ? (children as asn1js.AsnType[]).map((child) => toNode(child, bytes, depth + 1, settings))
      : segments(bytes, start, start + length, depth + 1, settings);
  } else if (tagClass === 'universal') {
    const value = decodeUniversalValue(tagNumber, node.contents, offset, settings.der);
    if (value) node.value = value;
    const wraps = tagNumber === OCTET_STRING || (tagNumber === BIT_STRING && node.contents[0] === 0);
    const inner = settings.encapsulation && wraps
      ? encapsulated(bytes, tagNumber === BIT_STRING ? start + 1 : start, start + length, depth + 1, tagNumber, settings) : undefined;
    node.children = inner ? [inner] : [];
    node.encapsulates = inner !== undefined;
  } else if (node.contents.length > 0) {
    node.value = bytesValue(node.contents);
  }
  return node;
}

/** The consecutive elements of `bytes[start, end)`, each parsed by asn1js. */
function segments(bytes: Uint8Array, start: number, end: number, depth: number, settings: Settings): Asn1Node[] {
  const nodes: Asn1Node[] = [];
  for (let pos = start; pos < end;) {
    const block = parseWithAsn1js(bytes, pos, end, settings.maxDepth - depth);
    if (typeof block === 'string') refuse('ERR_ASN1_MALFORMED', `asn1js: ${block}`, pos);
    nodes.push(toNode(block, bytes, depth, settings));
    pos += block.valueBeforeDecodeView.length;
  }
  return nodes;
}

/** What an OCTET STRING in an extension may wrap besides SEQUENCE and SET (a BIT STRING payload, a key or signature, is a SEQUENCE). */
const WRAPPED_PRIMITIVES: readonly number[] = [OCTET_STRING, BIT_STRING, INTEGER, BOOLEAN, OBJECT_IDENTIFIER];

/** BIT STRING / OCTET STRING contents read as DER, or undefined when they are not one DER element. */
function encapsulated(bytes: Uint8Array, start: number, end: number, depth: number, tag: number, settings: Settings): Asn1Node | undefined {
  if (end - start < 2 || depth > settings.maxDepth) return undefined;
  const block = parseWithAsn1js(bytes, start, end, settings.maxDepth - depth);
  if (typeof block === 'string' || block.valueBeforeDecodeView.length !== end - start) return undefined;
  let inner: Asn1Node;
  try {
    inner = toNode(block, bytes, depth, settings);
  } catch (error) {
    if (error instanceof Asn1Error) return undefined;
    throw error;
  }
  if (inner.tagClass !== 'universal') return undefined;
  if (inner.tagNumber === SEQUENCE || inner.tagNumber === SET) return inner;
  return tag === OCTET_STRING && WRAPPED_PRIMITIVES.includes(inner.tagNumber) && inner.length > 0 ? inner : undefined;
}

/** Decodes one DER (or, with mode 'ber', BER) element that must span the whole input. */
export function decodeAsn1(bytes: Uint8Array, options: DecodeOptions = {}): Asn1Node {
  const { mode = 'der', maxDepth = 64, encapsulation = true } = options;
  const settings: Settings = { der: mode === 'der', maxDepth, encapsulation };
  if (bytes.length === 0) refuse('ERR_ASN1_EMPTY', 'no bytes to decode', 0);
  const block = parseWithAsn1js(bytes, 0, bytes.length, maxDepth);
  if (typeof block === 'string') {
    const end = locateFault(bytes, 0, bytes.length, 0, settings);
    // Refused by asn1js for a reason the lab's own rules do not name (too many nodes, reserved tags …).
    return refuse('ERR_ASN1_MALFORMED', `asn1js: ${block}`, end === bytes.length ? 0 : end);
  }
  const root = toNode(block, bytes, 0, settings);
  const used = block.valueBeforeDecodeView.length;
  // One certificate, key or message is one element; bytes after it are a sign of a damaged file.
  if (used !== bytes.length) refuse('ERR_ASN1_TRAILING_DATA', `${bytes.length - used} bytes follow the outermost element`, used);
  return root;
}

/** Whether `node` is the UNIVERSAL type `tagNumber`. */
export const isUniversal = (node: Asn1Node | undefined, tagNumber: number): node is Asn1Node =>
  node?.tagClass === 'universal' && node.tagNumber === tagNumber;

/** Visits every node depth-first, parents before children (the order of `openssl asn1parse`). */
export function walkAsn1(node: Asn1Node, visit: (node: Asn1Node) => void): void {
  visit(node);
  for (const child of node.children) walkAsn1(child, visit);
}

/** The whole encoding (identifier, length and contents octets) of a node, as a view into the input. */
export function encodedBytes(node: Asn1Node): Uint8Array {
  const total = node.headerLength + node.length + (node.indefiniteLength ? 2 : 0);
  return new Uint8Array(node.contents.buffer, node.contents.byteOffset - node.headerLength, total);
}
