/** `authlab b64`: move between the layers of the chapter-05 picture, DER ↔ Base64 ↔ Base64URL ↔ hex ↔ PEM. */
import { writeFile } from 'node:fs/promises';
import { decodeInput, encodePem, fromBase64, fromBase64Url, fromHex, toBase64, toBase64Url, toHex } from '@client-auth-lab/lib';
import { type Command, parseOptions, UsageError } from '../command.js';

const TARGETS = ['base64', 'base64url', 'hex', 'pem', 'der-file'] as const;
const SOURCES = ['auto', 'pem', 'base64', 'base64url', 'hex', 'text'] as const;

function decodeAs(from: (typeof SOURCES)[number], text: string): Uint8Array {
  switch (from) {
    case 'auto':
      return decodeInput(text).der;
    case 'pem':
      return decodeInput(text).der;
    case 'base64':
      return fromBase64(text);
    case 'base64url':
      return fromBase64Url(text);
    case 'hex':
      return fromHex(text);
    case 'text':
      return new TextEncoder().encode(text);
  }
}

export const b64Command: Command = {
  name: 'b64',
  summary: 'convert between PEM, Base64, Base64URL, hex and DER files',
  help: `Usage: authlab b64 <text> --to base64|base64url|hex|pem [--label L]
       authlab b64 <text> --to der-file <F>
       authlab b64 --file <F> --to …

The layers of a certificate: ASN.1 (abstract) → DER (X.690 bytes) → Base64 (RFC 4648) → PEM (RFC 7468).
The input is recognised by its form (PEM, hex, Base64URL, Base64), or named with --from.

  --to base64      standard Base64, padded (what PEM bodies and JWK x5c use, RFC 7517 §4.7)
  --to base64url   Base64URL without padding (what JOSE uses, RFC 7515 §2)
  --to hex         lowercase hex, octets separated by spaces
  --to pem         PEM with --label (default CERTIFICATE), 64-character lines
  --to der-file F  write the raw bytes to file F
  --from FORM      auto (default), pem, base64, base64url, hex, or text (the UTF-8 bytes of <text>)
  --file F         read the input from file F ("-" for standard input) instead of the argument
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { to: { type: 'string' }, from: { type: 'string' }, label: { type: 'string' }, file: { type: 'string' } });
    const to = values.to;
    if (to === undefined || !(TARGETS as readonly string[]).includes(to)) throw new UsageError(`--to must be one of ${TARGETS.join(', ')}`);
    const from = values.from ?? 'auto';
    if (!(SOURCES as readonly string[]).includes(from)) throw new UsageError(`--from must be one of ${SOURCES.join(', ')}`);
    const wanted = to === 'der-file' ? 1 : 0;
    const inline = values.file === undefined;
    if (positionals.length !== wanted + (inline ? 1 : 0)) {
      throw new UsageError(inline ? 'give the text to convert (or --file F)' + (wanted ? ' and the output file after --to der-file' : '') : 'unexpected extra arguments');
    }
    const text = inline ? (positionals[0] as string) : (await io.readFile(values.file as string)).toString('latin1');
    const bytes = !inline && from === 'auto' ? decodeInput(new Uint8Array(await io.readFile(values.file as string))).der : decodeAs(from as (typeof SOURCES)[number], text);
    switch (to) {
      case 'base64':
        io.stdout(`${toBase64(bytes)}\n`);
        break;
      case 'base64url':
        io.stdout(`${toBase64Url(bytes)}\n`);
        break;
      case 'hex':
        io.stdout(`${toHex(bytes, ' ')}\n`);
        break;
      case 'pem':
        io.stdout(encodePem(values.label ?? 'CERTIFICATE', bytes));
        break;
      default: {
        const target = positionals[inline ? 1 : 0] as string;
        await writeFile(target, bytes);
        io.stdout(`wrote ${bytes.length} bytes of DER to ${target}\n`);
      }
    }
    return 0;
  },
};
