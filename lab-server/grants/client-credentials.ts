import type { GrantHandler } from './types.js';
import { singleParameter } from '../form.js';
import { checkScope, issueTokens } from '../tokens.js';

/** RFC 6749 §4.4: the client acts on its own behalf; no refresh token (§4.4.3). */
export const clientCredentialsGrant: GrantHandler = (x, { client }, form) => {
  const scope = checkScope(x, client, singleParameter(form, 'scope'));
  return issueTokens(x, { client, grantType: 'client_credentials', ...(scope === undefined ? {} : { scope }), refreshToken: false });
};
