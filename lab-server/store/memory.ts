/**
 * The in-memory store. The file store reuses it and persists its snapshot after every change.
 */
import { replayKey, type ReplayStore } from '@client-auth-lab/lib';
import type {
  AuthorizationCodeRecord, CibaRequestRecord, Collection, DeviceCodeRecord, LabStore, StoredClient, TokenRecord,
} from './types.js';

export class MapCollection<T> implements Collection<T> {
  readonly #entries = new Map<string, T>();
  readonly #changed: () => void;

  constructor(changed: () => void = () => {}, initial?: Record<string, T>) {
    this.#changed = changed;
    for (const [key, value] of Object.entries(initial ?? {})) this.#entries.set(key, value);
  }

  get(key: string): T | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: T): void {
    this.#entries.set(key, value);
    this.#changed();
  }

  delete(key: string): boolean {
    const deleted = this.#entries.delete(key);
    if (deleted) this.#changed();
    return deleted;
  }

  take(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) this.delete(key);
    return value;
  }

  values(): IterableIterator<T> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Removes entries for which `expired` is true, reporting one change at most. */
  prune(expired: (value: T) => boolean): void {
    let removed = false;
    for (const [key, value] of this.#entries) {
      if (expired(value)) {
        this.#entries.delete(key);
        removed = true;
      }
    }
    if (removed) this.#changed();
  }

  toJSON(): Record<string, T> {
    return Object.fromEntries(this.#entries);
  }
}

/** A replay store whose entries can be saved and loaded (RFC 7523 §3 (7)). */
export class SnapshotReplayStore implements ReplayStore {
  readonly #entries: Map<string, number>;
  readonly #changed: () => void;

  constructor(changed: () => void = () => {}, initial: Record<string, number> = {}) {
    this.#changed = changed;
    this.#entries = new Map(Object.entries(initial));
  }

  async insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    // Synchronous from the read to the write, so of two concurrent calls only one can succeed.
    const key = replayKey(issuer, jti);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing > now) return false;
    this.#entries.set(key, expiresAt);
    this.#changed();
    return true;
  }

  prune(nowMs: number): void {
    let removed = false;
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt <= nowMs) {
        this.#entries.delete(key);
        removed = true;
      }
    }
    if (removed) this.#changed();
  }

  get size(): number {
    return this.#entries.size;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#entries);
  }
}

/** The state as saved to disk. */
export interface StoreSnapshot {
  format: 'client-auth-lab/store';
  version: 1;
  clients: Record<string, StoredClient>;
  tokens: Record<string, TokenRecord>;
  codes: Record<string, AuthorizationCodeRecord>;
  deviceCodes: Record<string, DeviceCodeRecord>;
  cibaRequests: Record<string, CibaRequestRecord>;
  replay: Record<string, number>;
}

export class MemoryLabStore implements LabStore {
  readonly clients: MapCollection<StoredClient>;
  readonly tokens: MapCollection<TokenRecord>;
  readonly codes: MapCollection<AuthorizationCodeRecord>;
  readonly deviceCodes: MapCollection<DeviceCodeRecord>;
  readonly cibaRequests: MapCollection<CibaRequestRecord>;
  readonly replay: SnapshotReplayStore;
  readonly location: string | undefined = undefined;

  constructor(changed: () => void = () => {}, snapshot?: StoreSnapshot) {
    this.clients = new MapCollection(changed, snapshot?.clients);
    this.tokens = new MapCollection(changed, snapshot?.tokens);
    this.codes = new MapCollection(changed, snapshot?.codes);
    this.deviceCodes = new MapCollection(changed, snapshot?.deviceCodes);
    this.cibaRequests = new MapCollection(changed, snapshot?.cibaRequests);
    this.replay = new SnapshotReplayStore(changed, snapshot?.replay);
  }

  async commit(): Promise<void> {}

  sweep(nowSeconds: number): void {
    // Expired tokens stay a day so that introspection and traces can still say "expired".
    this.tokens.prune((t) => t.exp + 86_400 < nowSeconds);
    this.codes.prune((c) => c.exp + 600 < nowSeconds);
    this.deviceCodes.prune((d) => d.exp + 600 < nowSeconds);
    this.cibaRequests.prune((r) => r.exp + 600 < nowSeconds);
    this.replay.prune(nowSeconds * 1000);
  }

  snapshot(): StoreSnapshot {
    return {
      format: 'client-auth-lab/store',
      version: 1,
      clients: this.clients.toJSON(),
      tokens: this.tokens.toJSON(),
      codes: this.codes.toJSON(),
      deviceCodes: this.deviceCodes.toJSON(),
      cibaRequests: this.cibaRequests.toJSON(),
      replay: this.replay.toJSON(),
    };
  }

  async close(): Promise<void> {}
}

export function createMemoryStore(): LabStore {
  return new MemoryLabStore();
}
