/**
 * Field names for known structures, so a dump reads like the ASN.1 module: RFC 5280 §4.1
 * (Certificate), RFC 5280 §4.2 (extension values), RFC 5958 (PKCS #8), RFC 5915 (ECPrivateKey),
 * RFC 8017 Appendix A.1 (RSA keys), RFC 2986 (PKCS #10 requests), RFC 3279 §2.2.3 (ECDSA signatures).
 */
import type { Asn1Node } from './types.js';
import { UniversalTag } from './universal-types.js';

/** Describes one field: how to recognise it, what to call it, and what is inside. */
interface Field {
  name: string;
  /** [class-letter, tag number]: 'u' universal, 'c' context. Omitted: any tag. */
  tag?: readonly ['u' | 'c', number];
  optional?: boolean;
  /** Fields of a SEQUENCE, in order. */
  fields?: readonly Field[];
  /** Schema of every element of a SEQUENCE OF / SET OF. */
  of?: Field;
  /** For an EXPLICIT tag or an encapsulating string: the one inner element. */
  inner?: Field;
  /** Labels the node's children from the node itself (extensions choose by extnID). */
  custom?: (node: Asn1Node) => void;
}

const seq = (name: string, fields: readonly Field[], optional = false): Field => ({ name, tag: ['u', UniversalTag.SEQUENCE], fields, optional });
const u = (name: string, tagNumber: number, optional = false): Field => ({ name, tag: ['u', tagNumber], optional });

const algorithmIdentifier = (name: string): Field => seq(name, [u('algorithm', UniversalTag.OBJECT_IDENTIFIER), { name: 'parameters', optional: true }]);

const attributeTypeAndValue: Field = seq('AttributeTypeAndValue', [u('type', UniversalTag.OBJECT_IDENTIFIER), { name: 'value' }]);
const relativeDistinguishedName: Field = { name: 'RelativeDistinguishedName', tag: ['u', UniversalTag.SET], of: attributeTypeAndValue };
const name = (label: string): Field => ({ name: label, tag: ['u', UniversalTag.SEQUENCE], of: relativeDistinguishedName });

/** GeneralName CHOICE (RFC 5280 §4.2.1.6): the context tag number picks the alternative. */
export const generalNameTypes = [
  'otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName', 'ediPartyName', 'uniformResourceIdentifier', 'iPAddress', 'registeredID',
] as const;

function labelGeneralNames(node: Asn1Node): void {
  for (const child of node.children) {
    if (child.tagClass === 'context') child.name = generalNameTypes[child.tagNumber] ?? 'GeneralName';
    if (child.name === 'directoryName' && child.children[0]) applyField(child.children[0], name('Name'));
  }
}

const generalNames = (label: string, tagNumber?: number): Field => ({
  name: label,
  ...(tagNumber === undefined ? { tag: ['u', UniversalTag.SEQUENCE] as const } : { tag: ['c', tagNumber] as const }),
  optional: tagNumber !== undefined,
  custom: labelGeneralNames,
});

/** The extnValue contents of the extensions the lab explains, by extnID (RFC 5280 §4.2.1.x). */
const extensionValues: Readonly<Record<string, Field>> = {
  '2.5.29.17': generalNames('SubjectAltName'),
  '2.5.29.18': generalNames('IssuerAltName'),
  '2.5.29.14': u('SubjectKeyIdentifier', UniversalTag.OCTET_STRING),
  '2.5.29.35': seq('AuthorityKeyIdentifier', [
    { name: 'keyIdentifier', tag: ['c', 0], optional: true },
    generalNames('authorityCertIssuer', 1),
    { name: 'authorityCertSerialNumber', tag: ['c', 2], optional: true },
  ]),
  '2.5.29.19': seq('BasicConstraints', [u('cA', UniversalTag.BOOLEAN, true), u('pathLenConstraint', UniversalTag.INTEGER, true)]),
  '2.5.29.15': u('KeyUsage', UniversalTag.BIT_STRING),
  '2.5.29.37': { name: 'ExtKeyUsageSyntax', tag: ['u', UniversalTag.SEQUENCE], of: u('KeyPurposeId', UniversalTag.OBJECT_IDENTIFIER) },
};

function labelExtension(node: Asn1Node): void {
  const [extnID, second, third] = node.children;
  if (!extnID) return;
  extnID.name = 'extnID';
  const hasCritical = second?.tagClass === 'universal' && second.tagNumber === UniversalTag.BOOLEAN;
  if (hasCritical && second) second.name = 'critical';
  const extnValue = hasCritical ? third : second;
  if (!extnValue) return;
  extnValue.name = 'extnValue';
  const oid = extnID.value?.kind === 'oid' ? extnID.value.oid : '';
  const schema = Object.hasOwn(extensionValues, oid) ? extensionValues[oid] : undefined;
  if (schema && extnValue.encapsulates && extnValue.children[0]) applyField(extnValue.children[0], schema);
}

const extension: Field = { name: 'Extension', tag: ['u', UniversalTag.SEQUENCE], custom: labelExtension };

const ecdsaSigValue: Field = seq('Ecdsa-Sig-Value', [u('r', UniversalTag.INTEGER), u('s', UniversalTag.INTEGER)]);
const rsaPublicKey: Field = seq('RSAPublicKey', [u('modulus', UniversalTag.INTEGER), u('publicExponent', UniversalTag.INTEGER)]);

const subjectPublicKeyInfo = (label: string): Field =>
  seq(label, [algorithmIdentifier('algorithm'), { name: 'subjectPublicKey', tag: ['u', UniversalTag.BIT_STRING], inner: rsaPublicKey }]);

const certificate: Field = seq('Certificate', [
  seq('tbsCertificate', [
    { name: 'version', tag: ['c', 0], optional: true, inner: u('version', UniversalTag.INTEGER) },
    u('serialNumber', UniversalTag.INTEGER),
    algorithmIdentifier('signature'),
    name('issuer'),
    seq('validity', [{ name: 'notBefore' }, { name: 'notAfter' }]),
    name('subject'),
    subjectPublicKeyInfo('subjectPublicKeyInfo'),
    { name: 'issuerUniqueID', tag: ['c', 1], optional: true },
    { name: 'subjectUniqueID', tag: ['c', 2], optional: true },
    { name: 'extensions', tag: ['c', 3], optional: true, inner: { name: 'Extensions', tag: ['u', UniversalTag.SEQUENCE], of: extension } },
  ]),
  algorithmIdentifier('signatureAlgorithm'),
  { name: 'signatureValue', tag: ['u', UniversalTag.BIT_STRING], inner: ecdsaSigValue },
]);

const certificationRequest: Field = seq('CertificationRequest', [
  seq('certificationRequestInfo', [
    u('version', UniversalTag.INTEGER),
    name('subject'),
    subjectPublicKeyInfo('subjectPKInfo'),
    { name: 'attributes', tag: ['c', 0], optional: true },
  ]),
  algorithmIdentifier('signatureAlgorithm'),
  { name: 'signature', tag: ['u', UniversalTag.BIT_STRING], inner: ecdsaSigValue },
]);

const ecPrivateKey: Field = seq('ECPrivateKey', [
  u('version', UniversalTag.INTEGER),
  u('privateKey', UniversalTag.OCTET_STRING),
  { name: 'parameters', tag: ['c', 0], optional: true },
  { name: 'publicKey', tag: ['c', 1], optional: true },
]);

const rsaPrivateKey: Field = seq('RSAPrivateKey', [
  u('version', UniversalTag.INTEGER), u('modulus', UniversalTag.INTEGER), u('publicExponent', UniversalTag.INTEGER),
  u('privateExponent', UniversalTag.INTEGER), u('prime1', UniversalTag.INTEGER), u('prime2', UniversalTag.INTEGER),
  u('exponent1', UniversalTag.INTEGER), u('exponent2', UniversalTag.INTEGER), u('coefficient', UniversalTag.INTEGER),
]);

function labelPrivateKeyOctets(node: Asn1Node): void {
  const inner = node.children[0];
  if (!node.encapsulates || !inner) return;
  if (inner.children.length === 9) applyField(inner, rsaPrivateKey);
  else if (inner.tagNumber === UniversalTag.SEQUENCE) applyField(inner, ecPrivateKey);
  else inner.name = 'CurvePrivateKey';
}

const oneAsymmetricKey: Field = seq('PrivateKeyInfo', [
  u('version', UniversalTag.INTEGER),
  algorithmIdentifier('privateKeyAlgorithm'),
  { name: 'privateKey', tag: ['u', UniversalTag.OCTET_STRING], custom: labelPrivateKeyOctets },
  { name: 'attributes', tag: ['c', 0], optional: true },
  { name: 'publicKey', tag: ['c', 1], optional: true },
]);

function matches(node: Asn1Node, field: Field): boolean {
  if (!field.tag) return true;
  const [cls, number] = field.tag;
  return node.tagNumber === number && node.tagClass === (cls === 'u' ? 'universal' : 'context');
}

function applyField(node: Asn1Node, field: Field): void {
  node.name = field.name;
  if (field.custom) field.custom(node);
  if (field.of) for (const child of node.children) if (matches(child, field.of)) applyField(child, field.of);
  if (field.inner && node.children.length === 1 && node.children[0] && matches(node.children[0], field.inner)) {
    applyField(node.children[0], field.inner);
  }
  if (field.fields) {
    let index = 0;
    for (const child of field.fields) {
      const candidate = node.children[index];
      if (candidate && matches(candidate, child)) {
        applyField(candidate, child);
        index++;
      } else if (!child.optional) {
        return;
      }
    }
  }
}

function child(node: Asn1Node | undefined, index: number): Asn1Node | undefined {
  return node?.children[index];
}

function isType(node: Asn1Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.tagClass === 'universal' && node.tagNumber === tagNumber;
}

export type Asn1Structure = 'Certificate' | 'CertificationRequest' | 'SubjectPublicKeyInfo' | 'PrivateKeyInfo' | 'Extension' | 'Name' | 'unknown';

/** Guesses which well-known structure the tree is, from its shape alone. */
export function recogniseStructure(root: Asn1Node): Asn1Structure {
  if (!isType(root, UniversalTag.SEQUENCE)) return 'unknown';
  const [first, second, third] = root.children;
  if (root.children.length === 3 && isType(first, UniversalTag.SEQUENCE) && isType(second, UniversalTag.SEQUENCE) && isType(third, UniversalTag.BIT_STRING)) {
    const tbs = first as Asn1Node;
    const skip = tbs.children[0]?.tagClass === 'context' ? 1 : 0;
    if (isType(child(tbs, skip), UniversalTag.INTEGER) && isType(child(child(tbs, skip + 1), 0), UniversalTag.OBJECT_IDENTIFIER)) return 'Certificate';
    if (isType(child(tbs, 0), UniversalTag.INTEGER) && isType(child(tbs, 1), UniversalTag.SEQUENCE) && isType(child(tbs, 2), UniversalTag.SEQUENCE)) return 'CertificationRequest';
  }
  if (root.children.length === 2 && isType(first, UniversalTag.SEQUENCE) && isType(child(first, 0), UniversalTag.OBJECT_IDENTIFIER) && isType(second, UniversalTag.BIT_STRING)) {
    return 'SubjectPublicKeyInfo';
  }
  if (isType(first, UniversalTag.INTEGER) && isType(second, UniversalTag.SEQUENCE) && isType(third, UniversalTag.OCTET_STRING)) return 'PrivateKeyInfo';
  const last = root.children[root.children.length - 1];
  if (isType(first, UniversalTag.OBJECT_IDENTIFIER) && root.children.length <= 3 && isType(last, UniversalTag.OCTET_STRING)) return 'Extension';
  const isRdn = (rdn: Asn1Node): boolean => isType(rdn, UniversalTag.SET) && rdn.children.every((ava) => isType(child(ava, 0), UniversalTag.OBJECT_IDENTIFIER) && ava.children.length === 2);
  if (root.children.length > 0 && root.children.every(isRdn)) return 'Name';
  return 'unknown';
}

/** Sets `name` on the nodes of a recognised structure; returns which structure it was. */
export function labelAsn1Tree(root: Asn1Node, structure: Asn1Structure = recogniseStructure(root)): Asn1Structure {
  switch (structure) {
    case 'Certificate':
      applyField(root, certificate);
      break;
    case 'CertificationRequest':
      applyField(root, certificationRequest);
      break;
    case 'SubjectPublicKeyInfo':
      applyField(root, subjectPublicKeyInfo('SubjectPublicKeyInfo'));
      break;
    case 'PrivateKeyInfo':
      applyField(root, oneAsymmetricKey);
      break;
    case 'Extension':
      applyField(root, extension);
      break;
    case 'Name':
      applyField(root, name('Name'));
      break;
    case 'unknown':
      break;
  }
  return structure;
}
