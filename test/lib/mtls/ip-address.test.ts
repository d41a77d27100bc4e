import { describe, expect, it } from 'vitest';
import { formatIpAddress, ipAddressesEqual, parseIpAddress } from '../../../lib/index.js';

describe('IP addresses in binary (RFC 8705 §2.1.2, RFC 5952 §8)', () => {
  it('reads ::1 and 0:0:0:0:0:0:0:1 as the same 16 bytes', () => {
    expect(ipAddressesEqual(parseIpAddress('::1') as Uint8Array, parseIpAddress('0:0:0:0:0:0:0:1') as Uint8Array)).toBe(true);
  });
  it('reads upper- and lower-case hex alike', () => {
    expect(ipAddressesEqual(parseIpAddress('2001:DB8::A') as Uint8Array, parseIpAddress('2001:db8:0:0:0:0:0:a') as Uint8Array)).toBe(true);
  });
  it('reads an embedded IPv4 tail', () => {
    expect(Array.from(parseIpAddress('::ffff:192.0.2.1') as Uint8Array).slice(10)).toEqual([0xff, 0xff, 192, 0, 2, 1]);
  });
  it('keeps IPv4 and IPv4-mapped IPv6 apart: 4 bytes are not 16', () => {
    expect(ipAddressesEqual(parseIpAddress('192.0.2.1') as Uint8Array, parseIpAddress('::ffff:192.0.2.1') as Uint8Array)).toBe(false);
  });
  it.each(['1.2.3', '256.1.1.1', 'example.com', '1::2::3', 'fe80::1%eth0', ''])('rejects %j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
  it.each([
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['0:0:0:0:0:0:0:0', '::'],
  ])('formats %s canonically as %s (RFC 5952 §4)', (text, canonical) => {
    expect(formatIpAddress(parseIpAddress(text) as Uint8Array)).toBe(canonical);
  });
});
