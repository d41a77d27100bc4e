import { describe, expect, it } from 'vitest';
import { spaRegistration } from './spa-registration.js';
import { useLab } from '../support/lab.js';
import { ruleMessage } from '../support/expectations.js';

const lab = useLab();
const REDIRECT = 'https://spa.example/callback';

describe('spaRegistration', () => {
  it('accepts: the lab registers the SPA as a public client without a secret', async () => {
    const metadata = spaRegistration('Photo album SPA', REDIRECT);
    let registered: Record<string, unknown>;
    try {
      registered = await lab().register({ ...metadata });
    } catch (error) {
      const body = (error as { body?: { error?: string; error_description?: string } }).body;
      return expect.fail(ruleMessage('RFC 7591 §3.2.2', 'the lab refused the registration', 'HTTP 201', body === undefined ? String(error) : `${body.error}: ${body.error_description}`));
    }
    expect(registered.token_endpoint_auth_method, ruleMessage('RFC 7591 §2', 'a public client registers token_endpoint_auth_method "none" (the default is client_secret_basic)', 'none', registered.token_endpoint_auth_method)).toBe('none');
    expect(registered.client_secret, ruleMessage('RFC 6749 §2.1', 'a public client cannot keep a secret, so the server issues none', undefined, registered.client_secret)).toBeUndefined();
  });

  it('asks for the authorization code and refresh token grants, and not client_credentials', () => {
    const metadata = spaRegistration('Photo album SPA', REDIRECT);
    expect([...metadata.grant_types].sort(), ruleMessage('RFC 6749 §4.1, §6', 'a SPA signs users in with the code grant and keeps the session with refresh tokens', ['authorization_code', 'refresh_token'], metadata.grant_types)).toEqual(['authorization_code', 'refresh_token']);
    expect(metadata.response_types, ruleMessage('RFC 7591 §2.1', 'grant authorization_code goes with response_type code', ['code'], metadata.response_types)).toEqual(['code']);
  });

  it('uses the redirect URI and client name it was given', () => {
    const metadata = spaRegistration('Recipe box', 'http://localhost:5173/cb');
    expect(metadata.redirect_uris, ruleMessage('RFC 6749 §3.1.2.2', 'redirect flows register their redirect URIs exactly', ['http://localhost:5173/cb'], metadata.redirect_uris)).toEqual(['http://localhost:5173/cb']);
    expect(metadata.client_name, ruleMessage('RFC 7591 §2', 'client_name is what the consent screen shows', 'Recipe box', metadata.client_name)).toBe('Recipe box');
  });

  it('rejects client_credentials for this client: the lab answers unauthorized_client or invalid_client', async () => {
    const registered = await lab().register({ ...spaRegistration('Photo album SPA', REDIRECT) });
    const response = await lab().request(lab().urls.token, { form: { grant_type: 'client_credentials', client_id: registered.client_id } });
    expect(response.status, ruleMessage('RFC 6749 §4.4', 'the client credentials grant is refused for a public client', '400 or 401', response.status)).toBeGreaterThanOrEqual(400);
    expect(['unauthorized_client', 'invalid_client', 'unsupported_grant_type'], ruleMessage('RFC 6749 §5.2', 'the refusal is a standard error code', 'unauthorized_client', response.body?.error)).toContain(response.body?.error);
  });
});
