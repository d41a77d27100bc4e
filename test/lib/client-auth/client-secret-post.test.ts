import { describe, expect, it } from 'vitest';
import { authenticateClient, type RegisteredClient } from '../../../lib/index.js';
import { rejection, serverContext } from '../../support/server.js';

const client: RegisteredClient = { client_id: 'post-client', client_secret: 's3cret', token_endpoint_auth_method: 'client_secret_post' };
const findClient = (id: string) => (id === client.client_id ? client : undefined);
const post = (body: Record<string, string | string[]>) => ({ headers: {}, body: { grant_type: 'client_credentials', ...body } });

describe('client_secret_post', () => {
  it('accepts client_id and client_secret in the body', async () => {
    const result = await authenticateClient(post({ client_id: 'post-client', client_secret: 's3cret' }), { findClient, server: serverContext() });
    expect(result.method).toBe('client_secret_post');
  });
  it('rejects a wrong secret with invalid_client and no Basic challenge', async () => {
    const error = await rejection(authenticateClient(post({ client_id: 'post-client', client_secret: 'x' }), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISMATCH', error: 'invalid_client', status: 401 });
    expect(error.wwwAuthenticate).toBeUndefined();
  });
  it('rejects client_secret without client_id', async () => {
    const error = await rejection(authenticateClient(post({ client_secret: 's3cret' }), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_ID_MISSING', error: 'invalid_request' });
  });
  it('rejects a repeated client_secret because parameters must not repeat (RFC 6749 §3.2)', async () => {
    const error = await rejection(authenticateClient(post({ client_id: 'post-client', client_secret: ['s3cret', 's3cret'] }), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_PARAMETER_REPEATED', error: 'invalid_request' });
  });
  it('rejects the body secret from a client registered for client_secret_basic', async () => {
    const error = await rejection(authenticateClient(post({ client_id: 'post-client', client_secret: 's3cret' }), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_basic' }),
      server: serverContext(),
    }));
    expect(error.code).toBe('ERR_METHOD_NOT_REGISTERED');
  });
});
