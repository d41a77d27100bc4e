/**
 * Exercise 01-spa-registration: register a single-page app as what it is, a public client.
 *
 * Story: a React app in the browser wants tokens. Whatever secret you ship in its JavaScript bundle is
 * readable by every visitor, so the app cannot keep a credential: it is a public client
 * (RFC 6749 §2.1). Its registration (RFC 7591 §2) must say so:
 *
 * - `token_endpoint_auth_method: "none"`: the app does not authenticate at the token endpoint
 *   (RFC 7591 §2; leaving it out means the default `client_secret_basic`, a confidential client);
 * - `grant_types`: the authorization code grant (with PKCE, RFC 7636) and refresh tokens, and NOT
 *   `client_credentials`, which is for confidential clients only (RFC 6749 §4.4);
 * - `response_types: ["code"]`, which goes with the authorization code grant (RFC 7591 §2.1);
 * - `redirect_uris`: where the browser comes back to (RFC 6749 §3.1.2.2 requires them for redirect flows).
 *
 * The spec sends your metadata to the lab's registration endpoint; the lab must accept it and hand
 * back a public client (no client_secret).
 */

export interface SpaRegistration {
  client_name: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  response_types: string[];
  redirect_uris: string[];
}

export function spaRegistration(clientName: string, redirectUri: string): SpaRegistration {
  // TODO: return the registration metadata of a public SPA: no client authentication at the token
  // endpoint, the code and refresh_token grants, response type code, and the one redirect URI.
  throw new Error(`TODO: describe ${clientName} (${redirectUri}) as a public client`);
}
