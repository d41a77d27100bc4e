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
  it('rejects a wrong secret with invalid_client and 400, since no HTTP scheme fits a body secret (RFC 9110 §15.5.2; RFC 6749 §5.2)', async () => {
    const error = await rejection(authenticateClient(post({ client_id: 'post-client', client_secret: 'x' }), { findClient, server: serverContext() }));
    expect(error).toMatchObject({ code: 'ERR_CLIENT_SECRET_MISMATCH', error: 'invalid_client', status: 400 });
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
  it('accepts the body secret from a client registered for client_secret_basic in interop mode (RFC 6749 §2.3.1)', async () => {
    const result = await authenticateClient(post({ client_id: 'post-client', client_secret: 's3cret' }), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_basic' }),
      server: serverContext(),
    });
    expect(result.method).toBe('client_secret_post');
    expect(result.checks.find((c) => c.name === 'registered method')?.detail).toContain('registered client_secret_basic');
  });
  it('rejects the body secret from a client registered for client_secret_basic in strict mode', async () => {
    const error = await rejection(authenticateClient(post({ client_id: 'post-client', client_secret: 's3cret' }), {
      findClient: () => ({ ...client, token_endpoint_auth_method: 'client_secret_basic' }),
      server: serverContext({ audiencePolicy: 'strict' }),
    }));
    expect(error).toMatchObject({ code: 'ERR_METHOD_NOT_REGISTERED', error: 'invalid_client', status: 400 });
  });
});
