/** PEM, the textual encoding of RFC 7468: "-----BEGIN label-----", the Base64 of the DER bytes in lines of 64 characters,
 * "-----END label-----". Written by @peculiar/x509's PemConverter; read by the lab, which names each RFC 7468 rule a damaged block
 * breaks. */
import 'reflect-metadata';
import { PemConverter } from '@peculiar/x509';
import { fromBase64 } from './base64.js';
import { EncodingError } from './errors.js';

export interface PemBlock {
  /** The label, e.g. "CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY" (RFC 7468 §4 and later sections). */ label: string;
  der: Uint8Array;
}

/** Encodes DER bytes as PEM with the given label, 64 characters a line (RFC 7468 §2, the strict form). */
export function encodePem(label: string, der: Uint8Array): string {
  // RFC 7468 §3: a label is printable ASCII without '-' at either end.
  if (!/^(?:[!-,.-~](?:[- ]?[!-,.-~])*)?$/.test(label)) throw new TypeError(`not a PEM label: '${label}'`);
  return `${PemConverter.encode(der, label)}\n`;
}

const BEGIN = /-----BEGIN ([^\r\n]*?)-----/g;

/** Every PEM block in the text, in order (a chain file holds several). Text between blocks is ignored (RFC 7468 §2). */
export function decodePemAll(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let begin = BEGIN.exec(text); begin; begin = BEGIN.exec(text)) {
    const label = begin[1] ?? '';
    const start = begin.index + begin[0].length;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf('-----END ', start);
    // RFC 7468 §2: each BEGIN line is matched by an END line.
    if (end < 0) throw new EncodingError('ERR_PEM_TRUNCATED', `PEM block '${label}' has no END line`, 'RFC 7468 §2');
    // RFC 7468 §2: the END label is the BEGIN label.
    if (!text.startsWith(endMarker, end)) {
      const found = /-----END ([^\r\n]*?)-----/.exec(text.slice(end))?.[1] ?? '?';
      throw new EncodingError('ERR_PEM_LABEL_MISMATCH', `PEM block begins with '${label}' but ends with '${found}'`, 'RFC 7468 §2');
    }
    const body = text.slice(start, end);
    // RFC 7468 §2 allows no headers; the legacy RFC 1421 "Proc-Type:" form (encrypted keys) is refused.
    if (body.includes(':')) {
      const legacy = `PEM block '${label}' has RFC 1421 headers (an encrypted legacy key?), which the lab does not read`;
      throw new EncodingError('ERR_PEM_HEADERS', legacy, 'RFC 7468 §2');
    }
    blocks.push({ label, der: fromBase64(body) });
    BEGIN.lastIndex = end + endMarker.length;
  }
  return blocks;
}

/** The first PEM block of the text; with `label`, the first block with that label. */
export function decodePem(text: string, label?: string): PemBlock {
  const blocks = decodePemAll(text);
  const block = label === undefined ? blocks[0] : blocks.find((b) => b.label === label);
  if (!block) {
    const what = label === undefined ? 'a PEM block' : `a PEM block labelled '${label}'`;
    throw new EncodingError('ERR_PEM_NOT_FOUND', `the text holds no ${what} ("-----BEGIN …-----")`, 'RFC 7468 §2');
  }
  return block;
}
