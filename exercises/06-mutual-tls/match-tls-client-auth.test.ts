import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import {
  createSelfSignedCertificate, formatIpAddress, generateKeyPair, readCertificate, type CertificateView, type SanInput, type TlsClientAuthField,
} from '@client-auth-lab/lib';
import { expectNoThrow, expectRule } from '../support/expectations.js';
import { certificateMatches } from './match-tls-client-auth.js';

async function certificate(subject: string, san: SanInput[]): Promise<CertificateView> {
  const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
  return readCertificate((await createSelfSignedCertificate({ key, subject, san })).der);
}

function describeCertificate(view: CertificateView): string {
  const sans = view.subjectAltNames.map((name) => `${name.type}:${name.value}`).join(', ');
  return `subject '${view.subjectString}'${sans === '' ? ', no SAN' : `, SAN ${sans}`}`;
}

async function check(view: CertificateView, field: TlsClientAuthField, registered: string, expected: boolean, section: string, rule: string): Promise<void> {
  const got = await expectNoThrow(() => certificateMatches(view, field, registered), section, `${field} '${registered}' must be compared without an error`);
  expectRule(got, expected, section, `${rule}: ${field} '${registered}' against the certificate with ${describeCertificate(view)} ${expected ? 'matches' : 'does not match'}`);
}

describe('certificateMatches: a registered tls_client_auth_* value against a certificate (RFC 8705 §2.1.2)', () => {
  it('accepts tls_client_auth_san_dns case-insensitively and rejects other names', async () => {
    const view = await certificate('/CN=mtls-client', [{ type: 'dNSName', value: 'client.lab.example' }]);
    await check(view, 'tls_client_auth_san_dns', 'client.lab.example', true, 'RFC 8705 §2.1.2', 'the dNSName SAN equals the registered name');
    await check(view, 'tls_client_auth_san_dns', 'Client.LAB.example', true, 'RFC 4343 §3', 'DNS names compare without regard to case');
    await check(view, 'tls_client_auth_san_dns', 'other.lab.example', false, 'RFC 8705 §2.1.2', 'another name is another client');
    await check(view, 'tls_client_auth_san_dns', 'client.lab.example.evil', false, 'RFC 8705 §2.1.2', 'names compare whole, not by prefix');
  });

  it('rejects a DNS name that appears only in the subject CN because only SAN entries count', async () => {
    const view = await certificate('/CN=only-cn.lab.example', [{ type: 'dNSName', value: 'san.lab.example' }]);
    await check(view, 'tls_client_auth_san_dns', 'only-cn.lab.example', false, 'RFC 8705 §2.1.2', 'tls_client_auth_san_dns is compared with dNSName SAN entries, not with the CN');
  });

  it('accepts tls_client_auth_san_ip when the octets are equal, whatever the text form', async () => {
    const view = await certificate('/CN=ip-client', [{ type: 'iPAddress', value: '2001:db8::1' }, { type: 'iPAddress', value: '192.0.2.1' }]);
    await check(view, 'tls_client_auth_san_ip', '2001:db8::1', true, 'RFC 8705 §2.1.2', 'the iPAddress SAN equals the registered address');
    await check(view, 'tls_client_auth_san_ip', '2001:0DB8:0000:0000:0000:0000:0000:0001', true, 'RFC 8705 §2.1.2; RFC 5952 §8', 'san_ip is compared in binary, so every text form of the same 16 octets matches');
    await check(view, 'tls_client_auth_san_ip', '192.0.2.1', true, 'RFC 8705 §2.1.2', 'an IPv4 address is 4 octets');
  });

  it('rejects tls_client_auth_san_ip for other addresses, other lengths, and text that is no address', async () => {
    const view = await certificate('/CN=ip-client', [{ type: 'iPAddress', value: '2001:db8::1' }, { type: 'iPAddress', value: '192.0.2.1' }]);
    await check(view, 'tls_client_auth_san_ip', '::ffff:192.0.2.1', false, 'RFC 5280 §4.2.1.6', 'an IPv4-mapped IPv6 address is 16 octets, the IPv4 SAN is 4: not the same address in binary');
    await check(view, 'tls_client_auth_san_ip', '192.0.2.10', false, 'RFC 8705 §2.1.2', 'another address is another client (no prefix matching)');
    await check(view, 'tls_client_auth_san_ip', '2001:db8::1:0', false, 'RFC 8705 §2.1.2', 'other octets, other address');
    await check(view, 'tls_client_auth_san_ip', 'ip-client', false, 'RFC 8705 §2.1.2', 'a registered value that is not an IP address matches nothing');
  });

  it('rejects an address carried only as a dNSName because san_ip needs an iPAddress SAN', async () => {
    const view = await certificate('/CN=192.0.2.1', [{ type: 'dNSName', value: '192.0.2.1' }]);
    await check(view, 'tls_client_auth_san_ip', '192.0.2.1', false, 'RFC 8705 §2.1.2', 'only iPAddress entries (context tag [7], octets) count for san_ip, never text in a dNSName or the CN');
  });

  it('accepts tls_client_auth_san_email with the domain in any case, and rejects another local part', async () => {
    const view = await certificate('/CN=mail-client', [{ type: 'rfc822Name', value: 'Ops@Lab.Example' }]);
    await check(view, 'tls_client_auth_san_email', 'Ops@lab.example', true, 'RFC 5280 §4.2.1.6', 'the host part of an rfc822Name compares case-insensitively');
    await check(view, 'tls_client_auth_san_email', 'ops@Lab.Example', false, 'RFC 5280 §4.2.1.6', 'the local part is compared exactly: Ops and ops may be two mailboxes');
  });

  it('accepts tls_client_auth_san_uri exactly and rejects a URI that differs', async () => {
    const view = await certificate('/CN=uri-client', [{ type: 'uniformResourceIdentifier', value: 'https://client.lab.example/app' }, { type: 'dNSName', value: 'client.lab.example' }]);
    await check(view, 'tls_client_auth_san_uri', 'https://client.lab.example/app', true, 'RFC 8705 §2.1.2', 'the uniformResourceIdentifier SAN equals the registered URI');
    await check(view, 'tls_client_auth_san_uri', 'https://client.lab.example/app/', false, 'RFC 8705 §2.1.2', 'a different URI, even by one character, is not a match');
    await check(view, 'tls_client_auth_san_uri', 'client.lab.example', false, 'RFC 8705 §2.1.2', 'a dNSName SAN does not satisfy a URI registration');
  });

  it('accepts tls_client_auth_subject_dn as a name, and rejects another order or another set of RDNs', async () => {
    const view = await certificate('/C=JP/O=client-auth-lab/CN=mtls-client', [{ type: 'dNSName', value: 'client.lab.example' }]);
    await check(view, 'tls_client_auth_subject_dn', 'CN=mtls-client,O=client-auth-lab,C=JP', true, 'RFC 8705 §2.1.2; RFC 4514 §2.1', 'the RFC 4514 string lists the RDNs last first');
    await check(view, 'tls_client_auth_subject_dn', 'cn=MTLS-Client, o=client-auth-lab, c=jp', true, 'RFC 4517 §4.2.15', 'distinguishedNameMatch compares values case-insensitively and ignores spaces around separators');
    await check(view, 'tls_client_auth_subject_dn', 'C=JP,O=client-auth-lab,CN=mtls-client', false, 'RFC 4514 §2.1', 'the same RDNs in the opposite order are another name');
    await check(view, 'tls_client_auth_subject_dn', 'CN=mtls-client,O=client-auth-lab', false, 'RFC 4517 §4.2.15', 'a name with fewer RDNs is another name');
  });

  it('accepts every text form of generated IPv6 addresses and rejects a one-bit change (generated vectors)', async () => {
    for (let i = 0; i < 6; i++) {
      const bytes = randomBytes(16);
      bytes[0] = 0x20;
      const view = await certificate('/CN=generated-ip', [{ type: 'iPAddress', value: formatIpAddress(bytes) }]);
      const longForm = Array.from({ length: 8 }, (_, g) => bytes.readUInt16BE(g * 2).toString(16).toUpperCase().padStart(4, '0')).join(':');
      await check(view, 'tls_client_auth_san_ip', longForm, true, 'RFC 8705 §2.1.2; RFC 5952 §8', 'the full, upper-case form of the same address has the same octets');
      const flipped = Buffer.from(bytes);
      flipped[15] = (flipped[15] as number) ^ 1;
      await check(view, 'tls_client_auth_san_ip', formatIpAddress(flipped), false, 'RFC 8705 §2.1.2', 'one bit differs: another address');
    }
  });
});
