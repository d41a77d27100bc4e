// X.509 certificates: the view, names, SANs, extensions, chains, x5c, and text/JSON output.
export { readCertificate, readCertificates, certificatePublicKey } from './certificate.js';
export type { CertificateView } from './certificate.js';
export {
  parseDistinguishedName, parseOpensslSubject, parseSubjectText, formatDistinguishedName, distinguishedNamesEqual,
  escapeAttributeValue, attributeShortName, attributeTypeOid, decodeName, encodeName,
} from './names.js';
export type { AttributeTypeAndValue, RelativeDistinguishedName, DistinguishedName } from './names.js';
export {
  decodeGeneralName, decodeGeneralNames, encodeGeneralNames, ipAddressToText, ipAddressFromText, parseSanList,
} from './general-names.js';
export type { GeneralName, GeneralNameType, SanInput } from './general-names.js';
export { decodeExtensions, keyUsageNames } from './extensions.js';
export type { CertificateExtension, ExtensionValue, KeyUsage, NamedOid } from './extensions.js';
export { verifyCertificateChain, REVOCATION_NOT_CHECKED } from './chain.js';
export type { ChainVerification, ChainOptions } from './chain.js';
export { describePublicKey, publicKeyFromSpki, verifyCertificateSignature } from './public-key.js';
export type { PublicKeyInfo, SignedData } from './public-key.js';
export { jwkWithX5c, verifyJwkX5c, jwkMatchesCertificate } from './x5c.js';
export {
  formatCertificateText, certificateToJson, opensslDate, opensslOneLineName, opensslGeneralName, extensionValueText,
} from './format.js';
