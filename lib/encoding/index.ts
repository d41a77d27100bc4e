// Base64 / Base64URL / hex / PEM: the text layers around DER bytes.
export { toBase64, toBase64Url, toHex, fromBase64, fromBase64Url, fromHex } from './base64.js';
export { encodePem, decodePem, decodePemAll } from './pem.js';
export type { PemBlock } from './pem.js';
export { decodeInput, detectTextFormat, looksLikeText } from './detect.js';
export type { DecodedInput, InputFormat } from './detect.js';
export { EncodingError } from './errors.js';
