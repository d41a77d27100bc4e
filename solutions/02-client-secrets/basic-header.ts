/**
 * Exercise 02-basic-header: build a client_secret_basic Authorization header that survives any secret.
 *
 * Story: your client was issued the id `billing:eu` and a secret full of punctuation. HTTP Basic
 * (RFC 7617 §2) joins user-id and password with ':' and Base64-encodes the result. OAuth adds one step
 * that many clients forget (RFC 6749 §2.3.1): the client_id and the client_secret are each encoded
 * with application/x-www-form-urlencoded (RFC 6749 Appendix B) BEFORE they are joined. Without it,
 * an id containing ':' is split at the wrong place, and a '+' or '%' in the secret reaches the server
 * changed.
 *
 *   Authorization: Basic base64( formUrlEncode(client_id) ":" formUrlEncode(client_secret) )
 *
 * `formUrlEncode` (Appendix B) is given by the lib; the order of the steps is yours. The spec sends
 * your header to the lab's token endpoint, which must accept it.
 */
import { formUrlEncode } from '@client-auth-lab/lib';

export { formUrlEncode };

export function basicAuthorization(clientId: string, clientSecret: string): string {
  const joined = `${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`;
  return `Basic ${Buffer.from(joined, 'utf8').toString('base64')}`;
}
