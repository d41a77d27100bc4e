/** Certificate extensions (RFC 5280 §4.2): Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }. */
import { Asn1Error } from '../asn1/errors.js';
import { decodeAsn1 } from '../asn1/decode.js';
import { oidName } from '../asn1/oids.js';
import type { Asn1Node } from '../asn1/types.js';
import { UniversalTag } from '../asn1/universal-types.js';
import { toHex } from '../encoding/base64.js';
import { CodedError } from '../errors.js';
import { decodeGeneralName, decodeGeneralNames, type GeneralName } from './general-names.js';

/** KeyUsage bits in order (RFC 5280 §4.2.1.3). */
export const keyUsageNames = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsage = (typeof keyUsageNames)[number];

export interface NamedOid {
  oid: string;
  name?: string;
}

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
  /** Name from RFC 5280 §4.2 ("subjectAltName"), or the OID when unknown. */
  name: string;
  critical: boolean;
  value: ExtensionValue;
  /** The DER inside extnValue. */
  der: Uint8Array;
}

function named(oid: string): NamedOid {
  const name = oidName(oid);
  return name === undefined ? { oid } : { oid, name };
}

function expect(condition: boolean, message: string, node: Asn1Node, spec: string): asserts condition {
  if (!condition) throw new Asn1Error('ERR_CERTIFICATE_EXTENSION', message, node.offset, spec);
}

function isUniversal(node: Asn1Node | undefined, tagNumber: number): node is Asn1Node {
  return node !== undefined && node.tagClass === 'universal' && node.tagNumber === tagNumber;
}

function oidOf(node: Asn1Node | undefined): string | undefined {
  return node?.value?.kind === 'oid' ? node.value.oid : undefined;
}

function decodeValue(oid: string, root: Asn1Node): ExtensionValue {
  switch (oid) {
    case '2.5.29.17':
    case '2.5.29.18': {
      // RFC 5280 §4.2.1.6: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName.
      expect(isUniversal(root, UniversalTag.SEQUENCE) && root.children.length > 0, 'GeneralNames must be a non-empty SEQUENCE', root, 'RFC 5280 §4.2.1.6');
      return { kind: oid === '2.5.29.17' ? 'subjectAltName' : 'issuerAltName', names: decodeGeneralNames(root) };
    }
    case '2.5.29.14':
      // RFC 5280 §4.2.1.2: SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING.
      expect(isUniversal(root, UniversalTag.OCTET_STRING), 'SubjectKeyIdentifier must be an OCTET STRING', root, 'RFC 5280 §4.2.1.2');
      return { kind: 'subjectKeyIdentifier', keyIdentifier: toHex(root.contents) };
    case '2.5.29.35': {
      // RFC 5280 §4.2.1.1: SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber }, all optional.
      expect(isUniversal(root, UniversalTag.SEQUENCE), 'AuthorityKeyIdentifier must be a SEQUENCE', root, 'RFC 5280 §4.2.1.1');
      const value: ExtensionValue = { kind: 'authorityKeyIdentifier' };
      for (const child of root.children) {
        expect(child.tagClass === 'context' && child.tagNumber <= 2, `unexpected ${child.type} in AuthorityKeyIdentifier`, child, 'RFC 5280 §4.2.1.1');
        if (child.tagNumber === 0) value.keyIdentifier = toHex(child.contents);
        if (child.tagNumber === 1) value.authorityCertIssuer = decodeGeneralNames(child);
        if (child.tagNumber === 2) value.authorityCertSerialNumber = toHex(child.contents);
      }
      return value;
    }
    case '2.5.29.19': {
      // RFC 5280 §4.2.1.9: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }.
      expect(isUniversal(root, UniversalTag.SEQUENCE), 'BasicConstraints must be a SEQUENCE', root, 'RFC 5280 §4.2.1.9');
      let index = 0;
      let cA = false;
      const first = root.children[0];
      if (isUniversal(first, UniversalTag.BOOLEAN) && first.value?.kind === 'boolean') {
        cA = first.value.value;
        index = 1;
      }
      const pathLen = root.children[index];
      if (pathLen === undefined) return { kind: 'basicConstraints', cA };
      expect(isUniversal(pathLen, UniversalTag.INTEGER) && pathLen.value?.kind === 'integer' && pathLen.value.decimal !== undefined && !pathLen.value.decimal.startsWith('-'), 'pathLenConstraint must be a non-negative INTEGER', pathLen, 'RFC 5280 §4.2.1.9');
      expect(root.children.length === index + 1, 'BasicConstraints has extra elements', root, 'RFC 5280 §4.2.1.9');
      return { kind: 'basicConstraints', cA, pathLenConstraint: Number(pathLen.value.decimal) };
    }
    case '2.5.29.15': {
      // RFC 5280 §4.2.1.3: KeyUsage ::= BIT STRING, bit 0 = digitalSignature (the most significant bit of the first octet).
      expect(isUniversal(root, UniversalTag.BIT_STRING) && root.value?.kind === 'bitString', 'KeyUsage must be a BIT STRING', root, 'RFC 5280 §4.2.1.3');
      const bits = root.contents.subarray(1);
      const usages = keyUsageNames.filter((_, bit) => (((bits[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) === 1);
      return { kind: 'keyUsage', usages };
    }
    case '2.5.29.37':
      // RFC 5280 §4.2.1.12: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId.
      expect(isUniversal(root, UniversalTag.SEQUENCE) && root.children.length > 0 && root.children.every((c) => oidOf(c) !== undefined), 'ExtKeyUsageSyntax must be a SEQUENCE OF OBJECT IDENTIFIER', root, 'RFC 5280 §4.2.1.12');
      return { kind: 'extendedKeyUsage', purposes: root.children.map((c) => named(oidOf(c) as string)) };
    case '2.5.29.32':
      // RFC 5280 §4.2.1.4: SEQUENCE OF PolicyInformation { policyIdentifier, qualifiers OPTIONAL }.
      expect(isUniversal(root, UniversalTag.SEQUENCE) && root.children.every((c) => oidOf(c.children[0]) !== undefined), 'certificatePolicies must be a SEQUENCE OF PolicyInformation', root, 'RFC 5280 §4.2.1.4');
      return { kind: 'certificatePolicies', policies: root.children.map((c) => named(oidOf(c.children[0]) as string)) };
    case '1.3.6.1.5.5.7.1.1':
      // RFC 5280 §4.2.2.1: SEQUENCE OF AccessDescription { accessMethod OID, accessLocation GeneralName }.
      expect(isUniversal(root, UniversalTag.SEQUENCE) && root.children.every((c) => c.children.length === 2 && oidOf(c.children[0]) !== undefined), 'authorityInfoAccess must be a SEQUENCE OF AccessDescription', root, 'RFC 5280 §4.2.2.1');
      return { kind: 'authorityInfoAccess', descriptions: root.children.map((c) => ({ method: named(oidOf(c.children[0]) as string), location: decodeGeneralName(c.children[1] as Asn1Node) })) };
    case '2.5.29.31': {
      // RFC 5280 §4.2.1.13: only the fullName form of distributionPoint is shown.
      expect(isUniversal(root, UniversalTag.SEQUENCE), 'cRLDistributionPoints must be a SEQUENCE', root, 'RFC 5280 §4.2.1.13');
      const names: GeneralName[] = [];
      for (const point of root.children) {
        const distributionPoint = point.children.find((c) => c.tagClass === 'context' && c.tagNumber === 0);
        const fullName = distributionPoint?.children.find((c) => c.tagClass === 'context' && c.tagNumber === 0);
        if (fullName) names.push(...decodeGeneralNames(fullName));
      }
      return { kind: 'cRLDistributionPoints', names };
    }
    default:
      return { kind: 'unknown', hex: '' };
  }
}

/** Reads `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280 §4.1.2.9). */
export function decodeExtensions(node: Asn1Node): CertificateExtension[] {
  const fail = (message: string, at: Asn1Node): never => {
    throw new Asn1Error('ERR_CERTIFICATE_EXTENSION', message, at.offset, 'RFC 5280 §4.1.2.9');
  };
  if (!isUniversal(node, UniversalTag.SEQUENCE) || node.children.length === 0) fail('Extensions must be a non-empty SEQUENCE', node);
  const seen = new Set<string>();
  return node.children.map((extension) => {
    const [idNode, second, third] = extension.children;
    const oid = oidOf(idNode);
    if (!isUniversal(extension, UniversalTag.SEQUENCE) || oid === undefined) return fail('Extension must start with its extnID', extension);
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of a particular extension.
    if (seen.has(oid)) throw new CodedError('ERR_CERTIFICATE_DUPLICATE_EXTENSION', `extension ${oidName(oid) ?? oid} appears twice`, 'RFC 5280 §4.2');
    seen.add(oid);
    const hasCritical = isUniversal(second, UniversalTag.BOOLEAN);
    const valueNode = hasCritical ? third : second;
    if (!isUniversal(valueNode, UniversalTag.OCTET_STRING) || extension.children.length !== (hasCritical ? 3 : 2)) return fail(`extension ${oid}: extnValue must be one OCTET STRING`, extension);
    const critical = hasCritical && second?.value?.kind === 'boolean' ? second.value.value : false;
    const der = new Uint8Array(valueNode.contents);
    let root: Asn1Node | undefined = valueNode.encapsulates ? valueNode.children[0] : undefined;
    try {
      // The extnValue octets are themselves one DER value (RFC 5280 §4.1).
      root ??= decodeAsn1(der, { encapsulation: false });
    } catch (error) {
      if (!(error instanceof Asn1Error)) throw error;
      if (oid.startsWith('2.5.29.') || oid === '1.3.6.1.5.5.7.1.1') {
        throw new Asn1Error('ERR_CERTIFICATE_EXTENSION', `extension ${oidName(oid) ?? oid} does not hold DER: ${error.message}`, valueNode.offset, 'RFC 5280 §4.1');
      }
      return { oid, name: oidName(oid) ?? oid, critical, value: { kind: 'unknown', hex: toHex(der) }, der };
    }
    const value = decodeValue(oid, root);
    return { oid, name: oidName(oid) ?? oid, critical, value: value.kind === 'unknown' ? { kind: 'unknown', hex: toHex(der) } : value, der };
  });
}
