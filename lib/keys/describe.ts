/** A key as `openssl pkey -text -noout` prints it, so the lab's output can be compared line by line. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromBase64Url, toHex } from '../encoding/base64.js';
import { KeyError } from './errors.js';
import type { JwkRecord } from './generate.js';

/** Octets as OpenSSL dumps them: 15 a line (18 for signatures), indented, separated by ':'. */
export function opensslHexDump(bytes: Uint8Array, indent = 4, perLine = 15): string {
  const lines = toHex(bytes, ':').match(new RegExp(`.{1,${perLine * 3}}`, 'g')) ?? [];
  return lines.map((line) => `${' '.repeat(indent)}${line}`).join('\n');
}

/** A big number's octets as OpenSSL prints it: no leading zeros, but a 00 in front when the top bit is set. */
function bignum(value: unknown): Uint8Array {
  const bytes = fromBase64Url(String(value));
  const first = bytes.findIndex((b) => b !== 0);
  const trimmed = bytes.subarray(first < 0 ? bytes.length - 1 : first);
  return (trimmed[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed;
}

const curves: Readonly<Record<string, [string, number]>> = {
  'P-256': ['prime256v1', 256], 'P-384': ['secp384r1', 384], 'P-521': ['secp521r1', 521],
};
const RSA_PRIVATE: readonly [string, string][] = [
  ['privateExponent', 'd'], ['prime1', 'p'], ['prime2', 'q'], ['exponent1', 'dp'], ['exponent2', 'dq'], ['coefficient', 'qi'],
];

/** The text `openssl pkey -text -noout` (private) or `openssl pkey -pubin -text -noout` (public) prints. */
export function describeKeyText(key: KeyObject): string {
  const isPrivate = key.type === 'private';
  if (key.type === 'secret') throw new KeyError('ERR_KEY_ALGORITHM', 'a secret key has no openssl pkey text form');
  const jwk = key.export({ format: 'jwk' }) as JwkRecord;
  const publicJwk = isPrivate ? (createPublicKey(key).export({ format: 'jwk' }) as JwkRecord) : jwk;
  const member = (name: string): Uint8Array => fromBase64Url(String((isPrivate ? jwk : publicJwk)[name]));
  const dump = (label: string, bytes: Uint8Array): string[] => [`${label}:`, opensslHexDump(bytes)];
  const kind = isPrivate ? 'Private' : 'Public';
  const lines: string[] = [];
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const [oid, bits] = curves[String(jwk.crv)] ?? [String(jwk.crv), '?'];
      // EC private keys are fixed-length octet strings (RFC 5915 §3), printed without a sign octet.
      lines.push(`${kind}-Key: (${bits} bit)`, ...(isPrivate ? dump('priv', member('d')) : []));
      const point = Uint8Array.of(0x04, ...fromBase64Url(String(publicJwk.x)), ...fromBase64Url(String(publicJwk.y)));
      lines.push(...dump('pub', point), `ASN1 OID: ${oid}`, `NIST CURVE: ${String(jwk.crv)}`);
      break;
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      const exponent = BigInt(`0x${toHex(member('e')) || '0'}`);
      lines.push(isPrivate ? `Private-Key: (${bits} bit, 2 primes)` : `Public-Key: (${bits} bit)`);
      lines.push(...dump(isPrivate ? 'modulus' : 'Modulus', bignum(jwk.n)));
      // Small numbers print as "65537 (0x10001)".
      lines.push(`${isPrivate ? 'publicExponent' : 'Exponent'}: ${exponent} (0x${exponent.toString(16)})`);
      if (isPrivate) for (const [label, name] of RSA_PRIVATE) lines.push(...dump(label, bignum(jwk[name])));
      break;
    }
    case 'ed25519':
    case 'ed448':
      lines.push(`${key.asymmetricKeyType.toUpperCase()} ${kind}-Key:`, ...(isPrivate ? dump('priv', member('d')) : []));
      lines.push(...dump('pub', fromBase64Url(String(publicJwk.x))));
      break;
    default:
      throw new KeyError('ERR_KEY_ALGORITHM', `no text form for ${key.asymmetricKeyType ?? 'this'} keys`);
  }
  return `${lines.join('\n')}\n`;
}
