import { GRANT_TYPES } from '@client-auth-lab/lib';
import { authorizationCodeGrant } from './authorization-code.js';
import { cibaGrant } from './ciba.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import { jwtBearerGrant } from './jwt-bearer.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { GrantHandler } from './types.js';

export type { GrantHandler } from './types.js';

/** The grant types the token endpoint serves (password and implicit are not token-endpoint grants here). */
export const GRANT_HANDLERS: Readonly<Record<string, GrantHandler>> = {
  [GRANT_TYPES.client_credentials]: clientCredentialsGrant,
  [GRANT_TYPES.authorization_code]: authorizationCodeGrant,
  [GRANT_TYPES.refresh_token]: refreshTokenGrant,
  [GRANT_TYPES.jwt_bearer]: jwtBearerGrant,
  [GRANT_TYPES.device_code]: deviceCodeGrant,
  [GRANT_TYPES.ciba]: cibaGrant,
};

export const SUPPORTED_GRANT_TYPES: readonly string[] = Object.keys(GRANT_HANDLERS);
