/** The shapes of the ASN.1 tree: one node per TLV, with the numbers `openssl asn1parse` prints. */
export type TagClass = 'universal' | 'application' | 'context' | 'private';

/** A decoded primitive value, where decoding it means something (X.690 §8). */
export type Asn1Value =
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'integer'; hex: string; decimal?: string }
  | { kind: 'oid'; oid: string; name?: string }
  | { kind: 'string'; text: string }
  | { kind: 'time'; text: string; iso: string }
  | { kind: 'bitString'; unusedBits: number; hex: string; bitLength: number }
  | { kind: 'bytes'; hex: string; text?: string };

export interface Asn1Node {
  /** Offset of the first identifier octet, counted from the start of the whole input; depth 0 for the outermost element (encapsulated DER
   * continues the count). */
  offset: number;
  depth: number;
  /** Identifier plus length octets ("hl=" of openssl asn1parse), and the content octets ("l="; for indefinite lengths, without the
   * end-of-contents octets). */
  headerLength: number;
  length: number;
  /** BER only: the length octet was 0x80 and the contents end with 00 00 (X.690 §8.1.3.6). */ indefiniteLength: boolean;
  tagClass: TagClass;
  tagNumber: number;
  constructed: boolean;
  /** "SEQUENCE", "INTEGER", "[0]" for context-specific tags, "[APPLICATION 1]", "[PRIVATE 2]". */ type: string;
  value?: Asn1Value;
  /** Field name from the schema that labelled the tree (RFC 5280 names for certificates). */ name?: string;
  /** True when `children` were found by decoding the contents of a BIT STRING or OCTET STRING. */ encapsulates: boolean;
  /** The content octets (a view into the input). */ contents: Uint8Array;
  children: Asn1Node[];
}

export interface DecodeOptions {
  /** 'der' (default) refuses what X.690 §10 forbids (indefinite lengths, non-minimal lengths …); 'ber' accepts it. */
  mode?: 'der' | 'ber';
  /** Deepest nesting accepted; deeper input is refused rather than followed. Default 64. */ maxDepth?: number;
  /** Look inside BIT STRING and OCTET STRING contents for DER (default true). */ encapsulation?: boolean;
}
