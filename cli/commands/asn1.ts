/** `authlab asn1`: the DER tree, like `openssl asn1parse -i` and the lapo.it ASN.1 decoder. */
import { asn1ToJson, decodeAsn1, decodeInput, formatAsn1Text, labelAsn1Tree } from '@client-auth-lab/lib';
import { type Command, onePositional, parseOptions, UsageError } from '../command.js';

export const asn1Command: Command = {
  name: 'asn1',
  summary: 'dump the ASN.1 tree of DER/PEM/Base64/hex input (like openssl asn1parse -i)',
  help: `Usage: authlab asn1 <file> [--json] [--ber] [--max-depth N]

Decodes DER (PEM with any label, Base64, Base64URL, hex text like "30 19 31 17 …", or raw bytes;
"-" for standard input) and prints one line per element:

    offset:d=depth hl=header-length l=content-length prim|cons: TYPE  value  field

The first columns are the numbers "openssl asn1parse -i" prints. BIT STRINGs and OCTET STRINGs that
contain DER (extension values, RSA public keys, ECDSA signatures, PKCS#8 keys) are opened, as the
lapo.it decoder does. Certificates, public keys (SPKI), PKCS#8 keys, CSRs, Names and Extensions are
recognised and their elements named with the ASN.1 field names (RFC 5280: tbsCertificate, serialNumber…).

  --json          print the tree as JSON: offset, depth, headerLength, length, tagClass, tagNumber,
                  constructed, type, value, name, children (plus decoded, encapsulates)
  --ber           accept BER (indefinite lengths, non-minimal encodings) instead of strict DER
  --max-depth N   deepest nesting accepted (default 64)
`,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' }, ber: { type: 'boolean' }, 'max-depth': { type: 'string' } });
    const input = await io.readFile(onePositional(positionals, 'input file'));
    const maxDepth = values['max-depth'] === undefined ? undefined : Number(values['max-depth']);
    if (maxDepth !== undefined && (!Number.isInteger(maxDepth) || maxDepth < 1)) throw new UsageError('--max-depth must be a positive whole number');
    const { der } = decodeInput(new Uint8Array(input));
    const root = decodeAsn1(der, { mode: values.ber ? 'ber' : 'der', ...(maxDepth === undefined ? {} : { maxDepth }) });
    labelAsn1Tree(root);
    io.stdout(values.json ? `${JSON.stringify(asn1ToJson(root), null, 2)}\n` : formatAsn1Text(root));
    return 0;
  },
};
