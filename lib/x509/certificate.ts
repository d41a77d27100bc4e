/**
 * A read-only view of an X.509 v3 certificate (RFC 5280 §4.1), parsed synchronously from DER with
 * the lab's own reader, so every field can be traced back to its bytes.
 */
import type { KeyObject } from 'node:crypto';
import { Asn1Error } from '../asn1/errors.js';
import { decodeAsn1, encodedBytes } from '../asn1/decode.js';
import { oidName } from '../asn1/oids.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { toHex } from '../encoding/base64.js';
import { decodeInput } from '../encoding/detect.js';
import { decodePemAll } from '../encoding/pem.js';
import { CodedError } from '../errors.js';
import { x5tS256 } from '../mtls/thumbprint.js';
import { decodeExtensions, type CertificateExtension, type KeyUsage, type NamedOid } from './extensions.js';
import type { GeneralName } from './general-names.js';
import { decodeName, distinguishedNamesEqual, formatDistinguishedName, type DistinguishedName } from './names.js';
import { describePublicKey, publicKeyFromSpki, type PublicKeyInfo } from './public-key.js';
import { verifyCertificateSignature } from './signature.js';

export interface CertificateView {
  /** The whole certificate, DER. */
  der: Uint8Array;
  /** 1, 2 or 3 (the encoded INTEGER plus one, RFC 5280 §4.1.2.1). */
  version: number;
  /** Lowercase hex of the serial number's magnitude (RFC 5280 §4.1.2.2). */
  serialNumber: string;
  /** Name of the signature algorithm ("ecdsa-with-SHA256"), or its OID when unknown. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  /** RFC 4514 strings. */
  issuerString: string;
  subjectString: string;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: GeneralName[];
  /** base64url SHA-256 of the DER (RFC 8705 §3.1). */
  x5tS256: string;
  /** Issuer equals subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  publicKey: PublicKeyInfo;
  /** SubjectPublicKeyInfo DER (what `openssl pkey -pubin` reads). */
  subjectPublicKeyInfo: Uint8Array;
  extensions: CertificateExtension[];
  /** Lowercase hex, when the extension is present. */
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  basicConstraints?: { cA: boolean; pathLenConstraint?: number; critical: boolean };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: NamedOid[];
  /** The signed part and the signature, for checking it against an issuer's key. */
  tbsCertificate: Uint8Array;
  signatureValue: Uint8Array;
}

function malformed(message: string, node: Asn1Node | undefined, field: string): never {
  throw new Asn1Error('ERR_CERTIFICATE_MALFORMED', `${field}: ${message}`, node?.offset ?? 0, 'RFC 5280 §4.1');
}

function isUniversal(node: Asn1Node | undefined, tagNumber: number): node is Asn1Node {
  return node !== undefined && node.tagClass === 'universal' && node.tagNumber === tagNumber;
}

function algorithmOid(node: Asn1Node | undefined, field: string): { oid: string; der: string } {
  // RFC 5280 §4.1.1.2: AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }.
  const oid = node?.children[0]?.value;
  if (!isUniversal(node, UniversalTag.SEQUENCE) || oid?.kind !== 'oid' || node.children.length > 2) return malformed('not an AlgorithmIdentifier', node, field);
  return { oid: oid.oid, der: toHex(encodedBytes(node)) };
}

function timeOf(node: Asn1Node | undefined, field: string): Date {
  // RFC 5280 §4.1.2.5: Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }.
  if (node?.value?.kind !== 'time' || node.tagClass !== 'universal') return malformed('not a UTCTime or GeneralizedTime', node, field);
  return new Date(node.value.iso);
}

function serialHex(node: Asn1Node): string {
  const bytes = node.contents;
  // The magnitude, as OpenSSL prints it: no 0x00 sign octet in front of a high bit.
  if ((bytes[0] ?? 0) & 0x80) {
    const magnitude = (BigInt(`0x${toHex(bytes)}`) - (1n << BigInt(bytes.length * 8))) * -1n;
    return `-${magnitude.toString(16).padStart(2, '0')}`;
  }
  const hex = toHex(bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes);
  return hex;
}

/** Parses the certificate tree into a view; `der` must be the bytes the tree was decoded from. */
function viewFromTree(root: Asn1Node, der: Uint8Array): CertificateView {
  const [tbs, outerAlgorithm, signature] = root.children;
  // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
  if (!isUniversal(root, UniversalTag.SEQUENCE) || root.children.length !== 3) malformed('not a SEQUENCE of three elements', root, 'Certificate');
  if (!isUniversal(tbs, UniversalTag.SEQUENCE)) return malformed('not a SEQUENCE', tbs, 'tbsCertificate');
  if (!isUniversal(signature, UniversalTag.BIT_STRING) || signature.value?.kind !== 'bitString') return malformed('not a BIT STRING', signature, 'signatureValue');
  const fields = [...tbs.children];
  let version = 1;
  const first = fields[0];
  if (first?.tagClass === 'context' && first.tagNumber === 0) {
    const inner = first.children[0];
    // RFC 5280 §4.1.2.1: version [0] EXPLICIT Version DEFAULT v1, v1(0) v2(1) v3(2).
    if (!first.constructed || inner?.value?.kind !== 'integer' || !['0', '1', '2'].includes(inner.value.decimal ?? '')) malformed('not v1, v2 or v3', first, 'version');
    version = Number(inner?.value?.kind === 'integer' ? inner.value.decimal : 0) + 1;
    fields.shift();
  }
  const [serial, innerAlgorithm, issuerNode, validity, subjectNode, spkiNode, ...optional] = fields;
  // RFC 5280 §4.1.2.2: CertificateSerialNumber ::= INTEGER.
  if (!isUniversal(serial, UniversalTag.INTEGER) || serial.value?.kind !== 'integer') return malformed('not an INTEGER', serial, 'serialNumber');
  const signatureAlgorithm = algorithmOid(outerAlgorithm, 'signatureAlgorithm');
  const tbsAlgorithm = algorithmOid(innerAlgorithm, 'signature');
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same as the signature field of the TBSCertificate.
  if (signatureAlgorithm.der !== tbsAlgorithm.der) {
    throw new CodedError('ERR_CERTIFICATE_ALGORITHM_MISMATCH', 'signatureAlgorithm differs from tbsCertificate.signature', 'RFC 5280 §4.1.1.2');
  }
  if (!issuerNode) return malformed('missing', tbs, 'issuer');
  const issuer = decodeName(issuerNode);
  // RFC 5280 §4.1.2.5: Validity ::= SEQUENCE { notBefore Time, notAfter Time }.
  if (!isUniversal(validity, UniversalTag.SEQUENCE) || validity.children.length !== 2) return malformed('not a SEQUENCE of two times', validity, 'validity');
  const notBefore = timeOf(validity.children[0], 'notBefore');
  const notAfter = timeOf(validity.children[1], 'notAfter');
  if (!subjectNode) return malformed('missing', tbs, 'subject');
  const subject = decodeName(subjectNode);
  // RFC 5280 §4.1.2.7: SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }.
  if (!isUniversal(spkiNode, UniversalTag.SEQUENCE) || spkiNode.children.length !== 2 || !isUniversal(spkiNode.children[1], UniversalTag.BIT_STRING)) {
    return malformed('not a SEQUENCE { algorithm, subjectPublicKey }', spkiNode, 'subjectPublicKeyInfo');
  }
  const spkiAlgorithm = algorithmOid(spkiNode.children[0], 'subjectPublicKeyInfo.algorithm');
  let extensions: CertificateExtension[] = [];
  let lastTag = 0;
  for (const node of optional) {
    // RFC 5280 §4.1: after subjectPublicKeyInfo only [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions, in order.
    if (node.tagClass !== 'context' || node.tagNumber < 1 || node.tagNumber > 3 || node.tagNumber <= lastTag) malformed(`unexpected ${node.type}`, node, 'tbsCertificate');
    lastTag = node.tagNumber;
    if (node.tagNumber === 3) {
      // RFC 5280 §4.1.2.9: extensions appear only in version 3 certificates.
      if (version !== 3) throw new Asn1Error('ERR_CERTIFICATE_MALFORMED', `extensions: present in a version ${version} certificate`, node.offset, 'RFC 5280 §4.1.2.9');
      if (!node.constructed || node.children.length !== 1 || !node.children[0]) malformed('[3] must wrap one SEQUENCE', node, 'extensions');
      extensions = decodeExtensions(node.children[0] as Asn1Node);
    }
  }
  const spki = new Uint8Array(encodedBytes(spkiNode));
  let publicKey: PublicKeyInfo;
  let keyObject: KeyObject | undefined;
  try {
    keyObject = publicKeyFromSpki(spki);
    publicKey = describePublicKey(keyObject);
  } catch (error) {
    if (!(error instanceof CodedError)) throw error;
    publicKey = { type: oidName(spkiAlgorithm.oid) ?? spkiAlgorithm.oid, bits: 0, jwk: {} };
  }
  const view: CertificateView = {
    der,
    version,
    serialNumber: serialHex(serial),
    signatureAlgorithm: oidName(signatureAlgorithm.oid) ?? signatureAlgorithm.oid,
    signatureAlgorithmOid: signatureAlgorithm.oid,
    issuer,
    subject,
    issuerString: formatDistinguishedName(issuer),
    subjectString: formatDistinguishedName(subject),
    notBefore,
    notAfter,
    subjectAltNames: [],
    x5tS256: x5tS256(der),
    selfSigned: false,
    publicKey,
    subjectPublicKeyInfo: spki,
    extensions,
    tbsCertificate: new Uint8Array(encodedBytes(tbs)),
    // The signature is the BIT STRING's bits after the unused-bits octet.
    signatureValue: new Uint8Array(signature.contents.subarray(1)),
  };
  for (const { value, critical } of extensions) {
    if (value.kind === 'subjectAltName') view.subjectAltNames = value.names;
    if (value.kind === 'subjectKeyIdentifier') view.subjectKeyIdentifier = value.keyIdentifier;
    if (value.kind === 'authorityKeyIdentifier' && value.keyIdentifier !== undefined) view.authorityKeyIdentifier = value.keyIdentifier;
    if (value.kind === 'basicConstraints') {
      const { cA, pathLenConstraint } = value;
      view.basicConstraints = pathLenConstraint === undefined ? { cA, critical } : { cA, pathLenConstraint, critical };
    }
    if (value.kind === 'keyUsage') view.keyUsage = value.usages;
    if (value.kind === 'extendedKeyUsage') view.extendedKeyUsage = value.purposes;
  }
  // Self-signed: issuer and subject are the same name, and the certificate's own key checks its signature.
  view.selfSigned = keyObject !== undefined && distinguishedNamesEqual(issuer, subject) && verifyCertificateSignature(view, keyObject);
  return view;
}

/**
 * Reads one certificate from PEM ("CERTIFICATE" block), Base64, Base64URL or hex text, or DER bytes.
 * Throws a CodedError (ERR_CERTIFICATE_MALFORMED or a more precise ERR_ code) on anything else.
 */
export function readCertificate(input: string | Uint8Array): CertificateView {
  let der: Uint8Array;
  try {
    // RFC 7468 §5.1: in a PEM file holding keys too, the certificate is the "CERTIFICATE" block.
    const label = typeof input === 'string' && input.includes('-----BEGIN CERTIFICATE-----') ? 'CERTIFICATE' : undefined;
    der = decodeInput(input, label).der;
  } catch (error) {
    if (error instanceof CodedError) throw new CodedError('ERR_CERTIFICATE_MALFORMED', `not a certificate: ${error.message}`, error.spec);
    throw error;
  }
  const copy = new Uint8Array(der);
  return viewFromTree(decodeAsn1(copy), copy);
}

/** Every certificate in a PEM bundle (a chain file), in order. */
export function readCertificates(pem: string): CertificateView[] {
  const blocks = decodePemAll(pem).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new CodedError('ERR_CERTIFICATE_MALFORMED', 'no "-----BEGIN CERTIFICATE-----" block found', 'RFC 7468 §5.1');
  return blocks.map((block) => readCertificate(block.der));
}

/** The certificate's public key as a Node KeyObject. */
export function certificatePublicKey(view: CertificateView): KeyObject {
  return publicKeyFromSpki(view.subjectPublicKeyInfo);
}
