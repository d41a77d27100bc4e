/** "Give me the DER, whatever you were handed": PEM, Base64, Base64URL, hex text, or the raw bytes. These are the layers of the chapter-05
 * picture, ASN.1 → DER → Base64 → PEM, peeled off in reverse. */
import { fromBase64, fromBase64Url, fromHex } from './base64.js';
import { EncodingError } from './errors.js';
import { decodePem } from './pem.js';

export type InputFormat = 'pem' | 'base64' | 'base64url' | 'hex' | 'der';

export interface DecodedInput {
  format: InputFormat;
  der: Uint8Array;
  /** The PEM label when the input was PEM. */ label?: string;
}

/** True when every byte is printable ASCII or whitespace: such a buffer is text, not DER. */
export function looksLikeText(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte <= 0x7e));
}

/** Which text encoding a string is in: PEM if it has a BEGIN line, hex if only hex digits, else Base64 or Base64URL. */
export function detectTextFormat(text: string): Exclude<InputFormat, 'der'> {
  if (text.includes('-----BEGIN ')) return 'pem';
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) throw new EncodingError('ERR_INPUT_EMPTY', 'the input is empty');
  if (/^(0x)?[0-9a-fA-F]+$/.test(compact) || /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})*$/.test(compact)) return 'hex';
  if (/^[A-Za-z0-9_-]+$/.test(compact) && /[_-]/.test(compact)) return 'base64url';
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return 'base64';
  throw new EncodingError('ERR_INPUT_FORMAT', 'the input is neither PEM, Base64, Base64URL, hex nor DER');
}

const TEXT_DECODERS = { hex: fromHex, base64url: fromBase64Url, base64: fromBase64 } as const;

/** Decodes text in any of the supported encodings, or passes DER bytes through. */
export function decodeInput(input: string | Uint8Array, pemLabel?: string): DecodedInput {
  if (typeof input !== 'string') {
    if (input.length === 0) throw new EncodingError('ERR_INPUT_EMPTY', 'the input is empty');
    if (!looksLikeText(input)) return { format: 'der', der: input };
    return decodeInput(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'), pemLabel);
  }
  const format = detectTextFormat(input);
  if (format !== 'pem') return { format, der: TEXT_DECODERS[format](input) };
  const { der, label } = decodePem(input, pemLabel);
  return { format, der, label };
}
