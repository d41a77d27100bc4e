// A client library nobody here wrote: oauth4webapi against the lab server.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { register, startTestServer } from './support.js';

let server: RunningLabServer;
let as: oauth.AuthorizationServer;
const insecure = { [oauth.allowInsecureRequests]: true };

beforeAll(async () => {
  server = await startTestServer({ tlsPort: false });
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }));
});
afterAll(() => server.stop());

async function clientCredentials(client: oauth.Client, auth: oauth.ClientAuth): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), insecure);
  return oauth.processClientCredentialsResponse(as, client, response);
}

describe('oauth4webapi interoperability', () => {
  it('discovers the server (RFC 8414)', () => {
    expect(as.issuer).toBe(server.issuer);
    expect(as.token_endpoint).toBe(`${server.issuer}/token`);
  });
  it('client_secret_basic', async () => {
    const registered = await register(server, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
    const result = await clientCredentials({ client_id: registered.client_id }, oauth.ClientSecretBasic(registered.client_secret as string));
    expect(result.token_type).toBe('bearer');
    expect(server.context.traces.last()?.method).toBe('client_secret_basic');
  });
  it('client_secret_post', async () => {
    const registered = await register(server, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    const result = await clientCredentials({ client_id: registered.client_id }, oauth.ClientSecretPost(registered.client_secret as string));
    expect(result.access_token).toBeTruthy();
    expect(server.context.traces.last()?.method).toBe('client_secret_post');
  });
  it('client_secret_jwt (aud = issuer, as oauth4webapi sends it)', async () => {
    const registered = await register(server, { token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['client_credentials'] });
    const result = await clientCredentials({ client_id: registered.client_id }, oauth.ClientSecretJwt(registered.client_secret as string));
    expect(result.access_token).toBeTruthy();
    expect(server.context.traces.last()?.method).toBe('client_secret_jwt');
  });
  it('private_key_jwt with ES256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'interop', alg: 'ES256', use: 'sig' };
    const registered = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, grant_types: ['client_credentials'] });
    const key = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const result = await clientCredentials({ client_id: registered.client_id }, oauth.PrivateKeyJwt({ key: key as oauth.CryptoKey, kid: 'interop' }));
    expect(result.access_token).toBeTruthy();
    expect(server.context.traces.last()?.method).toBe('private_key_jwt');
  });
  it('reports a wrong Basic secret to the library as a 401 Basic challenge (RFC 6749 §5.2)', async () => {
    const registered = await register(server, { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
    await expect(clientCredentials({ client_id: registered.client_id }, oauth.ClientSecretBasic('wrong'))).rejects.toMatchObject({
      status: 401, code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', cause: [{ scheme: 'basic' }],
    });
    expect(server.context.traces.last()?.outcome).toMatchObject({ error: 'invalid_client', code: 'ERR_CLIENT_SECRET_MISMATCH' });
  });
  it('reports a wrong client_secret_post secret as invalid_client', async () => {
    const registered = await register(server, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    await expect(clientCredentials({ client_id: registered.client_id }, oauth.ClientSecretPost('wrong'))).rejects.toMatchObject({ status: 400, error: 'invalid_client' });
  });
});
