/**
 * A small DER/BER reader (X.690 §8 for BER, §10 for the DER restrictions). Every node keeps its
 * offset, header length and content length, the same numbers `openssl asn1parse` prints, and the
 * reader never trusts a length further than the bytes that are really there.
 */
import { Asn1Error } from './errors.js';
import type { Asn1Node, DecodeOptions, TagClass } from './types.js';
import { alwaysConstructed, alwaysPrimitive, UniversalTag, universalTypeName } from './universal-types.js';
import { decodeUniversalValue, printableText } from './values.js';
import { toHex } from '../encoding/base64.js';

const TAG_CLASSES: readonly TagClass[] = ['universal', 'application', 'context', 'private'];
const DEFAULT_MAX_DEPTH = 64;

interface Settings {
  der: boolean;
  maxDepth: number;
  encapsulation: boolean;
}

/** The identifier and length octets of one element (X.690 §8.1.2, §8.1.3). */
export interface Asn1Header {
  tagClass: TagClass;
  tagNumber: number;
  constructed: boolean;
  headerLength: number;
  /** Content length, or undefined for the BER indefinite form. */
  length: number | undefined;
}

export function asn1TypeName(tagClass: TagClass, tagNumber: number): string {
  if (tagClass === 'universal') return universalTypeName(tagNumber);
  if (tagClass === 'context') return `[${tagNumber}]`;
  return `[${tagClass.toUpperCase()} ${tagNumber}]`;
}

/** Reads the header of the element at `offset`; `end` is where the enclosing contents stop. */
export function readHeader(bytes: Uint8Array, offset: number, end: number, der = true): Asn1Header {
  let pos = offset;
  if (pos >= end) throw new Asn1Error('ERR_ASN1_TRUNCATED', 'expected an identifier octet, found the end of the input', offset, 'X.690 §8.1.2');
  const first = bytes[pos++] ?? 0;
  const tagClass = TAG_CLASSES[first >> 6] ?? 'universal';
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // X.690 §8.1.2.4: high tag numbers follow in base 128, bit 8 set on all but the last octet.
    tagNumber = 0;
    for (let count = 0; ; count++) {
      if (pos >= end) throw new Asn1Error('ERR_ASN1_TRUNCATED', 'tag number runs past the end of the input', offset, 'X.690 §8.1.2.4');
      // Tag numbers beyond 2^28 are refused: no real schema uses them, and they would overflow.
      if (count >= 4) throw new Asn1Error('ERR_ASN1_TAG_TOO_LARGE', 'tag number longer than 4 octets', offset, 'X.690 §8.1.2.4');
      const byte = bytes[pos++] ?? 0;
      // X.690 §8.1.2.4.2 (c): the first subsequent octet is never 0x80.
      if (count === 0 && byte === 0x80) throw new Asn1Error('ERR_ASN1_TAG_ENCODING', 'tag number padded with 0x80', offset, 'X.690 §8.1.2.4.2');
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    // X.690 §8.1.2.2/§8.1.2.4: numbers below 31 use the one-octet form.
    if (der && tagNumber < 31) throw new Asn1Error('ERR_ASN1_TAG_ENCODING', `tag number ${tagNumber} written in the long form`, offset, 'X.690 §8.1.2.2');
  }
  if (pos >= end) throw new Asn1Error('ERR_ASN1_TRUNCATED', 'expected a length octet, found the end of the input', offset, 'X.690 §8.1.3');
  const lengthOctet = bytes[pos++] ?? 0;
  let length: number | undefined;
  if (lengthOctet < 0x80) {
    length = lengthOctet;
  } else if (lengthOctet === 0x80) {
    // X.690 §10.1: DER always uses the definite form.
    if (der) throw new Asn1Error('ERR_ASN1_INDEFINITE_LENGTH', 'indefinite length (0x80) is not allowed in DER', offset, 'X.690 §10.1');
    // X.690 §8.1.3.2 (a): only constructed encodings may be indefinite.
    if (!constructed) throw new Asn1Error('ERR_ASN1_INDEFINITE_LENGTH', 'indefinite length on a primitive element', offset, 'X.690 §8.1.3.2');
    length = undefined;
  } else if (lengthOctet === 0xff) {
    // X.690 §8.1.3.5 (c): 0xFF is reserved.
    throw new Asn1Error('ERR_ASN1_LENGTH_RESERVED', 'length octet 0xFF is reserved', offset, 'X.690 §8.1.3.5');
  } else {
    const count = lengthOctet & 0x7f;
    // More than 4 length octets would announce more than 4 GiB: absurd for anything the lab reads.
    if (count > 4) throw new Asn1Error('ERR_ASN1_LENGTH_TOO_LARGE', `length written in ${count} octets`, offset, 'X.690 §8.1.3.5');
    if (pos + count > end) throw new Asn1Error('ERR_ASN1_TRUNCATED', 'length octets run past the end of the input', offset, 'X.690 §8.1.3.5');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] ?? 0);
    // X.690 §10.1: DER uses the fewest length octets (no leading zero, no long form below 128).
    if (der && ((bytes[pos] ?? 0) === 0 || length < 0x80)) {
      throw new Asn1Error('ERR_ASN1_LENGTH_NOT_MINIMAL', `length ${length} not in its shortest form`, offset, 'X.690 §10.1');
    }
    pos += count;
  }
  return { tagClass, tagNumber, constructed, headerLength: pos - offset, length };
}

function checkUniversalForm(header: Asn1Header, offset: number, settings: Settings): void {
  if (header.tagClass !== 'universal') return;
  // X.690 §8.1.5: 00 00 only ends an indefinite-length encoding.
  if (header.tagNumber === 0) throw new Asn1Error('ERR_ASN1_UNEXPECTED_EOC', 'end-of-contents octets where an element was expected', offset, 'X.690 §8.1.5');
  // X.690 §8.9.1, §8.11.1: SEQUENCE and SET are always constructed.
  if (alwaysConstructed.has(header.tagNumber) && !header.constructed) {
    throw new Asn1Error('ERR_ASN1_CONSTRUCTED_FLAG', `${universalTypeName(header.tagNumber)} must be constructed`, offset, 'X.690 §8.9.1');
  }
  // X.690 §10.2: DER encodes these types in the primitive form only (BER also allows constructed strings).
  const primitiveOnly = settings.der ? alwaysPrimitive.has(header.tagNumber) : [1, 2, 5, 6, 9, 10, 13].includes(header.tagNumber);
  if (primitiveOnly && header.constructed) {
    throw new Asn1Error('ERR_ASN1_CONSTRUCTED_FLAG', `${universalTypeName(header.tagNumber)} must be primitive`, offset, 'X.690 §10.2');
  }
}

/** Tries to read BIT STRING / OCTET STRING contents as DER; returns undefined when they are not. */
function tryEncapsulated(bytes: Uint8Array, start: number, end: number, depth: number, tagNumber: number, settings: Settings): Asn1Node[] | undefined {
  if (end - start < 2 || depth > settings.maxDepth) return undefined;
  let inner: Asn1Node;
  try {
    inner = decodeElement(bytes, start, end, depth, settings);
  } catch (error) {
    if (error instanceof Asn1Error) return undefined;
    throw error;
  }
  // Exactly one element filling the contents, of a universal type that DER payloads use.
  if (inner.offset + inner.headerLength + inner.length !== end || inner.tagClass !== 'universal') return undefined;
  if (inner.tagNumber === UniversalTag.SEQUENCE || inner.tagNumber === UniversalTag.SET) return [inner];
  // A BIT STRING payload (public key, signature) is a SEQUENCE; OCTET STRINGs in extensions may hold primitives too.
  const primitivePayloads: readonly number[] = [UniversalTag.OCTET_STRING, UniversalTag.BIT_STRING, UniversalTag.INTEGER, UniversalTag.BOOLEAN, UniversalTag.OBJECT_IDENTIFIER];
  if (tagNumber === UniversalTag.OCTET_STRING && primitivePayloads.includes(inner.tagNumber) && inner.length > 0) return [inner];
  return undefined;
}

function decodeElement(bytes: Uint8Array, offset: number, end: number, depth: number, settings: Settings): Asn1Node {
  // Nesting is bounded so hostile input cannot exhaust the stack.
  if (depth > settings.maxDepth) throw new Asn1Error('ERR_ASN1_TOO_DEEP', `nesting deeper than ${settings.maxDepth} levels`, offset);
  const header = readHeader(bytes, offset, end, settings.der);
  checkUniversalForm(header, offset, settings);
  const start = offset + header.headerLength;
  // X.690 §8.1.3: the contents must fit in what is left of the enclosing element.
  if (header.length !== undefined && header.length > end - start) {
    throw new Asn1Error('ERR_ASN1_TRUNCATED', `length ${header.length} exceeds the ${end - start} bytes left`, offset, 'X.690 §8.1.3');
  }
  const node: Asn1Node = {
    offset,
    depth,
    headerLength: header.headerLength,
    length: header.length ?? 0,
    indefiniteLength: header.length === undefined,
    tagClass: header.tagClass,
    tagNumber: header.tagNumber,
    constructed: header.constructed,
    type: asn1TypeName(header.tagClass, header.tagNumber),
    encapsulates: false,
    contents: bytes.subarray(start, header.length === undefined ? start : start + header.length),
    children: [],
  };
  if (header.constructed) {
    if (header.length === undefined) {
      // X.690 §8.1.3.6: children until the end-of-contents octets 00 00.
      let pos = start;
      for (;;) {
        if (pos + 2 > end) throw new Asn1Error('ERR_ASN1_TRUNCATED', 'indefinite-length element has no end-of-contents octets', offset, 'X.690 §8.1.3.6');
        if (bytes[pos] === 0 && bytes[pos + 1] === 0) break;
        const child = decodeElement(bytes, pos, end, depth + 1, settings);
        node.children.push(child);
        pos = child.offset + child.headerLength + child.length + (child.indefiniteLength ? 2 : 0);
      }
      node.length = pos - start;
      node.contents = bytes.subarray(start, pos);
    } else {
      let pos = start;
      const stop = start + header.length;
      while (pos < stop) {
        const child = decodeElement(bytes, pos, stop, depth + 1, settings);
        node.children.push(child);
        pos = child.offset + child.headerLength + child.length + (child.indefiniteLength ? 2 : 0);
      }
    }
    return node;
  }
  if (header.tagClass === 'universal') {
    const value = decodeUniversalValue(header.tagNumber, node.contents, offset, settings.der);
    if (value) node.value = value;
    const wraps = header.tagNumber === UniversalTag.OCTET_STRING || (header.tagNumber === UniversalTag.BIT_STRING && node.contents[0] === 0);
    if (settings.encapsulation && wraps) {
      const innerStart = header.tagNumber === UniversalTag.BIT_STRING ? start + 1 : start;
      const children = tryEncapsulated(bytes, innerStart, start + node.length, depth + 1, header.tagNumber, settings);
      if (children) {
        node.children = children;
        node.encapsulates = true;
      }
    }
  } else if (node.contents.length > 0) {
    const text = printableText(node.contents);
    node.value = text === undefined ? { kind: 'bytes', hex: toHex(node.contents) } : { kind: 'bytes', hex: toHex(node.contents), text };
  }
  return node;
}

/** Decodes one DER (or, with mode 'ber', BER) element that must span the whole input. */
export function decodeAsn1(bytes: Uint8Array, options: DecodeOptions = {}): Asn1Node {
  const settings: Settings = {
    der: (options.mode ?? 'der') === 'der',
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    encapsulation: options.encapsulation ?? true,
  };
  if (bytes.length === 0) throw new Asn1Error('ERR_ASN1_EMPTY', 'no bytes to decode', 0);
  const root = decodeElement(bytes, 0, bytes.length, 0, settings);
  const used = root.headerLength + root.length + (root.indefiniteLength ? 2 : 0);
  // One certificate, key or message is one element; bytes after it are a sign of a damaged file.
  if (used !== bytes.length) {
    throw new Asn1Error('ERR_ASN1_TRAILING_DATA', `${bytes.length - used} bytes follow the outermost element`, used);
  }
  return root;
}

/** Visits every node depth-first, parents before children (the order of `openssl asn1parse`). */
export function walkAsn1(node: Asn1Node, visit: (node: Asn1Node) => void): void {
  const stack: Asn1Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as Asn1Node;
    visit(current);
    for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i] as Asn1Node);
  }
}

/** The whole encoding (identifier, length and contents octets) of a node, as a view into the input. */
export function encodedBytes(node: Asn1Node): Uint8Array {
  const total = node.headerLength + node.length + (node.indefiniteLength ? 2 : 0);
  return new Uint8Array(node.contents.buffer, node.contents.byteOffset - node.headerLength, total);
}
