/** A key as `openssl pkey -text -noout` prints it, so the lab's output can be compared line by line. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromBase64Url } from '../encoding/base64.js';
import { KeyError } from './errors.js';
import type { JwkRecord } from './generate.js';

/** Octets as OpenSSL dumps them: 15 a line (18 for signatures), indented, separated by ':'. */
export function opensslHexDump(bytes: Uint8Array, indent = 4, perLine = 15): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += perLine) {
    const chunk = hex.slice(i, i + perLine).join(':');
    lines.push(`${' '.repeat(indent)}${chunk}${i + perLine < hex.length ? ':' : ''}`);
  }
  return lines.join('\n');
}

/** A big number's octets as OpenSSL prints it: a 00 in front when the top bit is set. */
function bignum(value: unknown): Uint8Array {
  const bytes = fromBase64Url(String(value));
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed;
}

/** Small numbers print as "65537 (0x10001)". */
function smallNumber(label: string, value: unknown): string {
  const n = BigInt(`0x${Buffer.from(fromBase64Url(String(value))).toString('hex') || '0'}`);
  return `${label}: ${n} (0x${n.toString(16)})`;
}

const curveOids: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const curveBits: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

/** The text `openssl pkey -text -noout` (private) or `openssl pkey -pubin -text -noout` (public) prints. */
export function describeKeyText(key: KeyObject): string {
  const isPrivate = key.type === 'private';
  if (key.type === 'secret') throw new KeyError('ERR_KEY_ALGORITHM', 'a secret key has no openssl pkey text form');
  const jwk = key.export({ format: 'jwk' }) as JwkRecord;
  const publicJwk = isPrivate ? (createPublicKey(key).export({ format: 'jwk' }) as JwkRecord) : jwk;
  const lines: string[] = [];
  const dump = (label: string, bytes: Uint8Array): void => {
    lines.push(`${label}:`, opensslHexDump(bytes));
  };
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const crv = String(jwk.crv);
      lines.push(`${isPrivate ? 'Private' : 'Public'}-Key: (${curveBits[crv] ?? '?'} bit)`);
      // EC private keys are fixed-length octet strings (RFC 5915 §3), printed without a sign octet.
      if (isPrivate) dump('priv', fromBase64Url(String(jwk.d)));
      dump('pub', Uint8Array.of(0x04, ...fromBase64Url(String(publicJwk.x)), ...fromBase64Url(String(publicJwk.y))));
      lines.push(`ASN1 OID: ${curveOids[crv] ?? crv}`, `NIST CURVE: ${crv}`);
      break;
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (isPrivate) {
        lines.push(`Private-Key: (${bits} bit, 2 primes)`);
        dump('modulus', bignum(jwk.n));
        lines.push(smallNumber('publicExponent', jwk.e));
        dump('privateExponent', bignum(jwk.d));
        dump('prime1', bignum(jwk.p));
        dump('prime2', bignum(jwk.q));
        dump('exponent1', bignum(jwk.dp));
        dump('exponent2', bignum(jwk.dq));
        dump('coefficient', bignum(jwk.qi));
      } else {
        lines.push(`Public-Key: (${bits} bit)`);
        dump('Modulus', bignum(jwk.n));
        lines.push(smallNumber('Exponent', jwk.e));
      }
      break;
    }
    case 'ed25519':
    case 'ed448': {
      const name = key.asymmetricKeyType.toUpperCase();
      lines.push(`${name} ${isPrivate ? 'Private' : 'Public'}-Key:`);
      if (isPrivate) dump('priv', fromBase64Url(String(jwk.d)));
      dump('pub', fromBase64Url(String(publicJwk.x)));
      break;
    }
    default:
      throw new KeyError('ERR_KEY_ALGORITHM', `no text form for ${key.asymmetricKeyType ?? 'this'} keys`);
  }
  return `${lines.join('\n')}\n`;
}
