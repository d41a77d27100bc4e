/** Making certificates the way `openssl req -x509` and `openssl x509 -req -CA` do, with @peculiar/x509's X509CertificateGenerator signing
 * through WebCrypto. The extensions are the ones OpenSSL writes (v3_ca for self-signed: SKI, AKI keyid, basicConstraints critical
 * CA:TRUE). */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { decodeAsn1 } from '../asn1/decode.js';
import { toHex } from '../encoding/base64.js';
import { encodePem } from '../encoding/pem.js';
import { readCertificate, type CertificateView } from '../x509/certificate.js';
import { generalNamesJson, type SanInput } from '../x509/general-names.js';
import { encodeName, parseSubjectText } from '../x509/names.js';
import { KeyError } from './errors.js';
import { generateKeyPair, keyPairFromPrivateKey, type GeneratedKeyPair } from './generate.js';
import { readPrivateKey, readPublicKey } from './read.js';

export type { SanInput };
export interface IssuedCertificate { pem: string; der: Uint8Array; view: CertificateView }
export interface CertificateAuthority { certificatePem: string; der: Uint8Array; key: GeneratedKeyPair; view: CertificateView }

type Generate = Parameters<typeof x509.X509CertificateGenerator.create>;
type Signer = Pick<Extract<Generate[0], { signingKey: unknown }>, 'signingKey' | 'signingAlgorithm'>;
const crypto = webcrypto as unknown as NonNullable<Generate[1]>;
const DAY_MS = 86_400_000;
const CURVES: Readonly<Record<string, [string, string]>> = {
  prime256v1: ['P-256', 'SHA-256'], secp384r1: ['P-384', 'SHA-384'], secp521r1: ['P-521', 'SHA-512'],
};
const { keyCertSign, cRLSign, digitalSignature, keyEncipherment } = x509.KeyUsageFlags;

/** The WebCrypto signing key and algorithm for a private key: ECDSA with the curve's hash (as JOSE pairs them), RSA with SHA-256,
 * Ed25519. */
async function signerFor(key: KeyObject): Promise<Signer> {
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  const type = key.asymmetricKeyType;
  const algorithm = type === 'ec' && curve ? { name: 'ECDSA', namedCurve: curve[0], hash: curve[1] }
    : type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : type === 'ed25519' ? { name: 'Ed25519' } : undefined;
  if (!algorithm) throw new KeyError('ERR_KEY_ALGORITHM', `cannot sign certificates with a ${type ?? 'secret'} key`);
  const signingKey = await crypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']);
  return { signingKey: signingKey as never, signingAlgorithm: algorithm };
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value, as OpenSSL computes it. */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const bits = decodeAsn1(spkiDer, { encapsulation: false }).children[1];
  return new Uint8Array(createHash('sha1').update(bits ? bits.contents.subarray(1) : spkiDer).digest());
}

const spkiOf = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
// RSA end-entity keys may also encipher keys (TLS RSA key exchange); EC and EdDSA keys only sign.
const keyUsage = (isCA: boolean, key: KeyObject): x509.KeyUsageFlags =>
  isCA ? keyCertSign | cRLSign : key.asymmetricKeyType === 'rsa' ? digitalSignature | keyEncipherment : digitalSignature;
const subjectAltName = (san: readonly SanInput[] = []): x509.Extension[] =>
  (san.length === 0 ? [] : [new x509.SubjectAlternativeNameExtension(generalNamesJson(san))]);

interface Options {
  serialNumber?: string; issuer: Uint8Array; subject: Uint8Array; days?: number; notBefore?: Date; subjectPublicKey: KeyObject;
  signingKey: KeyObject; extensions: x509.Extension[];
}

async function makeCertificate(options: Options): Promise<IssuedCertificate> {
  const serialNumber = options.serialNumber ?? randomSerial();
  // RFC 5280 §4.1.2.2: the serial is a positive integer of at most 20 octets.
  const notPositive = `serial '${serialNumber}' is not a positive hex number of at most 20 octets`;
  const positive = /^[0-9a-fA-F]{1,40}$/.test(serialNumber) && !/^0*$/.test(serialNumber);
  if (!positive) throw new KeyError('ERR_CERTIFICATE_SERIAL', notPositive, 'RFC 5280 §4.1.2.2');
  const days = options.days ?? 30;
  // RFC 5280 §4.1.2.5: notAfter comes after notBefore.
  const invalid = `days must be a positive number, not ${days}`;
  if (!Number.isFinite(days) || days <= 0) throw new KeyError('ERR_CERTIFICATE_VALIDITY', invalid, 'RFC 5280 §4.1.2.5');
  // Whole seconds: UTCTime and DER GeneralizedTime carry no fraction here.
  const notBefore = new Date(Math.floor((options.notBefore ?? new Date()).getTime() / 1000) * 1000);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber.length % 2 ? `0${serialNumber}` : serialNumber, issuer: new x509.Name(options.issuer),
    subject: new x509.Name(options.subject), notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS),
    publicKey: spkiOf(options.subjectPublicKey), ...(await signerFor(options.signingKey)), extensions: options.extensions,
  }, crypto);
  const der = new Uint8Array(certificate.rawData);
  return { der, pem: encodePem('CERTIFICATE', der), view: readCertificate(der) };
}

/** Random positive serial of 20 octets at most (RFC 5280 §4.1.2.2), like OpenSSL's 159-bit serials: top bit clear, never zero. */
const randomSerial = (): string =>
  `${(((randomBytes(1)[0] ?? 0) & 0x7f) | 0x01).toString(16).padStart(2, '0')}${randomBytes(19).toString('hex')}`;

const privateKeyOf = (key: GeneratedKeyPair | string): KeyObject => (typeof key === 'string' ? readPrivateKey(key) : key.privateKey);
const publicKeyOf = (key: GeneratedKeyPair | string): KeyObject => {
  const read = typeof key === 'string' ? readPublicKey(key) : key.publicKey;
  return read.type === 'private' ? createPublicKey(read) : read;
};
/** SKI, and the AKI carrying the issuer's SKI so that paths can be built (RFC 5280 §4.2.1.1); a self-signed certificate is its own
 * issuer. */
function keyIds(spki: Uint8Array, issuer?: CertificateView): x509.Extension[] {
  const ski = toHex(keyIdentifier(spki));
  const aki = issuer === undefined ? ski : issuer.subjectKeyIdentifier;
  return [new x509.SubjectKeyIdentifierExtension(ski), ...(aki === undefined ? [] : [new x509.AuthorityKeyIdentifierExtension(aki)])];
}

/** A self-signed certificate like `openssl req -x509 -key K -subj S`: 30 days by default, SKI, AKI (keyid), basicConstraints critical
 * CA:TRUE (OpenSSL's v3_ca section), plus a SAN when given. */
export async function createSelfSignedCertificate(options: {
  key: GeneratedKeyPair | string; subject: string; days?: number; notBefore?: Date; san?: SanInput[]; serialNumber?: string;
}): Promise<IssuedCertificate> {
  const privateKey = privateKeyOf(options.key);
  const publicKey = createPublicKey(privateKey);
  const subject = encodeName(parseSubjectText(options.subject));
  const constraints = new x509.BasicConstraintsExtension(true, undefined, true);
  const extensions = [...keyIds(spkiOf(publicKey)), constraints, ...subjectAltName(options.san)];
  return makeCertificate({ ...options, issuer: subject, subject, subjectPublicKey: publicKey, signingKey: privateKey, extensions });
}

/** A small root CA: self-signed, CA:TRUE critical (with pathLenConstraint when given), keyCertSign and cRLSign. */
export async function createCertificateAuthority(options: {
  subject?: string; key?: GeneratedKeyPair; days?: number; notBefore?: Date; pathLength?: number;
} = {}): Promise<CertificateAuthority> {
  const key = options.key ?? (await generateKeyPair({ alg: 'EC', curve: 'P-256' }));
  const subject = encodeName(parseSubjectText(options.subject ?? '/CN=client-auth-lab CA'));
  const issued = await makeCertificate({
    days: options.days ?? 365, notBefore: options.notBefore, issuer: subject, subject, subjectPublicKey: key.publicKey,
    signingKey: key.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, options.pathLength, true), new x509.KeyUsagesExtension(keyUsage(true, key.publicKey), true),
      ...keyIds(spkiOf(key.publicKey)),
    ],
  });
  return { certificatePem: issued.pem, der: issued.der, key, view: issued.view };
}

/** A certificate signed by `ca`: end-entity by default (CA:FALSE, digitalSignature), or a subordinate CA. */
export async function issueCertificate(options: {
  ca: CertificateAuthority; publicKey: GeneratedKeyPair | string; subject: string; san?: SanInput[]; days?: number; notBefore?: Date;
  isCA?: boolean; extendedKeyUsage?: ('clientAuth' | 'serverAuth')[]; serialNumber?: string;
}): Promise<IssuedCertificate> {
  const publicKey = publicKeyOf(options.publicKey);
  const { isCA = false, extendedKeyUsage: purposes = [] } = options;
  return makeCertificate({
    ...options,
    // The issuer is the CA certificate's subject as encoded there (RFC 5280 §4.1.2.4).
    issuer: new Uint8Array(new x509.X509Certificate(options.ca.der).subjectName.toArrayBuffer()),
    subject: encodeName(parseSubjectText(options.subject)),
    subjectPublicKey: publicKey,
    signingKey: options.ca.key.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(isCA, undefined, isCA), new x509.KeyUsagesExtension(keyUsage(isCA, publicKey), true),
      ...(purposes.length > 0 ? [new x509.ExtendedKeyUsageExtension(purposes.map((p) => x509.ExtendedKeyUsage[p]))] : []),
      ...keyIds(spkiOf(publicKey), options.ca.view), ...subjectAltName(options.san),
    ],
  });
}

/** A CertificateAuthority from files: the CA's private key PEM and certificate PEM (checked to match). */
export function loadCertificateAuthority(privateKeyPem: string, certificatePem: string): CertificateAuthority {
  const privateKey = readPrivateKey(privateKeyPem);
  const key = keyPairFromPrivateKey(privateKey, createPublicKey(privateKey));
  const view = readCertificate(certificatePem);
  // The CA key must be the key the CA certificate certifies, or nothing it signs will verify.
  const mismatch = `the CA key does not belong to the CA certificate '${view.subjectString}'`;
  if (Buffer.compare(spkiOf(key.publicKey), view.subjectPublicKeyInfo) !== 0) throw new KeyError('ERR_CA_KEY_MISMATCH', mismatch);
  return { certificatePem, der: view.der, key, view };
}
