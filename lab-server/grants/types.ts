import type { AuthenticatedCaller } from '../client-authentication.js';
import type { Exchange } from '../exchange.js';
import type { FormParameters } from '../form.js';
import type { TokenResponse } from '../tokens.js';

/** One grant type at the token endpoint, called after the client is authenticated and allowed the grant. */
export type GrantHandler = (x: Exchange, caller: AuthenticatedCaller, form: FormParameters) => Promise<TokenResponse> | TokenResponse;

export function epochNow(x: Exchange): number {
  return Math.floor(x.ctx.config.now() / 1000);
}

export function wantsRefreshToken(caller: AuthenticatedCaller): boolean {
  return caller.client.grant_types?.includes('refresh_token') === true;
}
