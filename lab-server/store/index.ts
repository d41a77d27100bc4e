export { createMemoryStore, MemoryLabStore } from './memory.js';
export type { StoreSnapshot } from './memory.js';
export { openFileStore, FileLabStore, STORE_FILE } from './file.js';
export type {
  LabStore, LabReplayStore, ReplayEntry, SharedMaterial, Collection, StoredClient, TokenRecord, TokenKind, AuthorizationCodeRecord, DeviceCodeRecord, CibaRequestRecord, ApprovalStatus,
} from './types.js';
export { openPostgresStore, PostgresLabStore, PostgresReplayStore, isPostgresUrl, redactedDatabaseUrl, TRACE_CHANNEL } from './postgres.js';
export type { PostgresStoreOptions } from './postgres.js';
export { migrate, MIGRATIONS, SCHEMA_VERSION } from './postgres-schema.js';
export type { Migration } from './postgres-schema.js';
export { StoreUnavailableError, STORE_RETRY_AFTER_SECONDS } from './unavailable.js';
