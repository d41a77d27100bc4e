/** The certificate view as text laid out like `openssl x509 -text -noout` (so the two can be read side by side), and as plain JSON for
 * programs and notebooks. */
import { toBase64Url, toHex } from '../encoding/base64.js';
import { describeKeyText, opensslHexDump } from '../keys/describe.js';
import type { CertificateView } from './certificate.js';
import { certificatePublicKey } from './certificate.js';
import type { ExtensionValue } from './extensions.js';
import type { GeneralName } from './general-names.js';
import type { AttributeTypeAndValue, DistinguishedName } from './names.js';
import { attributeShortName } from './names.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jun 27 11:38:03 2020 GMT", OpenSSL's date format. */
export function opensslDate(date: Date): string {
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2)} ${time} ${date.getUTCFullYear()} GMT`;
}

/** OpenSSL's one-line name form: ASN.1 order, "C = JP, O = Example, CN = a + UID = b". */
export function opensslOneLineName(dn: DistinguishedName): string {
  const quote = (v: string): string => (/[,+=<>#;"\\]|^\s|\s$/.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v);
  const pair = (a: AttributeTypeAndValue): string => `${a.shortName ?? attributeShortName(a.type) ?? a.type} = ${quote(a.value)}`;
  return dn.map((rdn) => rdn.map(pair).join(' + ')).join(', ');
}

const GENERAL_NAME_PREFIXES: Readonly<Record<string, string>> = {
  dNSName: 'DNS', rfc822Name: 'email', uniformResourceIdentifier: 'URI', iPAddress: 'IP Address', directoryName: 'DirName',
  registeredID: 'Registered ID',
};

/** SAN entry as OpenSSL prints it: "DNS:a", "IP Address:1.2.3.4", "URI:…", "email:…", "DirName:…". */
export function opensslGeneralName(name: GeneralName): string {
  return `${GENERAL_NAME_PREFIXES[name.type] ?? name.type}:${name.value}`;
}

const EXTENSION_LABELS: Readonly<Record<string, string>> = {
  subjectKeyIdentifier: 'X509v3 Subject Key Identifier', authorityKeyIdentifier: 'X509v3 Authority Key Identifier',
  basicConstraints: 'X509v3 Basic Constraints', keyUsage: 'X509v3 Key Usage', extKeyUsage: 'X509v3 Extended Key Usage',
  subjectAltName: 'X509v3 Subject Alternative Name', issuerAltName: 'X509v3 Issuer Alternative Name',
  certificatePolicies: 'X509v3 Certificate Policies', cRLDistributionPoints: 'X509v3 CRL Distribution Points',
  authorityInfoAccess: 'Authority Information Access',
};

/** OpenSSL's words for key usages ('keyCertSign' is "Certificate Sign", the others are the bit's name spelled out). */
const keyUsageText = (usage: string): string => ({ keyCertSign: 'Certificate Sign', cRLSign: 'CRL Sign' })[usage]
  ?? usage.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

const EKU_TEXT: Readonly<Record<string, string>> = {
  serverAuth: 'TLS Web Server Authentication', clientAuth: 'TLS Web Client Authentication', codeSigning: 'Code Signing',
  emailProtection: 'E-mail Protection', timeStamping: 'Time Stamping', OCSPSigning: 'OCSP Signing',
};

const colonHex = (hex: string): string => (hex.match(/../g) ?? []).join(':').toUpperCase();

/** The body lines OpenSSL prints under an extension's heading. */
export function extensionValueText(value: ExtensionValue): string[] {
  switch (value.kind) {
    case 'subjectAltName': case 'issuerAltName': case 'cRLDistributionPoints':
      return [value.names.map(opensslGeneralName).join(', ')];
    case 'subjectKeyIdentifier':
      return [colonHex(value.keyIdentifier)];
    case 'authorityKeyIdentifier': {
      const { keyIdentifier, authorityCertIssuer = [], authorityCertSerialNumber: serial } = value;
      const keyId = keyIdentifier === undefined ? [] : [colonHex(keyIdentifier)];
      return [...keyId, ...authorityCertIssuer.map(opensslGeneralName), ...(serial === undefined ? [] : [`serial:${colonHex(serial)}`])];
    }
    case 'basicConstraints':
      return [`CA:${value.cA ? 'TRUE' : 'FALSE'}${value.pathLenConstraint === undefined ? '' : `, pathlen:${value.pathLenConstraint}`}`];
    case 'keyUsage':
      return [value.usages.map(keyUsageText).join(', ')];
    case 'extendedKeyUsage':
      return [value.purposes.map((p) => (p.name ? (EKU_TEXT[p.name] ?? p.name) : p.oid)).join(', ')];
    case 'certificatePolicies':
      return value.policies.map((p) => `Policy: ${p.name ?? p.oid}`);
    case 'authorityInfoAccess':
      return value.descriptions.map(({ method, location }) =>
        `${method.name === 'ocsp' ? 'OCSP' : method.name === 'caIssuers' ? 'CA Issuers' : method.oid} - ${opensslGeneralName(location)}`);
    case 'unknown':
      return [opensslHexDump(Buffer.from(value.hex, 'hex'), 0)];
  }
}

const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  EC: 'id-ecPublicKey', RSA: 'rsaEncryption', 'RSA-PSS': 'rsassaPss', Ed25519: 'ED25519', Ed448: 'ED448',
};

/** Text like `openssl x509 -text -noout`, with the RFC 4514 names and x5t#S256 added at the end. */
export function formatCertificateText(view: CertificateView): string {
  const indent = (n: number, text: string): string => text.split('\n').map((line) => `${' '.repeat(n)}${line}`).join('\n');
  const sign = view.serialNumber.startsWith('-') ? '-' : '';
  const serialBytes = view.serialNumber.replace(/^-/, '');
  const serial = BigInt(`0x${serialBytes}`);
  let key: string;
  try {
    key = describeKeyText(certificatePublicKey(view)).trimEnd();
  } catch {
    key = `Unable to show the key: ${toHex(view.subjectPublicKeyInfo)}`;
  }
  const serialLines = serialBytes.length <= 16
    ? [`        Serial Number: ${sign}${serial} (${sign}0x${serial.toString(16)})`]
    : ['        Serial Number:', `            ${(serialBytes.match(/../g) ?? []).join(':')}`];
  const extensions = view.extensions.flatMap((e) => [
    `            ${EXTENSION_LABELS[e.name] ?? e.name}:${e.critical ? ' critical' : ''}`,
    ...extensionValueText(e.value).map((line) => indent(16, line)),
  ]);
  const out: string[] = [
    'Certificate:', '    Data:', `        Version: ${view.version} (0x${(view.version - 1).toString(16)})`, ...serialLines,
    `        Signature Algorithm: ${view.signatureAlgorithm}`, `        Issuer: ${opensslOneLineName(view.issuer)}`,
    '        Validity', `            Not Before: ${opensslDate(view.notBefore)}`, `            Not After : ${opensslDate(view.notAfter)}`,
    `        Subject: ${opensslOneLineName(view.subject)}`, '        Subject Public Key Info:',
    `            Public Key Algorithm: ${PUBLIC_KEY_ALGORITHMS[view.publicKey.type] ?? view.publicKey.type}`, indent(16, key),
    ...(extensions.length > 0 ? ['        X509v3 extensions:', ...extensions] : []),
    `    Signature Algorithm: ${view.signatureAlgorithm}`, '    Signature Value:', opensslHexDump(view.signatureValue, 8, 18),
    '', 'In RFC 4514 form (reverse order), and as the lab computes them:',
    `    subject:     ${view.subjectString}`, `    issuer:      ${view.issuerString}`, `    x5t#S256:    ${view.x5tS256}`,
    `    self-signed: ${view.selfSigned ? 'yes (issuer = subject, and the own key verifies the signature)' : 'no'}`,
  ];
  return `${out.join('\n')}\n`;
}

/** Plain JSON: the raw octets of a GeneralName become its `hex` member. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([name, member]) =>
    (member instanceof Uint8Array ? ['hex', toHex(member)] : [name, plain(member)])));
}

/** The JSON document of `authlab x509 --json`. */
export function certificateToJson(view: CertificateView): Record<string, unknown> {
  const { version, serialNumber, signatureAlgorithm, publicKey, x5tS256, selfSigned } = view;
  return {
    version, serialNumber, signatureAlgorithm, issuer: view.issuerString, subject: view.subjectString, issuerAttributes: view.issuer,
    subjectAttributes: view.subject, notBefore: view.notBefore.toISOString(), notAfter: view.notAfter.toISOString(), publicKey,
    extensions: view.extensions.map((e) => ({ oid: e.oid, name: e.name, critical: e.critical, value: plain(e.value) })),
    san: view.subjectAltNames.map((n) => ({ type: n.type, value: n.value })), x5tS256, selfSigned,
    subjectPublicKeyInfo: toBase64Url(view.subjectPublicKeyInfo),
  };
}
