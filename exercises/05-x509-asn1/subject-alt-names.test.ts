import { describe, it } from 'vitest';
import {
  createSelfSignedCertificate, decodePem, derBitString, derBoolean, derContext, derInteger, derOctetString, derOid, derSequence,
  derTime, encodeGeneralNames, encodeName, generateKeyPair, parseSubjectText, type SanInput,
} from '@client-auth-lab/lib';
import { expectCode, expectNoThrow, expectRule } from '../support/expectations.js';
import { subjectAltNames } from './subject-alt-names.js';

const SECTION = 'RFC 5280 §4.2.1.6';

/** Made with `openssl req -x509 … -addext subjectAltName=otherName:…,email:…,DNS:…,dirName:…,URI:…,IP:…,IP:…,RID:…`. */
const OPENSSL_ZOO = `-----BEGIN CERTIFICATE-----
MIICkzCCAjqgAwIBAgIUPTfUaJavhCZHBfrSySDKYzXnndAwCgYIKoZIzj0EAwIw
OTELMAkGA1UEBhMCSlAxGDAWBgNVBAoMD2NsaWVudC1hdXRoLWxhYjEQMA4GA1UE
AwwHc2FuLXpvbzAeFw0yNjExMjIwNDA0NTdaFw0zNjExMTkwNDA0NTdaMDkxCzAJ
BgNVBAYTAkpQMRgwFgYDVQQKDA9jbGllbnQtYXV0aC1sYWIxEDAOBgNVBAMMB3Nh
bi16b28wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR3h0ofcAEei5gPn0jXpwZo
xyZ64Z6NVGpBzobm6ReWDcQavWWQG5jB4HVuey1+HWOv1b0NUnNvGqNLgxL9nCKc
o4IBHjCCARowHQYDVR0OBBYEFBrNgRuxH4vegRmSJb9ysEOnCa7QMB8GA1UdIwQY
MBaAFBrNgRuxH4vegRmSJb9ysEOnCa7QMA8GA1UdEwEB/wQFMAMBAf8wgcYGA1Ud
EQSBvjCBu6AfBgorBgEEAYI3FAIDoBEMD3pvb0BsYWIuZXhhbXBsZYEPWm9vQExh
Yi5FeGFtcGxlgg96b28ubGFiLmV4YW1wbGWkOTA3MQswCQYDVQQGEwJKUDEQMA4G
A1UECgwHTGFiIERpcjEWMBQGA1UEAwwNem9vIGRpcmVjdG9yeYYeaHR0cHM6Ly96
b28ubGFiLmV4YW1wbGUvY2xpZW50hwTAAAIHhxAgAQ24AAAAAAAAAAAAAAAHiAMq
AwQwCgYIKoZIzj0EAwIDRwAwRAIgPr20jA2JJU2q5N8jmWyvCgKpIep9f/CFHld+
pnKEZBcCIC0tRGQQ9Jnw+rnS84KLie+VISWRYtSb2QS/oLrFibEn
-----END CERTIFICATE-----`;

const ZOO_NAMES = [
  { type: 'otherName', value: '#060a2b060104018237140203a0110c0f7a6f6f406c61622e6578616d706c65' },
  { type: 'rfc822Name', value: 'Zoo@Lab.Example' },
  { type: 'dNSName', value: 'zoo.lab.example' },
  { type: 'directoryName', value: '#3037310b3009060355040613024a503110300e060355040a0c074c6162204469723116301406035504030c0d7a6f6f206469726563746f7279' },
  { type: 'uniformResourceIdentifier', value: 'https://zoo.lab.example/client' },
  { type: 'iPAddress', value: '192.0.2.7' },
  { type: 'iPAddress', value: '2001:db8::7' },
  { type: 'registeredID', value: '#2a0304' },
];

const SAN_OID = '2.5.29.17';

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/**
 * A structurally complete certificate (RFC 5280 §4.1) built field by field. Its signature is not
 * meant to verify: only the shape of tbsCertificate matters to the walk being tested.
 */
function builtCertificate(options: { extensions: Uint8Array[]; uniqueIds?: boolean }): Uint8Array {
  const ecdsaWithSha256 = derSequence(derOid('1.2.840.10045.4.3.2'));
  const spki = derSequence(derSequence(derOid('1.2.840.10045.2.1'), derOid('1.2.840.10045.3.1.7')), derBitString(new Uint8Array(65).fill(4, 0, 1)));
  const tbs = derSequence(
    derContext(0, derInteger(2), true),
    derInteger(4242),
    ecdsaWithSha256,
    encodeName(parseSubjectText('/O=client-auth-lab/CN=built issuer')),
    derSequence(derTime(new Date('2025-01-01T00:00:00Z')), derTime(new Date('2035-01-01T00:00:00Z'))),
    encodeName(parseSubjectText('/O=client-auth-lab/CN=built subject')),
    spki,
    // issuerUniqueID [1] and subjectUniqueID [2] are IMPLICIT BIT STRINGs (RFC 5280 §4.1.2.8).
    ...(options.uniqueIds === true ? [derContext(1, Uint8Array.of(0, 0x0c, 0x30), false), derContext(2, Uint8Array.of(0, 0x87, 0x04), false)] : []),
    derContext(3, derSequence(...options.extensions), true),
  );
  return derSequence(tbs, ecdsaWithSha256, derBitString(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01)));
}

const read = (der: Uint8Array) => expectNoThrow(() => subjectAltNames(der), SECTION, 'a well-formed certificate must be read without an error');

describe('subjectAltNames: the GeneralNames of a certificate, from its DER (RFC 5280 §4.2.1.6)', () => {
  it('accepts a certificate made by openssl and reads all its alternatives in order', async () => {
    const got = await read(decodePem(OPENSSL_ZOO, 'CERTIFICATE').der);
    expectRule(got, ZOO_NAMES, SECTION,
      'the context tag number names the alternative ([0] otherName … [8] registeredID); IA5String text for [1] [2] [6], an address for [7], #hex of the contents otherwise');
  });

  it('accepts certificates the lab issues and reads their names (generated vectors)', async () => {
    const generatedName = `n${Math.random().toString(36).slice(2, 10)}.lab.example`;
    const cases: { san: SanInput[]; expected: { type: string; value: string }[] }[] = [
      {
        san: [{ type: 'dNSName', value: 'client.lab.example' }, { type: 'iPAddress', value: '2001:0db8:0:0:0:0:0:1' }],
        expected: [{ type: 'dNSName', value: 'client.lab.example' }, { type: 'iPAddress', value: '2001:db8::1' }],
      },
      {
        san: [{ type: 'uniformResourceIdentifier', value: 'spiffe://lab.example/client' }, { type: 'rfc822Name', value: 'ops@lab.example' }, { type: 'iPAddress', value: '198.51.100.23' }],
        expected: [{ type: 'uniformResourceIdentifier', value: 'spiffe://lab.example/client' }, { type: 'rfc822Name', value: 'ops@lab.example' }, { type: 'iPAddress', value: '198.51.100.23' }],
      },
      {
        san: [{ type: 'iPAddress', value: '0:0:0:0:0:0:0:1' }, { type: 'dNSName', value: generatedName }],
        expected: [{ type: 'iPAddress', value: '::1' }, { type: 'dNSName', value: generatedName }],
      },
    ];
    for (const { san, expected } of cases) {
      const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
      const certificate = await createSelfSignedCertificate({ key, subject: '/CN=generated', san });
      expectRule(await read(certificate.der), expected, SECTION,
        `the SANs of a certificate issued with ${san.map((s) => `${s.type}:${s.value}`).join(', ')}, iPAddress written as dotted decimal or RFC 5952 text`);
    }
  });

  it('accepts a certificate without subjectAltName and returns an empty list', async () => {
    const key = await generateKeyPair({ alg: 'EC', curve: 'P-256' });
    const certificate = await createSelfSignedCertificate({ key, subject: '/CN=no-san' });
    expectRule(await read(certificate.der), [], SECTION, 'no 2.5.29.17 extension means no SAN entries (other extensions are not SANs)');
  });

  it('accepts a subjectAltName marked critical, where extnValue is the third member', async () => {
    const der = builtCertificate({ extensions: [extension(SAN_OID, true, encodeGeneralNames([{ type: 'dNSName', value: 'critical.lab.example' }]))] });
    expectRule(await read(der), [{ type: 'dNSName', value: 'critical.lab.example' }], 'RFC 5280 §4.1',
      'Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }: when critical is present, extnValue moves to the third position');
  });

  it('accepts a certificate with issuerUniqueID [1] and subjectUniqueID [2] and finds the extensions under [3]', async () => {
    const der = builtCertificate({
      uniqueIds: true,
      extensions: [
        extension('2.5.29.19', true, derSequence()),
        extension(SAN_OID, false, encodeGeneralNames([{ type: 'rfc822Name', value: 'unique@lab.example' }, { type: 'iPAddress', value: '203.0.113.9' }])),
      ],
    });
    expectRule(await read(der), [{ type: 'rfc822Name', value: 'unique@lab.example' }, { type: 'iPAddress', value: '203.0.113.9' }], 'RFC 5280 §4.1',
      'the extensions field is the [3] EXPLICIT member of tbsCertificate, whatever optional fields come before it');
  });

  it('rejects a certificate with two subjectAltName extensions because an extension appears at most once', async () => {
    const der = builtCertificate({
      extensions: [
        extension(SAN_OID, false, encodeGeneralNames([{ type: 'dNSName', value: 'first.lab.example' }])),
        extension(SAN_OID, false, encodeGeneralNames([{ type: 'dNSName', value: 'second.lab.example' }])),
      ],
    });
    await expectCode(() => subjectAltNames(der), 'ERR_DUPLICATE_EXTENSION', 'RFC 5280 §4.2',
      'a certificate MUST NOT include more than one instance of a particular extension; picking either would let an attacker choose');
  });
});
