export { authenticateClient, registeredMethodOf, DEFAULT_TOKEN_ENDPOINT_AUTH_METHOD } from './authenticate.js';
export type { AuthenticateClientOptions, ClientLookup } from './authenticate.js';
export { detectClientAuthentication, METHODS_BY_MECHANISM } from './detect.js';
export type { PresentedMechanism, Presentation } from './detect.js';
export {
  verifyClientSecretBasic,
  verifyClientSecretPost,
  verifyClientSecretJwt,
  verifyPrivateKeyJwt,
  verifyTlsClientAuth,
  verifySelfSignedTlsClientAuth,
  verifyNone,
} from './methods.js';
export { encodeClientSecretBasic, parseClientSecretBasic, isBasicAuthorization, BASIC_CHALLENGE } from './client-secret-basic.js';
export type { BasicCredentials } from './client-secret-basic.js';
export { formUrlEncode, formUrlDecode } from './form-encoding.js';
export { secretsEqual } from './client-secret.js';
export { TOKEN_ENDPOINT_AUTH_METHODS } from './types.js';
export type {
  TokenEndpointAuthMethod,
  Jwk,
  JwkSet,
  RegisteredClient,
  ClientAuthRequest,
  AuthorizationServerContext,
  AuthenticatedClient,
} from './types.js';
