// The public API of @client-auth-lab/lib. Every name is exported explicitly.
export { CodedError, OAuthError } from './errors.js';
export type { OAuthErrorCode, OAuthErrorOptions } from './errors.js';
export { CheckLog } from './checks.js';
export type { Check, Failure } from './checks.js';
export { systemClock, fixedClock, epochSeconds } from './clock.js';
export type { Clock } from './clock.js';
export { x5tS256 } from './mtls/thumbprint.js';
