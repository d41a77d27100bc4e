// Keys and the certificates made from them: generation, PEM/JWK forms, openssl-style text, a small CA.
export { generateKeyPair, keyPairFromPrivateKey } from './generate.js';
export type { KeySpec, GeneratedKeyPair, JwkRecord } from './generate.js';
export { readPrivateKey, readPublicKey, readJwk, keyPairFromPem, pemToJwk } from './read.js';
export { describeKeyText, opensslHexDump } from './describe.js';
export { orderJwkMembers, toPublicJwk, jwkThumbprint, jwkThumbprintUri } from './jwk.js';
export {
  createSelfSignedCertificate, createCertificateAuthority, issueCertificate, loadCertificateAuthority, keyIdentifier,
} from './certificates.js';
export type { CertificateAuthority, IssuedCertificate } from './certificates.js';
export { KeyError } from './errors.js';
