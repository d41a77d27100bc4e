/**
 * Random identifiers (trace ids, tokens, grant ids) from one pool of CSPRNG output. Every request
 * needs three of them; asking node:crypto for a few bytes three times cost more than the bytes
 * themselves, so 4 KiB are drawn at once and handed out in slices, each slice zeroed once used.
 * The values are exactly as random as randomBytes(n): they are randomBytes output.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `bytes` random bytes as base64url without padding (the same text randomBytes(bytes).toString('base64url') gives). */
export function randomBase64Url(bytes: number): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  const text = pool.toString('base64url', start, offset);
  pool.fill(0, start, offset);
  return text;
}
