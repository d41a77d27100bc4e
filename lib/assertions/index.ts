export {
  verifyClientAssertion,
  decodeClientAssertion,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  CLIENT_AUTHENTICATION_JWT_TYPE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_MAX_ASSERTION_LIFETIME_SECONDS,
} from './client-assertion.js';
export type { AssertionMethod } from './client-assertion.js';
export { decodeCompactJwt, decodeBase64UrlStrict, MAX_JWT_LENGTH } from './compact-jwt.js';
export type { DecodedJwt } from './compact-jwt.js';
export { judgeAudience } from './audience.js';
export type { AudiencePolicy, AudienceJudgement, AudienceTargets } from './audience.js';
export { InMemoryReplayStore, replayKey } from './replay.js';
export type { ReplayStore } from './replay.js';
export { createJwksResolver, readJwkSet, selectVerificationKeys, publicKeyFromJwk, keySizeInBits } from './keys.js';
export type { JwksResolver, JwksResolverOptions, ResolvedKeys } from './keys.js';
export { HMAC_ALGORITHMS, ASYMMETRIC_ALGORITHMS, isHmacAlgorithm, isAsymmetricAlgorithm, keyRequirementsOf } from './algorithms.js';
export type { HmacAlgorithm, AsymmetricAlgorithm } from './algorithms.js';
export { verifyAsymmetricSignature, verifyHmacSignature } from './signature.js';
export { inspectJwt, formatJwtInspection } from './inspect.js';
export type { JwtInspection, JwtProblem, SignatureStatus, InspectOptions } from './inspect.js';
