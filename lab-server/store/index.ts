export { createMemoryStore, MemoryLabStore } from './memory.js';
export type { StoreSnapshot } from './memory.js';
export { openFileStore, FileLabStore, STORE_FILE } from './file.js';
export type {
  LabStore, LabReplayStore, ReplayEntry, Collection, StoredClient, TokenRecord, TokenKind, AuthorizationCodeRecord, DeviceCodeRecord, CibaRequestRecord, ApprovalStatus,
} from './types.js';
