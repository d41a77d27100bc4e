// The making side of JOSE: JWKs (mkjwk), compact JWS (mkjose), client assertions (RFC 7523).
export { generateJwk } from './generate-jwk.js';
export type { GenerateJwkOptions, GeneratedJwk } from './generate-jwk.js';
export { signCompactJws } from './sign.js';
export type { SignJwsOptions } from './sign.js';
export { clientAssertionClaims, signClientAssertion } from './client-assertion.js';
export type { ClientAssertionClaims, ClientAssertionOptions } from './client-assertion.js';
export { assertAlgorithmFitsKey, defaultAlgorithm, JWS_ALGORITHMS } from './algorithms.js';
export type { JwsAlgorithm } from './algorithms.js';
export { JoseMakeError } from './errors.js';
