/** Certificate extensions (RFC 5280 §4.2): Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }. The values are read
 * with the extension classes of @peculiar/x509; the lab adds the RFC 5280 rules they leave out (one instance per extension, SIZE (1..MAX),
 * non-negative pathLenConstraint) with coded errors. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { Asn1Error } from '../asn1/errors.js';
import { encodedBytes, isUniversal } from '../asn1/decode.js';
import { oidName } from '../asn1/oids.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';
import { decodeGeneralName, decodeGeneralNames, type GeneralName } from './general-names.js';

const { SEQUENCE, OCTET_STRING, BOOLEAN } = UniversalTag;
const EXTENSIONS = 'RFC 5280 §4.1.2.9';

/** KeyUsage bits in order (RFC 5280 §4.2.1.3), the order of @peculiar/x509's KeyUsageFlags. */
export const keyUsageNames = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof keyUsageNames)[number];

export interface NamedOid { oid: string; name?: string }

export type ExtensionValue =
  | { kind: 'subjectAltName' | 'issuerAltName'; names: GeneralName[] }
  | { kind: 'subjectKeyIdentifier'; keyIdentifier: string }
  | { kind: 'authorityKeyIdentifier'; keyIdentifier?: string; authorityCertIssuer?: GeneralName[]; authorityCertSerialNumber?: string }
  | { kind: 'basicConstraints'; cA: boolean; pathLenConstraint?: number }
  | { kind: 'keyUsage'; usages: KeyUsage[] }
  | { kind: 'extendedKeyUsage'; purposes: NamedOid[] }
  | { kind: 'certificatePolicies'; policies: NamedOid[] }
  | { kind: 'authorityInfoAccess'; descriptions: { method: NamedOid; location: GeneralName }[] }
  | { kind: 'cRLDistributionPoints'; names: GeneralName[] }
  | { kind: 'unknown'; hex: string };

export interface CertificateExtension {
  oid: string;
  /** Name from RFC 5280 §4.2 ("subjectAltName"), or the OID when unknown. */ name: string;
  critical: boolean;
  value: ExtensionValue;
  /** The DER inside extnValue. */ der: Uint8Array;
}

const named = (oid: string): NamedOid => { const name = oidName(oid); return name === undefined ? { oid } : { oid, name }; };

function refuse(message: string, node: Asn1Node, spec: string): never {
  throw new Asn1Error('ERR_CERTIFICATE_EXTENSION', message, node.offset, spec);
}

const oidOf = (node: Asn1Node | undefined): string | undefined => (node?.value?.kind === 'oid' ? node.value.oid : undefined);

function generalNames(root: Asn1Node): GeneralName[] {
  // RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName.
  const empty = !isUniversal(root, SEQUENCE) || root.children.length === 0;
  if (empty) refuse('GeneralNames must be a non-empty SEQUENCE', root, 'RFC 5280 §4.2.1.6');
  return decodeGeneralNames(root);
}

/** Readers by extnID: `raw` is the whole Extension for @peculiar/x509, `root` the tree of extnValue. */
const readers: Readonly<Record<string, (raw: Uint8Array, root: Asn1Node) => ExtensionValue>> = {
  '2.5.29.17': (_, root) => ({ kind: 'subjectAltName', names: generalNames(root) }),
  '2.5.29.18': (_, root) => ({ kind: 'issuerAltName', names: generalNames(root) }),
  '2.5.29.14': (raw) => ({ kind: 'subjectKeyIdentifier', keyIdentifier: new x509.SubjectKeyIdentifierExtension(raw).keyId }),
  '2.5.29.35': (raw, root) => {
    // RFC 5280 §4.2.1.1: SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber }, all optional.
    const value: ExtensionValue = { kind: 'authorityKeyIdentifier' };
    const { keyId } = new x509.AuthorityKeyIdentifierExtension(raw);
    if (keyId !== undefined) value.keyIdentifier = keyId.toLowerCase();
    for (const child of root.children) {
      if (child.tagNumber === 1) value.authorityCertIssuer = decodeGeneralNames(child);
      if (child.tagNumber === 2) value.authorityCertSerialNumber = toHex(child.contents);
    }
    return value;
  },
  '2.5.29.19': (raw, root) => {
    // RFC 5280 §4.2.1.9: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }.
    const { ca, pathLength } = new x509.BasicConstraintsExtension(raw);
    if (pathLength !== undefined && pathLength < 0) refuse('pathLenConstraint must be a non-negative INTEGER', root, 'RFC 5280 §4.2.1.9');
    return { kind: 'basicConstraints', cA: ca, ...(pathLength === undefined ? {} : { pathLenConstraint: pathLength }) };
  },
  '2.5.29.15': (raw) => {
    const { usages } = new x509.KeyUsagesExtension(raw);
    return { kind: 'keyUsage', usages: keyUsageNames.filter((_, bit) => (usages & (1 << bit)) !== 0) };
  },
  '2.5.29.37': (raw, root) => {
    // RFC 5280 §4.2.1.12: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId.
    const message = 'ExtKeyUsageSyntax must be a non-empty SEQUENCE OF OBJECT IDENTIFIER';
    if (root.children.length === 0) refuse(message, root, 'RFC 5280 §4.2.1.12');
    return { kind: 'extendedKeyUsage', purposes: new x509.ExtendedKeyUsageExtension(raw).usages.map((oid) => named(String(oid))) };
  },
  '2.5.29.32': (raw) => ({ kind: 'certificatePolicies', policies: new x509.CertificatePolicyExtension(raw).policies.map(named) }),
  '1.3.6.1.5.5.7.1.1': (raw, root) => {
    // RFC 5280 §4.2.2.1: SEQUENCE OF AccessDescription { accessMethod OID, accessLocation GeneralName }, in the order written.
    new x509.AuthorityInfoAccessExtension(raw);
    const descriptions = root.children.map(({ children: [method, location] }) =>
      ({ method: named(oidOf(method) ?? ''), location: decodeGeneralName(location as Asn1Node) }));
    return { kind: 'authorityInfoAccess', descriptions };
  },
  '2.5.29.31': (raw, root) => {
    // RFC 5280 §4.2.1.13: only the fullName form of distributionPoint is shown.
    new x509.CRLDistributionPointsExtension(raw);
    const fullNames = root.children.map((point) => point.children.find((c) => c.tagNumber === 0)?.children.find((c) => c.tagNumber === 0));
    return { kind: 'cRLDistributionPoints', names: fullNames.flatMap((fullName) => (fullName ? decodeGeneralNames(fullName) : [])) };
  },
};

/** Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280 §4.1.2.9). */
export function decodeExtensions(node: Asn1Node): CertificateExtension[] {
  const empty = !isUniversal(node, SEQUENCE) || node.children.length === 0;
  if (empty) refuse('Extensions must be a non-empty SEQUENCE', node, EXTENSIONS);
  const seen = new Set<string>();
  return node.children.map((extension) => {
    const [idNode, second, third] = extension.children;
    const oid = oidOf(idNode);
    if (!isUniversal(extension, SEQUENCE) || oid === undefined) refuse('Extension must start with its extnID', extension, EXTENSIONS);
    const name = oidName(oid) ?? oid;
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of a particular extension.
    if (seen.has(oid)) throw new CodedError('ERR_CERTIFICATE_DUPLICATE_EXTENSION', `extension ${name} appears twice`, 'RFC 5280 §4.2');
    seen.add(oid);
    const hasCritical = isUniversal(second, BOOLEAN);
    const valueNode = hasCritical ? third : second;
    const oneValue = isUniversal(valueNode, OCTET_STRING) && extension.children.length === (hasCritical ? 3 : 2);
    if (!oneValue || !valueNode) refuse(`extension ${oid}: extnValue must be one OCTET STRING`, extension, EXTENSIONS);
    const critical = hasCritical && second?.value?.kind === 'boolean' && second.value.value;
    const der = new Uint8Array(valueNode.contents);
    const root = valueNode.encapsulates ? valueNode.children[0] : undefined;
    const read = Object.hasOwn(readers, oid) ? readers[oid] : undefined;
    // The extnValue octets of the extensions the lab reads are themselves one DER value (RFC 5280 §4.1).
    if (read && !root) refuse(`extension ${name} does not hold DER`, valueNode, 'RFC 5280 §4.1');
    if (!read || !root) return { oid, name, critical, value: { kind: 'unknown', hex: toHex(der) }, der };
    try {
      return { oid, name, critical, value: read(encodedBytes(extension), root), der };
    } catch (error) {
      if (error instanceof CodedError) throw error;
      return refuse(`extension ${name}: ${(error as Error).message}`, valueNode, 'RFC 5280 §4.2');
    }
  });
}
