// ASN.1 and DER: a reader with exact offsets, field labels for known structures, a small writer.
export { decodeAsn1, readHeader, walkAsn1, asn1TypeName, encodedBytes } from './decode.js';
export type { Asn1Header } from './decode.js';
export { Asn1Error } from './errors.js';
export { labelAsn1Tree, recogniseStructure, generalNameTypes } from './labels.js';
export type { Asn1Structure } from './labels.js';
export { asn1ToJson, formatAsn1Text } from './format.js';
export type { Asn1NodeJson, FormatAsn1Options } from './format.js';
export { knownOids, oidName } from './oids.js';
export { decodeOid, describeValue } from './values.js';
export { UniversalTag, universalTypeName } from './universal-types.js';
export type { Asn1Node, Asn1Value, DecodeOptions, TagClass } from './types.js';
export {
  derLength, derTlv, derSequence, derSet, derContext, derBoolean, derNull, derInteger, derOid,
  derOctetString, derBitString, derString, derTime, concatBytes,
} from './encode.js';
