/**
 * Jupyter messages on the wire (messaging protocol v5.3, "The Wire Protocol"): identities, the
 * `<IDS|MSG>` delimiter, an HMAC signature over the four JSON frames, then header, parent header,
 * metadata and content. The signature scheme is the one in the connection file (hmac-sha256).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** A message that cannot be read: no delimiter, a bad signature, or frames that are not JSON. */
export class KernelMessageError extends Error {
  override name = 'KernelMessageError';
  constructor(readonly code: 'ERR_NO_DELIMITER' | 'ERR_BAD_SIGNATURE' | 'ERR_BAD_FRAME', message: string) {
    super(message);
  }
}

export function newMessage<C extends object>(msgType: string, content: C, session: string, parent: Partial<MessageHeader> = {}): JupyterMessage<C> {
  return {
    header: { msg_id: randomUUID(), session, username: 'authlab', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
    parent_header: parent,
    metadata: {},
    content,
    buffers: [],
  };
}

/** HMAC of header, parent_header, metadata and content, in hex ("Wire Protocol": the signature). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === '') return '';
  const hmac = createHmac('sha256', key);
  for (const f of frames) hmac.update(f);
  return hmac.digest('hex');
}

/** The frames to send (without identities: a DEALER socket needs none). */
export function serialize(key: string, message: JupyterMessage<object>): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((p) => Buffer.from(JSON.stringify(p), 'utf8'));
  return [Buffer.from(DELIMITER), Buffer.from(sign(key, parts)), ...parts, ...message.buffers];
}

/** Reads received frames; identities (or an iopub topic) before the delimiter are skipped. */
export function deserialize(key: string, frames: readonly Buffer[]): JupyterMessage {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('latin1') === DELIMITER);
  if (at < 0) throw new KernelMessageError('ERR_NO_DELIMITER', 'a kernel message without the <IDS|MSG> delimiter');
  const signature = frames[at + 1]?.toString('latin1') ?? '';
  const parts = frames.slice(at + 2, at + 6);
  if (parts.length !== 4) throw new KernelMessageError('ERR_BAD_FRAME', `a kernel message with ${parts.length} of its 4 JSON frames`);
  if (key !== '') {
    const expected = Buffer.from(sign(key, parts), 'latin1');
    const given = Buffer.from(signature, 'latin1');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new KernelMessageError('ERR_BAD_SIGNATURE', 'a kernel message whose HMAC signature does not match the connection key');
  }
  try {
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString('utf8')) as unknown);
    return {
      header: header as MessageHeader,
      parent_header: parent as Partial<MessageHeader>,
      metadata: metadata as Record<string, unknown>,
      content: content as Record<string, unknown>,
      buffers: frames.slice(at + 6),
    };
  } catch (error) {
    throw new KernelMessageError('ERR_BAD_FRAME', `a kernel message frame is not JSON: ${(error as Error).message}`);
  }
}
