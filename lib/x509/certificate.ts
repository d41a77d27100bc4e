/** A read-only view of an X.509 v3 certificate (RFC 5280 §4.1) over @peculiar/x509's X509Certificate. The lab's DER reader checks the
 * encoding first (so a damaged byte gets a coded error with its offset) and keeps the tree, from which names and extension layouts are
 * traced back to their bytes. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { KeyObject } from 'node:crypto';
import { Asn1Error } from '../asn1/errors.js';
import { decodeAsn1, encodedBytes, isUniversal } from '../asn1/decode.js';
import { oidName } from '../asn1/oids.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { decodeInput } from '../encoding/detect.js';
import { decodePemAll } from '../encoding/pem.js';
import { CodedError } from '../errors.js';
import { x5tS256 } from '../mtls/thumbprint.js';
import { decodeExtensions, type CertificateExtension, type KeyUsage, type NamedOid } from './extensions.js';
import type { GeneralName } from './general-names.js';
import { decodeName, distinguishedNamesEqual, formatDistinguishedName, type DistinguishedName } from './names.js';
import { describePublicKey, publicKeyFromSpki, verifyCertificateSignature, type PublicKeyInfo } from './public-key.js';

export interface CertificateView {
  /** The whole certificate, DER. */ der: Uint8Array;
  /** 1, 2 or 3 (the encoded INTEGER plus one, RFC 5280 §4.1.2.1). */ version: number;
  /** Lowercase hex of the serial number's magnitude (RFC 5280 §4.1.2.2). */ serialNumber: string;
  /** Name of the signature algorithm ("ecdsa-with-SHA256"), or its OID when unknown. */ signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  /** RFC 4514 strings. */ issuerString: string;
  subjectString: string;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: GeneralName[];
  /** base64url SHA-256 of the DER (RFC 8705 §3.1). */ x5tS256: string;
  /** Issuer equals subject and the signature verifies with the certificate's own key. */ selfSigned: boolean;
  publicKey: PublicKeyInfo;
  /** SubjectPublicKeyInfo DER (what `openssl pkey -pubin` reads). */ subjectPublicKeyInfo: Uint8Array;
  extensions: CertificateExtension[];
  /** Lowercase hex, when the extension is present. */ subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  basicConstraints?: { cA: boolean; pathLenConstraint?: number; critical: boolean };
  keyUsage?: KeyUsage[];
  extendedKeyUsage?: NamedOid[];
  /** The signed part and the signature, for checking it against an issuer's key. */ tbsCertificate: Uint8Array;
  signatureValue: Uint8Array;
}

function malformed(message: string, node: Asn1Node | undefined, field: string, spec = 'RFC 5280 §4.1'): never {
  throw new Asn1Error('ERR_CERTIFICATE_MALFORMED', `${field}: ${message}`, node?.offset ?? 0, spec);
}

/** The serial's magnitude as OpenSSL prints it: no 0x00 sign octet, a '-' for the (invalid) negative ones. */
function serialHex(hex: string): string {
  if (parseInt(hex.slice(0, 2), 16) < 0x80) return hex;
  return `-${((1n << BigInt(hex.length * 4)) - BigInt(`0x${hex}`)).toString(16).padStart(2, '0')}`;
}

/** The view of a certificate whose DER decoded to `root`. */
function viewFromTree(root: Asn1Node, der: Uint8Array): CertificateView {
  const [tbs, outerAlgorithm] = root.children;
  // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
  const shaped = isUniversal(root, UniversalTag.SEQUENCE) && root.children.length === 3 && isUniversal(tbs, UniversalTag.SEQUENCE);
  if (!shaped || !tbs) return malformed('not a SEQUENCE { tbsCertificate SEQUENCE, … } of three elements', root, 'Certificate');
  const fields = [...tbs.children];
  const first = fields[0];
  const explicitVersion = first?.tagClass === 'context' && first.tagNumber === 0 ? fields.shift()?.children[0] : undefined;
  // RFC 5280 §4.1.2.1: version [0] EXPLICIT Version DEFAULT v1, v1(0) v2(1) v3(2).
  const versionValue = explicitVersion?.value;
  const version = explicitVersion === undefined ? 1 : Number(versionValue?.kind === 'integer' ? versionValue.decimal : NaN) + 1;
  const wrapped = first?.tagClass !== 'context' || first.constructed;
  if (![1, 2, 3].includes(version) || !wrapped) malformed('not v1, v2 or v3', first, 'version');
  const [, innerAlgorithm, issuerNode, , subjectNode, spkiNode, ...optional] = fields;
  const algorithm = outerAlgorithm?.children[0]?.value;
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same as the signature field of the TBSCertificate.
  if (outerAlgorithm && innerAlgorithm && Buffer.compare(encodedBytes(outerAlgorithm), encodedBytes(innerAlgorithm)) !== 0) {
    const mismatch = 'signatureAlgorithm differs from tbsCertificate.signature';
    throw new CodedError('ERR_CERTIFICATE_ALGORITHM_MISMATCH', mismatch, 'RFC 5280 §4.1.1.2');
  }
  let extensions: CertificateExtension[] = [];
  let lastTag = 0;
  for (const node of optional) {
    // RFC 5280 §4.1: after subjectPublicKeyInfo only [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions, in order.
    const inOrder = node.tagClass === 'context' && node.tagNumber > lastTag && node.tagNumber <= 3;
    if (!inOrder) malformed(`unexpected ${node.type}`, node, 'tbsCertificate');
    lastTag = node.tagNumber;
    // RFC 5280 §4.1.2.9: extensions appear only in version 3 certificates.
    const v3Only = `present in a version ${version} certificate`;
    if (node.tagNumber === 3 && version !== 3) malformed(v3Only, node, 'extensions', 'RFC 5280 §4.1.2.9');
    if (node.tagNumber === 3 && node.children.length !== 1) malformed('[3] must wrap one SEQUENCE', node, 'extensions');
    if (node.tagNumber === 3) extensions = decodeExtensions(node.children[0] as Asn1Node);
  }
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(der);
    void [certificate.notBefore, certificate.notAfter];
  } catch (error) {
    return malformed(`not an RFC 5280 certificate (@peculiar/x509: ${(error as Error).message})`, root, 'Certificate');
  }
  const complete = algorithm?.kind === 'oid' && issuerNode && subjectNode && spkiNode;
  if (!complete) return malformed('no algorithm, issuer, subject or key', tbs, 'tbsCertificate');
  // The SubjectPublicKeyInfo as written (@peculiar/x509's PublicKey would serialize it again).
  const spki = new Uint8Array(encodedBytes(spkiNode));
  let keyObject: KeyObject | undefined;
  let publicKey: PublicKeyInfo;
  try {
    keyObject = publicKeyFromSpki(spki);
    publicKey = describePublicKey(keyObject);
  } catch (error) {
    if (!(error instanceof CodedError)) throw error;
    const keyAlgorithm = decodeAsn1(spki).children[0]?.children[0]?.value;
    publicKey = { type: keyAlgorithm?.kind === 'oid' ? (keyAlgorithm.name ?? keyAlgorithm.oid) : 'unknown', bits: 0, jwk: {} };
  }
  const [issuer, subject] = [decodeName(issuerNode), decodeName(subjectNode)];
  const { oid } = algorithm;
  const view: CertificateView = {
    der, version, serialNumber: serialHex(certificate.serialNumber), signatureAlgorithm: oidName(oid) ?? oid, signatureAlgorithmOid: oid,
    issuer, subject, issuerString: formatDistinguishedName(issuer), subjectString: formatDistinguishedName(subject),
    notBefore: certificate.notBefore, notAfter: certificate.notAfter, subjectAltNames: [], x5tS256: x5tS256(der), selfSigned: false,
    publicKey, subjectPublicKeyInfo: spki, extensions, tbsCertificate: new Uint8Array(encodedBytes(tbs)),
    signatureValue: new Uint8Array(certificate.signature),
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

/** Reads one certificate from PEM ("CERTIFICATE" block), Base64, Base64URL or hex text, or DER bytes. Throws a CodedError
 * (ERR_CERTIFICATE_MALFORMED or a more precise ERR_ code) on anything else. */
export function readCertificate(input: string | Uint8Array): CertificateView {
  let der: Uint8Array;
  try {
    // RFC 7468 §5.1: in a PEM file holding keys too, the certificate is the "CERTIFICATE" block.
    const inBundle = typeof input === 'string' && input.includes('-----BEGIN CERTIFICATE-----');
    der = decodeInput(input, inBundle ? 'CERTIFICATE' : undefined).der;
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
  const none = 'no "-----BEGIN CERTIFICATE-----" block found';
  if (blocks.length === 0) throw new CodedError('ERR_CERTIFICATE_MALFORMED', none, 'RFC 7468 §5.1');
  return blocks.map((block) => readCertificate(block.der));
}

/** The certificate's public key as a Node KeyObject. */
export function certificatePublicKey(view: CertificateView): KeyObject {
  return publicKeyFromSpki(view.subjectPublicKeyInfo);
}
