/**
 * Making certificates the way `openssl req -x509` and `openssl x509 -req -CA` do, byte by byte with
 * the lab's DER writer (RFC 5280 §4.1), signed with node:crypto. The result is read back with
 * readCertificate, so the caller gets the same view as for any other certificate.
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  derBitString, derBoolean, derContext, derInteger, derNull, derOctetString, derOid, derSequence, derTime,
} from '../asn1/encode.js';
import { decodeAsn1 } from '../asn1/decode.js';
import { encodePem } from '../encoding/pem.js';
import { readCertificate, type CertificateView } from '../x509/certificate.js';
import { encodeGeneralNames, type SanInput } from '../x509/general-names.js';
import { encodeName, parseSubjectText, type DistinguishedName } from '../x509/names.js';
import { KeyError } from './errors.js';
import { generateKeyPair, keyPairFromPrivateKey, type GeneratedKeyPair } from './generate.js';
import { readPrivateKey, readPublicKey } from './read.js';

export type { SanInput };

export interface IssuedCertificate {
  pem: string;
  der: Uint8Array;
  view: CertificateView;
}

export interface CertificateAuthority {
  certificatePem: string;
  der: Uint8Array;
  key: GeneratedKeyPair;
  view: CertificateView;
}

const DAY_MS = 86_400_000;

/** Signature algorithm for a signing key: the OID, its parameters, and the digest for node:crypto. */
function signatureAlgorithmFor(key: KeyObject): { algorithm: Uint8Array; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      // RFC 5758 §3.2: ecdsa-with-SHA* has no parameters; the digest follows the curve size, as JOSE does.
      if (curve === 'secp384r1' || curve === 'P-384') return { algorithm: derSequence(derOid('1.2.840.10045.4.3.3')), digest: 'sha384' };
      if (curve === 'secp521r1' || curve === 'P-521') return { algorithm: derSequence(derOid('1.2.840.10045.4.3.4')), digest: 'sha512' };
      return { algorithm: derSequence(derOid('1.2.840.10045.4.3.2')), digest: 'sha256' };
    }
    case 'rsa':
      // RFC 4055 §5: sha256WithRSAEncryption parameters are NULL.
      return { algorithm: derSequence(derOid('1.2.840.113549.1.1.11'), derNull()), digest: 'sha256' };
    case 'ed25519':
      // RFC 8410 §3: Ed25519 has no parameters and no separate digest.
      return { algorithm: derSequence(derOid('1.3.101.112')), digest: null };
    default:
      throw new KeyError('ERR_KEY_ALGORITHM', `cannot sign certificates with a ${key.asymmetricKeyType ?? 'secret'} key`);
  }
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value, as OpenSSL computes it. */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const spki = decodeAsn1(spkiDer, { encapsulation: false });
  const bits = spki.children[1];
  return new Uint8Array(createHash('sha1').update(bits ? bits.contents.subarray(1) : spkiDer).digest());
}

/** Random positive serial of 20 octets at most (RFC 5280 §4.1.2.2), like OpenSSL's 159-bit serials. */
function randomSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  // RFC 5280 §4.1: critical is DEFAULT FALSE, so DER leaves it out when false (X.690 §11.5).
  return critical ? derSequence(derOid(oid), derBoolean(true), derOctetString(value)) : derSequence(derOid(oid), derOctetString(value));
}

function keyUsageBits(usages: readonly number[]): Uint8Array {
  // RFC 5280 §4.2.1.3 with DER's trailing-zero rule (X.690 §11.2.2): drop unused trailing bits.
  const highest = Math.max(...usages);
  const octets = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of usages) octets[bit >> 3] = (octets[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = 7 - (highest % 8);
  return derBitString(octets, unused);
}

const EKU_OIDS = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

interface TbsOptions {
  serialNumber: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKey: KeyObject;
  signingKey: KeyObject;
  extensions: Uint8Array[];
}

function buildCertificate(options: TbsOptions): IssuedCertificate {
  const { algorithm, digest } = signatureAlgorithmFor(options.signingKey);
  const spki = new Uint8Array(options.subjectPublicKey.export({ type: 'spki', format: 'der' }));
  // RFC 5280 §4.1.2.2: the serial is a positive integer of at most 20 octets.
  if (!/^[0-9a-fA-F]{1,40}$/.test(options.serialNumber) || /^0*$/.test(options.serialNumber)) {
    throw new KeyError('ERR_CERTIFICATE_SERIAL', `serial '${options.serialNumber}' is not a positive hex number of at most 20 octets`, 'RFC 5280 §4.1.2.2');
  }
  // RFC 5280 §4.1.2.5: notAfter comes after notBefore.
  if (options.notAfter.getTime() <= options.notBefore.getTime()) throw new KeyError('ERR_CERTIFICATE_VALIDITY', 'notAfter must be later than notBefore', 'RFC 5280 §4.1.2.5');
  const tbs = derSequence(
    derContext(0, derInteger(2), true), // version v3 (RFC 5280 §4.1.2.1)
    derInteger(options.serialNumber),
    algorithm,
    encodeName(options.issuer),
    derSequence(derTime(options.notBefore), derTime(options.notAfter)),
    encodeName(options.subject),
    spki,
    derContext(3, derSequence(...options.extensions), true),
  );
  const signature = new Uint8Array(sign(digest, tbs, options.signingKey));
  const der = derSequence(tbs, algorithm, derBitString(signature));
  return { der, pem: encodePem('CERTIFICATE', der), view: readCertificate(der) };
}

function privateKeyOf(key: GeneratedKeyPair | string): KeyObject {
  return typeof key === 'string' ? readPrivateKey(key) : key.privateKey;
}

function publicKeyOf(key: GeneratedKeyPair | string): KeyObject {
  if (typeof key !== 'string') return key.publicKey;
  const publicKey = readPublicKey(key);
  return publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
}

function validity(days: number | undefined, notBefore: Date | undefined): { notBefore: Date; notAfter: Date } {
  const count = days ?? 30;
  if (!Number.isFinite(count) || count <= 0) throw new KeyError('ERR_CERTIFICATE_VALIDITY', `days must be a positive number, not ${count}`, 'RFC 5280 §4.1.2.5');
  // Whole seconds: UTCTime and DER GeneralizedTime carry no fraction here.
  const start = new Date(Math.floor((notBefore ?? new Date()).getTime() / 1000) * 1000);
  return { notBefore: start, notAfter: new Date(start.getTime() + count * DAY_MS) };
}

/**
 * A self-signed certificate like `openssl req -x509 -key K -subj S`: 30 days by default, SKI, AKI
 * (keyid), basicConstraints critical CA:TRUE (OpenSSL's v3_ca section), plus a SAN when given.
 */
export async function createSelfSignedCertificate(options: {
  key: GeneratedKeyPair | string;
  subject: string;
  days?: number;
  notBefore?: Date;
  san?: SanInput[];
  serialNumber?: string;
}): Promise<IssuedCertificate> {
  const privateKey = privateKeyOf(options.key);
  const publicKey = createPublicKey(privateKey);
  const subject = parseSubjectText(options.subject);
  const ski = keyIdentifier(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
  const extensions = [
    extension('2.5.29.14', false, derOctetString(ski)),
    extension('2.5.29.35', false, derSequence(derContext(0, ski, false))),
    extension('2.5.29.19', true, derSequence(derBoolean(true))),
  ];
  if (options.san && options.san.length > 0) extensions.push(extension('2.5.29.17', false, encodeGeneralNames(options.san)));
  return buildCertificate({
    serialNumber: options.serialNumber ?? randomSerial(),
    issuer: subject,
    subject,
    ...validity(options.days, options.notBefore),
    subjectPublicKey: publicKey,
    signingKey: privateKey,
    extensions,
  });
}

/** A small root CA: self-signed, CA:TRUE critical (with pathLenConstraint when given), keyCertSign and cRLSign. */
export async function createCertificateAuthority(options: { subject?: string; key?: GeneratedKeyPair; days?: number; notBefore?: Date; pathLength?: number } = {}): Promise<CertificateAuthority> {
  const key = options.key ?? (await generateKeyPair({ alg: 'EC', curve: 'P-256' }));
  const subject = parseSubjectText(options.subject ?? '/CN=client-auth-lab CA');
  const ski = keyIdentifier(new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' })));
  const basic = options.pathLength === undefined ? derSequence(derBoolean(true)) : derSequence(derBoolean(true), derInteger(options.pathLength));
  const issued = buildCertificate({
    serialNumber: randomSerial(),
    issuer: subject,
    subject,
    ...validity(options.days ?? 365, options.notBefore),
    subjectPublicKey: key.publicKey,
    signingKey: key.privateKey,
    extensions: [
      extension('2.5.29.19', true, basic),
      extension('2.5.29.15', true, keyUsageBits([5, 6])), // keyCertSign, cRLSign (RFC 5280 §4.2.1.3)
      extension('2.5.29.14', false, derOctetString(ski)),
      extension('2.5.29.35', false, derSequence(derContext(0, ski, false))),
    ],
  });
  return { certificatePem: issued.pem, der: issued.der, key, view: issued.view };
}

/** A certificate signed by `ca`: end-entity by default (CA:FALSE, digitalSignature), or a subordinate CA. */
export async function issueCertificate(options: {
  ca: CertificateAuthority;
  publicKey: GeneratedKeyPair | string;
  subject: string;
  san?: SanInput[];
  days?: number;
  notBefore?: Date;
  isCA?: boolean;
  extendedKeyUsage?: ('clientAuth' | 'serverAuth')[];
  serialNumber?: string;
}): Promise<IssuedCertificate> {
  const publicKey = publicKeyOf(options.publicKey);
  const ski = keyIdentifier(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
  const caKeyId = options.ca.view.subjectKeyIdentifier;
  const isCA = options.isCA ?? false;
  const extensions = [
    extension('2.5.29.19', isCA, isCA ? derSequence(derBoolean(true)) : derSequence()),
    // RSA end-entity keys may also encipher keys (TLS RSA key exchange); EC and EdDSA keys only sign.
    extension('2.5.29.15', true, keyUsageBits(isCA ? [5, 6] : publicKey.asymmetricKeyType === 'rsa' ? [0, 2] : [0])),
  ];
  if (options.extendedKeyUsage && options.extendedKeyUsage.length > 0) {
    extensions.push(extension('2.5.29.37', false, derSequence(...options.extendedKeyUsage.map((p) => derOid(EKU_OIDS[p])))));
  }
  extensions.push(extension('2.5.29.14', false, derOctetString(ski)));
  // RFC 5280 §4.2.1.1: the AKI carries the issuer's SKI so that paths can be built.
  if (caKeyId !== undefined) extensions.push(extension('2.5.29.35', false, derSequence(derContext(0, Buffer.from(caKeyId, 'hex'), false))));
  if (options.san && options.san.length > 0) extensions.push(extension('2.5.29.17', false, encodeGeneralNames(options.san)));
  return buildCertificate({
    serialNumber: options.serialNumber ?? randomSerial(),
    issuer: options.ca.view.subject,
    subject: parseSubjectText(options.subject),
    ...validity(options.days, options.notBefore),
    subjectPublicKey: publicKey,
    signingKey: options.ca.key.privateKey,
    extensions,
  });
}

/** A CertificateAuthority from files: the CA's private key PEM and certificate PEM (checked to match). */
export function loadCertificateAuthority(privateKeyPem: string, certificatePem: string): CertificateAuthority {
  const privateKey = readPrivateKey(privateKeyPem);
  const key = keyPairFromPrivateKey(privateKey, createPublicKey(privateKey));
  const view = readCertificate(certificatePem);
  const spki = new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
  // The CA key must be the key the CA certificate certifies, or nothing it signs will verify.
  if (Buffer.compare(spki, view.subjectPublicKeyInfo) !== 0) {
    throw new KeyError('ERR_CA_KEY_MISMATCH', `the CA key does not belong to the CA certificate '${view.subjectString}'`);
  }
  return { certificatePem, der: view.der, key, view };
}

