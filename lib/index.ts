// The public API of @client-auth-lab/lib. Every name is exported explicitly.
import 'reflect-metadata';

export { CodedError, OAuthError } from './errors.js';
export type { OAuthErrorCode, OAuthErrorOptions } from './errors.js';
export { CheckLog } from './checks.js';
export type { Check, Failure } from './checks.js';
export { systemClock, fixedClock, epochSeconds } from './clock.js';
export type { Clock } from './clock.js';

// Client authentication (RFC 6749 §2.3, RFC 7523, RFC 8705, OIDC Core §9)
export {
  authenticateClient,
  registeredMethodOf,
  DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD,
  detectClientAuthentication,
  METHODS_BY_MECHANISM,
  verifyClientSecretBasic,
  verifyClientSecretPost,
  verifyClientSecretJwt,
  verifyPrivateKeyJwt,
  verifyTlsClientAuth,
  verifySelfSignedTlsClientAuth,
  verifyNone,
  encodeClientSecretBasic,
  parseClientSecretBasic,
  isBasicAuthorization,
  BASIC_CHALLENGE,
  formUrlEncode,
  formUrlDecode,
  secretsEqual,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './client-auth/index.js';
export type {
  AuthenticateClientOptions,
  ClientLookup,
  PresentedMechanism,
  Presentation,
  BasicCredentials,
  TokenEndpointAuthMethod,
  Jwk,
  JwkSet,
  RegisteredClient,
  ClientAuthRequest,
  AuthorizationServerContext,
  AuthenticatedClient,
} from './client-auth/index.js';

// Client assertions (RFC 7523 §3)
export {
  verifyClientAssertion,
  decodeClientAssertion,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  CLIENT_AUTHENTICATION_JWT_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_ASSERTION_LIFETIME_SECONDS,
  decodeCompactJwt,
  decodeBase64UrlStrict,
  MAX_JWT_LENGTH,
  judgeAudience,
  InMemoryReplayStore,
  replayKey,
  createJwksResolver,
  readJwkSet,
  selectVerificationKeys,
  publicKeyFromJwk,
  keySizeInBits,
  HMAC_ALGORITHMS,
  ASYMMETRIC_ALGORITHMS,
  isHmacAlgorithm,
  isAsymmetricAlgorithm,
  keyRequirementsOf,
  verifyAsymmetricSignature,
  verifyHmacSignature,
  inspectJwt,
  formatJwtInspection,
} from './assertions/index.js';
export type {
  AssertionMethod,
  DecodedJwt,
  AudiencePolicy,
  AudienceJudgement,
  AudienceTargets,
  ReplayStore,
  JwksResolver,
  JwksResolverOptions,
  ResolvedKeys,
  HmacAlgorithm,
  AsymmetricAlgorithm,
  JwtInspection,
  JwtProblem,
  SignatureStatus,
  InspectOptions,
} from './assertions/index.js';

// Mutual TLS (RFC 8705)
export {
  x5tS256,
  certificateConfirmation,
  checkCertificateBinding,
  parseIpAddress,
  formatIpAddress,
  ipAddressesEqual,
  TLS_CLIENT_AUTH_FIELDS,
  registeredTlsClientAuthFields,
  matchTlsClientAuthField,
  X_SSL_CERT_HEADER,
  CLIENT_CERT_HEADER,
  CLIENT_CERT_CHAIN_HEADER,
  OBS_FOLD_EXPLANATION,
  isFoldedHeaderValue,
  parseXSslCertHeader,
  parseClientCertHeader,
  parseClientCertChainHeader,
  clientCertificateFromProxyHeaders,
  formatXSslCertHeader,
  formatClientCertHeader,
} from './mtls/index.js';
export type {
  ConfirmationClaim,
  BindingCheck,
  TlsClientAuthField,
  FieldMatch,
  ProxyCertificateSource,
  ProxyCertificate,
} from './mtls/index.js';

// Client types and flows (RFC 6749 §2.1)
export { clientTypeOf, isGrantAllowedFor, GRANT_TYPES, FLOW_RULES, ENDPOINT_RULES } from './flows/client-types.js';
export type { ClientType, FlowRule, GrantDecision, EndpointRule } from './flows/client-types.js';

// Metadata (RFC 7591, RFC 8414)
export { validateClientMetadata, methodNeedsSecret } from './metadata/client-metadata.js';
export type { ClientMetadata, ClientMetadataPolicy } from './metadata/client-metadata.js';
export { buildAuthorizationServerMetadata, assertionSigningAlgorithms } from './metadata/authorization-server-metadata.js';
export type { AuthorizationServerEndpoints, AuthorizationServerMetadataOptions } from './metadata/authorization-server-metadata.js';

// FAPI profiles
export { FAPI_PROFILES, isFapiProfileName, checkFapiClientAuthentication } from './profiles/fapi.js';
export type { FapiProfile, FapiProfileName, FapiViolation, FapiSubject } from './profiles/fapi.js';

// Encodings, ASN.1/DER, X.509 certificates, keys and JOSE signing (chapter 05)
export {
  toBase64, toBase64Url, toHex, fromBase64, fromBase64Url, fromHex, encodePem, decodePem, decodePemAll,
  decodeInput, detectTextFormat, looksLikeText, EncodingError,
} from './encoding/index.js';
export type {
  PemBlock, DecodedInput, InputFormat,
} from './encoding/index.js';
export {
  decodeAsn1, readHeader, walkAsn1, asn1TypeName, encodedBytes, Asn1Error, labelAsn1Tree, recogniseStructure,
  generalNameTypes, asn1ToJson, formatAsn1Text, knownOids, oidName, decodeOid, describeValue, UniversalTag,
  universalTypeName, derLength, derTlv, derSequence, derSet, derContext, derBoolean, derNull, derInteger,
  derOid, derOctetString, derBitString, derString, derTime, concatBytes,
} from './asn1/index.js';
export type {
  Asn1Header, Asn1Structure, Asn1NodeJson, FormatAsn1Options, Asn1Node, Asn1Value, DecodeOptions, TagClass,
} from './asn1/index.js';
export {
  readCertificate, readCertificates, certificatePublicKey, parseDistinguishedName, parseOpensslSubject,
  parseSubjectText, formatDistinguishedName, distinguishedNamesEqual, escapeAttributeValue,
  attributeShortName, attributeTypeOid, decodeName, encodeName, decodeGeneralName, decodeGeneralNames,
  encodeGeneralNames, ipAddressToText, ipAddressFromText, parseSanList,
  decodeExtensions, keyUsageNames, verifyCertificateChain, REVOCATION_NOT_CHECKED,
  verifyCertificateSignature, describePublicKey, publicKeyFromSpki, jwkWithX5c, verifyJwkX5c,
  jwkMatchesCertificate, formatCertificateText, certificateToJson, opensslDate, opensslOneLineName,
  opensslGeneralName, extensionValueText,
} from './x509/index.js';
export type {
  CertificateView, AttributeTypeAndValue, RelativeDistinguishedName, DistinguishedName, GeneralName,
  GeneralNameType, SanInput, CertificateExtension, ExtensionValue, KeyUsage, NamedOid, ChainVerification,
  ChainOptions, SignedData, PublicKeyInfo,
} from './x509/index.js';
export {
  generateKeyPair, keyPairFromPrivateKey, readPrivateKey, readPublicKey, readJwk, keyPairFromPem, pemToJwk,
  describeKeyText, opensslHexDump, orderJwkMembers, toPublicJwk, jwkThumbprint, jwkThumbprintUri,
  createSelfSignedCertificate, createCertificateAuthority, issueCertificate, loadCertificateAuthority,
  keyIdentifier, KeyError,
} from './keys/index.js';
export type {
  KeySpec, GeneratedKeyPair, JwkRecord, CertificateAuthority, IssuedCertificate,
} from './keys/index.js';
export {
  generateJwk, signCompactJws, clientAssertionClaims, signClientAssertion, assertAlgorithmFitsKey,
  defaultAlgorithm, JWS_ALGORITHMS, JoseMakeError,
} from './jose/index.js';
export type {
  GenerateJwkOptions, GeneratedJwk, SignJwsOptions, ClientAssertionClaims, ClientAssertionOptions,
  JwsAlgorithm,
} from './jose/index.js';
