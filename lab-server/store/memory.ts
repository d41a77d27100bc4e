/**
 * The in-memory store. Every change reports which entry changed (collection and key); the memory store
 * ignores it, the file store journals that entry's current value. Records are replaced with set(),
 * never mutated in place, so the value in the map is the value to save.
 */
import { replayKey } from '@client-auth-lab/lib';
import type {
  AuthorizationCodeRecord, CibaRequestRecord, Collection, DeviceCodeRecord, LabReplayStore, LabStore, ReplayEntry, StoredClient, TokenRecord,
} from './types.js';

/** The names of the store's collections, as used in snapshots and journal lines. */
export type CollectionName = 'clients' | 'tokens' | 'codes' | 'deviceCodes' | 'cibaRequests' | 'replay';
export const COLLECTION_NAMES: readonly CollectionName[] = ['clients', 'tokens', 'codes', 'deviceCodes', 'cibaRequests', 'replay'];

/** Told the key of every entry that was set or deleted. */
export type ChangeListener = (key: string) => void;

export class MapCollection<T> implements Collection<T> {
  readonly #entries = new Map<string, T>();
  readonly #changed: ChangeListener;

  constructor(changed: ChangeListener = () => {}, initial?: Record<string, T>) {
    this.#changed = changed;
    for (const [key, value] of Object.entries(initial ?? {})) this.#entries.set(key, value);
  }

  get(key: string): T | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: T): void {
    this.#entries.set(key, value);
    this.#changed(key);
  }

  delete(key: string): boolean {
    const deleted = this.#entries.delete(key);
    if (deleted) this.#changed(key);
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

  /** Removes entries for which `expired` is true, reporting each removed key. */
  prune(expired: (value: T) => boolean): void {
    for (const [key, value] of this.#entries) {
      if (expired(value)) {
        this.#entries.delete(key);
        this.#changed(key);
      }
    }
  }

  toJSON(): Record<string, T> {
    return Object.fromEntries(this.#entries);
  }
}

/** A replay store whose entries can be saved and loaded (RFC 7523 §3 (7)). */
export class SnapshotReplayStore implements LabReplayStore {
  readonly #entries: Map<string, number>;
  readonly #changed: ChangeListener;

  constructor(changed: ChangeListener = () => {}, initial: Record<string, number> = {}) {
    this.#changed = changed;
    this.#entries = new Map(Object.entries(initial));
  }

  async insertIfAbsent(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    // Synchronous from the read to the write, so of two concurrent calls only one can succeed.
    const key = replayKey(issuer, jti);
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing > now) return false;
    this.#entries.set(key, expiresAt);
    this.#changed(key);
    return true;
  }

  async list(nowMs: number): Promise<ReplayEntry[]> {
    const live: ReplayEntry[] = [];
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt <= nowMs) continue;
      const [iss, jti] = JSON.parse(key) as [string, string];
      live.push({ iss, jti, expiresAt });
    }
    return live.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** When the entry stored under `key` (see replayKey) expires, in epoch ms. */
  get(key: string): number | undefined {
    return this.#entries.get(key);
  }

  prune(nowMs: number): void {
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt <= nowMs) {
        this.#entries.delete(key);
        this.#changed(key);
      }
    }
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
  /** Which journal continues this snapshot (the file store's journal.<generation>.jsonl); absent means 0. */
  generation?: number;
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

  constructor(changed: (collection: CollectionName, key: string) => void = () => {}, snapshot?: StoreSnapshot) {
    this.clients = new MapCollection((key) => changed('clients', key), snapshot?.clients);
    this.tokens = new MapCollection((key) => changed('tokens', key), snapshot?.tokens);
    this.codes = new MapCollection((key) => changed('codes', key), snapshot?.codes);
    this.deviceCodes = new MapCollection((key) => changed('deviceCodes', key), snapshot?.deviceCodes);
    this.cibaRequests = new MapCollection((key) => changed('cibaRequests', key), snapshot?.cibaRequests);
    this.replay = new SnapshotReplayStore((key) => changed('replay', key), snapshot?.replay);
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
