/**
 * The server's own signing key (ES256), published at the JWKS endpoint for JWT access tokens or
 * signed responses. Kept in the data directory when there is one.
 */
import { createPrivateKey, createPublicKey, generateKeyPair as generateNodeKeyPair, type KeyObject, type JsonWebKey } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import type { SharedMaterial } from './store/types.js';

export const SIGNING_KEY_FILE = 'server-signing-key.jwk.json';

export interface ServerSigningKey {
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

/** RFC 7638 thumbprint of an EC key: the kid. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The key from `directory` (made and saved there on first start), or the one every process of the
 * server shares (`shared`, the PostgreSQL store), or a new one that lives as long as the process.
 */
export async function openServerSigningKey(directory?: string, shared?: SharedMaterial): Promise<ServerSigningKey> {
  const path = directory === undefined ? undefined : join(directory, SIGNING_KEY_FILE);
  let privateKey: KeyObject | undefined;
  if (shared !== undefined) {
    const jwk = await shared.agree('signing-key', async () => {
      const made = (await promisify(generateNodeKeyPair)('ec', { namedCurve: 'P-256' })).privateKey;
      return JSON.stringify(made.export({ format: 'jwk' }));
    });
    privateKey = createPrivateKey({ key: JSON.parse(jwk) as JsonWebKey, format: 'jwk' });
  } else if (path !== undefined) {
    try {
      privateKey = createPrivateKey({ key: JSON.parse(await readFile(path, 'utf8')) as JsonWebKey, format: 'jwk' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} is not a usable private JWK: ${(error as Error).message}`);
    }
  }
  if (privateKey === undefined) {
    privateKey = (await promisify(generateNodeKeyPair)('ec', { namedCurve: 'P-256' })).privateKey;
    if (path !== undefined) {
      await writeFile(`${path}.tmp`, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600, flush: true });
      await rename(`${path}.tmp`, path);
    }
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicJwk: { ...jwk, kid: thumbprint(jwk), use: 'sig', alg: 'ES256' } };
}
