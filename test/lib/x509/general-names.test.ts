import { describe, expect, it } from 'vitest';
import { ipAddressFromText, ipAddressToText, parseSanList } from '../../../lib/x509/index.js';
import { codeOf } from '../../support/coded.js';

describe('iPAddress text (RFC 5952 for IPv6)', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ])('writes %s as %s', (input, canonical) => {
    expect(ipAddressToText(ipAddressFromText(input))).toBe(canonical);
  });

  it('writes 8 and 32 octets as address/mask (nameConstraints form)', () => {
    expect(ipAddressToText(Uint8Array.of(192, 0, 2, 0, 255, 255, 255, 0))).toBe('192.0.2.0/255.255.255.0');
  });

  it('rejects text that is no IP address', () => {
    expect(codeOf(() => ipAddressFromText('1.2.3'))).toBe('ERR_IP_ADDRESS_SYNTAX');
    expect(codeOf(() => ipAddressFromText('example.com'))).toBe('ERR_IP_ADDRESS_SYNTAX');
  });
});

describe('parseSanList (--san DNS:a,IP:1.2.3.4,URI:u,email:e)', () => {
  it('accepts the four openssl prefixes', () => {
    expect(parseSanList('DNS:a.example, IP:2001:db8::1,URI:https://a.example/x,email:a@example.com')).toEqual([
      { type: 'dNSName', value: 'a.example' },
      { type: 'iPAddress', value: '2001:db8::1' },
      { type: 'uniformResourceIdentifier', value: 'https://a.example/x' },
      { type: 'rfc822Name', value: 'a@example.com' },
    ]);
  });

  it('rejects an entry without a known prefix', () => {
    expect(codeOf(() => parseSanList('a.example'))).toBe('ERR_SAN_SYNTAX');
    expect(codeOf(() => parseSanList('RID:1.2.3'))).toBe('ERR_SAN_SYNTAX');
  });
});
