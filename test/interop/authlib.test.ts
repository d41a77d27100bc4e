// A second client library nobody here wrote: Debian's python3-authlib, with its defaults, against the
// lab server in interop and strict mode (Authlib types its assertions JWT, gives them an hour and
// addresses them to the token endpoint URL).
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningLabServer } from '@client-auth-lab/lab-server';
import { register, startTestServer } from '../lab-server/support.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./authlib_token_request.py', import.meta.url));
let dir: string;
let pem: string;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authlib-'));
  pem = join(dir, 'client.pem');
  await writeFile(pem, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function authlibRequest(server: RunningLabServer, method: string, clientId: string, credential: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { stdout } = await run('/usr/bin/python3', [SCRIPT, `${server.httpUrl}/token`, method, clientId, credential], { timeout: 20_000 });
  return JSON.parse(stdout) as { status: number; body: Record<string, unknown> };
}

async function registerFor(server: RunningLabServer, method: string): Promise<{ clientId: string; credential: string }> {
  const jwks = method === 'private_key_jwt' ? { jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'authlib', use: 'sig' }] } } : {};
  const registered = await register(server, { token_endpoint_auth_method: method, grant_types: ['client_credentials'], ...jwks });
  return { clientId: registered.client_id, credential: method === 'private_key_jwt' ? pem : registered.client_secret as string };
}

describe.each(['interop', 'strict'] as const)('Authlib (python3-authlib) against the %s mode', (mode) => {
  let server: RunningLabServer;
  beforeAll(async () => {
    server = await startTestServer({ tlsPort: false, audiencePolicy: mode });
  });
  afterAll(() => server.stop());

  it.each(['client_secret_basic', 'client_secret_post'])('accepts %s', async (method) => {
    const { clientId, credential } = await registerFor(server, method);
    const answer = await authlibRequest(server, method, clientId, credential);
    expect(answer.status).toBe(200);
    expect(server.context.traces.last()?.method).toBe(method);
  });

  it.each(['client_secret_jwt', 'private_key_jwt'])(mode === 'interop'
    ? 'accepts %s with typ JWT, a one-hour lifetime and aud = token endpoint'
    : 'rejects %s because strict mode takes only the issuer as aud, not the token endpoint Authlib names', async (method) => {
    const { clientId, credential } = await registerFor(server, method);
    const answer = await authlibRequest(server, method, clientId, credential);
    const trace = server.context.traces.last();
    const assertion = trace?.request.jwts?.client_assertion;
    expect(assertion?.header.typ).toBe('JWT');
    expect(Number(assertion?.payload.exp) - Number(assertion?.payload.iat)).toBe(3600);
    if (mode === 'interop') {
      expect(answer.status).toBe(200);
      expect(trace?.method).toBe(method);
    } else {
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
      expect(trace?.outcome.code).toBe('ERR_ASSERTION_AUD');
    }
  });
});
