/** Names of the UNIVERSAL class tags (X.680 §8.6, Table 1). */
const universalTypeNames: readonly string[] = [
  'END-OF-CONTENTS', 'BOOLEAN', 'INTEGER', 'BIT STRING', 'OCTET STRING', 'NULL', 'OBJECT IDENTIFIER', 'ObjectDescriptor', 'EXTERNAL',
  'REAL', 'ENUMERATED', 'EMBEDDED PDV', 'UTF8String', 'RELATIVE-OID', 'TIME', 'RESERVED 15', 'SEQUENCE', 'SET', 'NumericString',
  'PrintableString', 'T61String', 'VideotexString', 'IA5String', 'UTCTime', 'GeneralizedTime', 'GraphicString', 'VisibleString',
  'GeneralString', 'UniversalString', 'CHARACTER STRING', 'BMPString',
];

export const UniversalTag = {
  BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, NULL: 5, OBJECT_IDENTIFIER: 6, ENUMERATED: 10, UTF8String: 12, SEQUENCE: 16,
  SET: 17, NumericString: 18, PrintableString: 19, T61String: 20, IA5String: 22, UTCTime: 23, GeneralizedTime: 24, VisibleString: 26,
  UniversalString: 28, BMPString: 30,
} as const;

export function universalTypeName(tagNumber: number): string {
  return universalTypeNames[tagNumber] ?? `UNIVERSAL ${tagNumber}`;
}

/** Universal types whose encoding is always primitive in DER (X.690 §10.2 and §8), and always constructed (X.690 §8.9, §8.11). */
export const alwaysPrimitive: ReadonlySet<number> =
  new Set([1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30]);
export const alwaysConstructed: ReadonlySet<number> = new Set([8, 11, 16, 17, 29]);
