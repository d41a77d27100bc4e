/** Field names for known structures, so a dump reads like the ASN.1 module: RFC 5280 §4.1 (Certificate), §4.2 (extension values),
 * RFC 5958 (PKCS #8), RFC 5915 (ECPrivateKey), RFC 8017 Appendix A.1 (RSA keys), RFC 2986 (PKCS #10 requests), RFC 3279 §2.2.3 (ECDSA
 * signatures). The schemas of @peculiar/asn1-x509 are not used: their storage is not part of the package's exports, and it is a global
 * registry. */
import { isUniversal } from './decode.js';
import type { Asn1Node } from './types.js';
import { UniversalTag } from './universal-types.js';

/** One field: how to recognise it (tag: 'u' universal or 'c' context, and the number; none: any), what to call it, what is inside. */
interface Field {
  name: string;
  tag?: readonly ['u' | 'c', number];
  optional?: boolean;
  /** Fields of a SEQUENCE in order; `of`: every element of a SEQUENCE OF / SET OF; `inner`: the one element inside an EXPLICIT tag or an
   * encapsulating string. */
  fields?: readonly Field[];
  of?: Field;
  inner?: Field;
  /** Labels the node's children from the node itself (extensions choose by extnID). */
  custom?: (node: Asn1Node) => void;
}

const { SEQUENCE, SET, INTEGER, OBJECT_IDENTIFIER: OID, OCTET_STRING, BIT_STRING, BOOLEAN } = UniversalTag;
const seq = (name: string, fields: readonly Field[]): Field => ({ name, tag: ['u', SEQUENCE], fields });
const u = (name: string, tagNumber: number, more: Partial<Field> = {}): Field => ({ name, tag: ['u', tagNumber], ...more });
const c = (name: string, tagNumber: number, more: Partial<Field> = {}): Field => ({ name, tag: ['c', tagNumber], optional: true, ...more });
const algorithmIdentifier = (name: string): Field => seq(name, [u('algorithm', OID), { name: 'parameters', optional: true }]);
const attributeTypeAndValue = seq('AttributeTypeAndValue', [u('type', OID), { name: 'value' }]);
const name = (label: string): Field => u(label, SEQUENCE, { of: u('RelativeDistinguishedName', SET, { of: attributeTypeAndValue }) });

/** GeneralName CHOICE (RFC 5280 §4.2.1.6): the context tag number picks the alternative. */
export const generalNameTypes = [
  'otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName', 'ediPartyName', 'uniformResourceIdentifier', 'iPAddress',
  'registeredID',
] as const;

function labelGeneralNames(node: Asn1Node): void {
  for (const child of node.children) {
    if (child.tagClass === 'context') child.name = generalNameTypes[child.tagNumber] ?? 'GeneralName';
    if (child.name === 'directoryName' && child.children[0]) applyField(child.children[0], name('Name'));
  }
}

/** The extnValue contents of the extensions the lab explains, by extnID (RFC 5280 §4.2.1.x). */
const extensionValues: Readonly<Record<string, Field>> = {
  '2.5.29.17': u('SubjectAltName', SEQUENCE, { custom: labelGeneralNames }),
  '2.5.29.18': u('IssuerAltName', SEQUENCE, { custom: labelGeneralNames }),
  '2.5.29.14': u('SubjectKeyIdentifier', OCTET_STRING),
  '2.5.29.35': seq('AuthorityKeyIdentifier', [
    c('keyIdentifier', 0), c('authorityCertIssuer', 1, { custom: labelGeneralNames }), c('authorityCertSerialNumber', 2),
  ]),
  '2.5.29.19': seq('BasicConstraints', [u('cA', BOOLEAN, { optional: true }), u('pathLenConstraint', INTEGER, { optional: true })]),
  '2.5.29.15': u('KeyUsage', BIT_STRING),
  '2.5.29.37': u('ExtKeyUsageSyntax', SEQUENCE, { of: u('KeyPurposeId', OID) }),
};

function labelExtension(node: Asn1Node): void {
  const [extnID, second, third] = node.children;
  if (!extnID) return;
  extnID.name = 'extnID';
  const hasCritical = second?.tagClass === 'universal' && second.tagNumber === BOOLEAN;
  if (hasCritical && second) second.name = 'critical';
  const extnValue = hasCritical ? third : second;
  if (!extnValue) return;
  extnValue.name = 'extnValue';
  const oid = extnID.value?.kind === 'oid' ? extnID.value.oid : '';
  const schema = Object.hasOwn(extensionValues, oid) ? extensionValues[oid] : undefined;
  if (schema && extnValue.encapsulates && extnValue.children[0]) applyField(extnValue.children[0], schema);
}

const extension: Field = u('Extension', SEQUENCE, { custom: labelExtension });
const ecdsaSigValue: Field = seq('Ecdsa-Sig-Value', [u('r', INTEGER), u('s', INTEGER)]);
const rsaPublicKey: Field = seq('RSAPublicKey', [u('modulus', INTEGER), u('publicExponent', INTEGER)]);
const subjectPublicKeyInfo = (label: string): Field =>
  seq(label, [algorithmIdentifier('algorithm'), u('subjectPublicKey', BIT_STRING, { inner: rsaPublicKey })]);

const certificate: Field = seq('Certificate', [
  seq('tbsCertificate', [
    c('version', 0, { inner: u('version', INTEGER) }), u('serialNumber', INTEGER), algorithmIdentifier('signature'), name('issuer'),
    seq('validity', [{ name: 'notBefore' }, { name: 'notAfter' }]), name('subject'), subjectPublicKeyInfo('subjectPublicKeyInfo'),
    c('issuerUniqueID', 1), c('subjectUniqueID', 2), c('extensions', 3, { inner: u('Extensions', SEQUENCE, { of: extension }) }),
  ]),
  algorithmIdentifier('signatureAlgorithm'),
  u('signatureValue', BIT_STRING, { inner: ecdsaSigValue }),
]);

const certificationRequest: Field = seq('CertificationRequest', [
  seq('certificationRequestInfo', [u('version', INTEGER), name('subject'), subjectPublicKeyInfo('subjectPKInfo'), c('attributes', 0)]),
  algorithmIdentifier('signatureAlgorithm'),
  u('signature', BIT_STRING, { inner: ecdsaSigValue }),
]);

const ecPrivateKey = seq('ECPrivateKey', [u('version', INTEGER), u('privateKey', OCTET_STRING), c('parameters', 0), c('publicKey', 1)]);
const rsaPrivateKey: Field = seq('RSAPrivateKey', [
  'version', 'modulus', 'publicExponent', 'privateExponent', 'prime1', 'prime2', 'exponent1', 'exponent2', 'coefficient',
].map((n) => u(n, INTEGER)));

function labelPrivateKeyOctets(node: Asn1Node): void {
  const inner = node.children[0];
  if (!node.encapsulates || !inner) return;
  if (inner.children.length === 9) applyField(inner, rsaPrivateKey);
  else if (inner.tagNumber === SEQUENCE) applyField(inner, ecPrivateKey);
  else inner.name = 'CurvePrivateKey';
}

const oneAsymmetricKey: Field = seq('PrivateKeyInfo', [
  u('version', INTEGER), algorithmIdentifier('privateKeyAlgorithm'), u('privateKey', OCTET_STRING, { custom: labelPrivateKeyOctets }),
  c('attributes', 0), c('publicKey', 1),
]);

const matches = (node: Asn1Node, { tag }: Field): boolean =>
  !tag || (node.tagNumber === tag[1] && node.tagClass === (tag[0] === 'u' ? 'universal' : 'context'));

function applyField(node: Asn1Node, field: Field): void {
  node.name = field.name;
  field.custom?.(node);
  if (field.of) for (const child of node.children) if (matches(child, field.of)) applyField(child, field.of);
  const [only] = node.children;
  if (field.inner && node.children.length === 1 && only && matches(only, field.inner)) applyField(only, field.inner);
  let index = 0;
  for (const child of field.fields ?? []) {
    const candidate = node.children[index];
    if (candidate && matches(candidate, child)) {
      applyField(candidate, child);
      index++;
    } else if (!child.optional) {
      return;
    }
  }
}

const child = (node: Asn1Node | undefined, index: number): Asn1Node | undefined => node?.children[index];
export type Asn1Structure =
  'Certificate' | 'CertificationRequest' | 'SubjectPublicKeyInfo' | 'PrivateKeyInfo' | 'Extension' | 'Name' | 'unknown';

/** Guesses which well-known structure the tree is, from its shape alone. */
export function recogniseStructure(root: Asn1Node): Asn1Structure {
  if (!isUniversal(root, SEQUENCE)) return 'unknown';
  const [first, second, third] = root.children;
  const count = root.children.length;
  if (count === 3 && isUniversal(first, SEQUENCE) && isUniversal(second, SEQUENCE) && isUniversal(third, BIT_STRING)) {
    const skip = child(first, 0)?.tagClass === 'context' ? 1 : 0;
    if (isUniversal(child(first, skip), INTEGER) && isUniversal(child(child(first, skip + 1), 0), OID)) return 'Certificate';
    const [version, subject, key] = first.children;
    if (isUniversal(version, INTEGER) && isUniversal(subject, SEQUENCE) && isUniversal(key, SEQUENCE)) return 'CertificationRequest';
  }
  const spki = count === 2 && isUniversal(first, SEQUENCE) && isUniversal(child(first, 0), OID) && isUniversal(second, BIT_STRING);
  if (spki) return 'SubjectPublicKeyInfo';
  if (isUniversal(first, INTEGER) && isUniversal(second, SEQUENCE) && isUniversal(third, OCTET_STRING)) return 'PrivateKeyInfo';
  if (isUniversal(first, OID) && count <= 3 && isUniversal(root.children[count - 1], OCTET_STRING)) return 'Extension';
  const isAva = (ava: Asn1Node): boolean => isUniversal(child(ava, 0), OID) && ava.children.length === 2;
  const isRdn = (rdn: Asn1Node): boolean => isUniversal(rdn, SET) && rdn.children.every(isAva);
  return count > 0 && root.children.every(isRdn) ? 'Name' : 'unknown';
}

const schemas: Readonly<Record<Exclude<Asn1Structure, 'unknown'>, Field>> = {
  Certificate: certificate, CertificationRequest: certificationRequest, SubjectPublicKeyInfo: subjectPublicKeyInfo('SubjectPublicKeyInfo'),
  PrivateKeyInfo: oneAsymmetricKey, Extension: extension, Name: name('Name'),
};

/** Sets `name` on the nodes of a recognised structure; returns which structure it was. */
export function labelAsn1Tree(root: Asn1Node, structure: Asn1Structure = recogniseStructure(root)): Asn1Structure {
  if (structure !== 'unknown') applyField(root, schemas[structure]);
  return structure;
}
