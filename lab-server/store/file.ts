/**
 * The store kept in a data directory. State lives in memory; on disk it is a snapshot plus a journal.
 *
 * - store.json: the whole state at one moment, with a generation number. It is only ever replaced
 *   atomically (temporary file, fsync, rename, fsync of the directory), so it is always whole.
 * - journal.<generation>.jsonl: the changes made since that snapshot, one line per changed entry,
 *   `{"c":"tokens","k":"…","v":{…}}` for a set and `{"c":"tokens","k":"…","d":true}` for a deletion.
 *   Each batch of changes is one append and one fsync, so saving costs what changed, not what is stored.
 *
 * Changes are batched (write-behind after 25 ms; commit() resolves once every change so far is durable)
 * and writes run one at a time. Once the journal has more lines than max(4,096, live entries), the next
 * write is a compaction: a snapshot of generation g+1 (with an empty journal g+1) replaces store.json,
 * then journal g is deleted. Opening replays the journal of the snapshot's generation; a torn last line
 * (a crash mid-append, never acknowledged) is cut off, a bad line before it is refused, and journals of
 * other generations (a crash mid-compaction) are deleted.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { COLLECTION_NAMES, MemoryLabStore, type CollectionName, type StoreSnapshot } from './memory.js';
import type { LabStore } from './types.js';
import { WriteBehind } from './write-behind.js';

export const STORE_FILE = 'store.json';
/** The journal that continues the snapshot of `generation`. */
function journalFile(generation: number): string {
  return `journal.${generation}.jsonl`;
}
const JOURNAL_NAME = /^journal\.(\d+)\.jsonl$/;
/** Unsaved changes are written this soon after they are made, batched (commit() writes at once). */
const WRITE_BEHIND_MS = 25;
/** A journal is folded into a new snapshot once it has more lines than this and than the store has entries. */
const COMPACTION_FLOOR = 4_096;

/** One journal line: the entry's value after a set, or its deletion. */
type JournalEntry = { c: CollectionName; k: string; v: unknown; d?: undefined } | { c: CollectionName; k: string; d: true };

interface Journal {
  handle: FileHandle;
  generation: number;
  lines: number;
  bytes: number;
}

export class FileLabStore extends MemoryLabStore implements LabStore {
  override readonly location: string;
  readonly #file: string;
  readonly #dirty: Record<CollectionName, Set<string>> = {
    clients: new Set(), tokens: new Set(), codes: new Set(), deviceCodes: new Set(), cibaRequests: new Set(), replay: new Set(),
  };
  readonly #writes = new WriteBehind(() => this.#write(), WRITE_BEHIND_MS, (error) => this.#onError(error));
  #generation: number;
  #journal: FileHandle | undefined;
  #journalLines: number;
  #journalBytes: number;
  /** Set when a write failed after taking entries off the dirty set: the next write saves everything. */
  #mustCompact = false;
  readonly #onError: (error: Error) => void;

  private constructor(directory: string, snapshot: StoreSnapshot | undefined, journal: Journal, onError: (error: Error) => void) {
    let self: FileLabStore | undefined;
    super((collection, key) => {
      if (self !== undefined) self.#noteChange(collection, key);
    }, snapshot);
    self = this;
    this.location = directory;
    this.#file = join(directory, STORE_FILE);
    this.#generation = journal.generation;
    this.#journal = journal.handle;
    this.#journalLines = journal.lines;
    this.#journalBytes = journal.bytes;
    this.#onError = onError;
  }

  /**
   * Opens (or creates) the store in `directory`. A store.json that does not parse, or a journal with a
   * bad line before its last, is refused and nothing is changed on disk.
   */
  static async open(directory: string, onError: (error: Error) => void = () => {}): Promise<FileLabStore> {
    await mkdir(directory, { recursive: true });
    await removeLeftoverTemporaryFiles(directory);
    const snapshot = await readSnapshot(directory);
    const generation = snapshot?.generation ?? 0;
    const path = join(directory, journalFile(generation));
    const journal = await readJournal(path);
    // Everything read is valid: only now is the directory tidied.
    for (const name of await readdir(directory)) {
      const match = JOURNAL_NAME.exec(name);
      if (match !== null && Number(match[1]) !== generation) await unlink(join(directory, name));
    }
    const handle = await open(path, 'a', 0o600);
    try {
      if (journal.bytes < journal.size) {
        await handle.truncate(journal.bytes);
        await handle.sync();
      }
      if (!journal.existed) await syncDirectory(directory);
    } catch (error) {
      await handle.close();
      throw error;
    }
    const state = applyJournal(snapshot, journal.entries);
    return new FileLabStore(directory, state, { handle, generation, lines: journal.entries.length, bytes: journal.bytes }, onError);
  }

  /** Called on every change: marks the entry dirty and schedules a write-behind. */
  #noteChange(collection: CollectionName, key: string): void {
    this.#dirty[collection].add(key);
    this.#writes.changed();
  }

  // #write takes the dirty entries synchronously, as WriteBehind requires.
  override commit(): Promise<void> {
    return this.#writes.commit();
  }

  async #write(): Promise<void> {
    if (this.#mustCompact || this.#journalLines > Math.max(COMPACTION_FLOOR, this.#liveEntries())) return this.#compact();
    const lines: string[] = [];
    for (const collection of COLLECTION_NAMES) {
      for (const key of this.#dirty[collection]) lines.push(this.#journalLine(collection, key));
      this.#dirty[collection].clear();
    }
    if (lines.length === 0) return;
    return this.#append(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), lines.length);
  }

  /** The entry as it is now: records are replaced, never mutated, so this is the value to save. */
  #journalLine(collection: CollectionName, key: string): string {
    const value = collection === 'replay' ? this.replay.get(key) : this[collection].get(key);
    return JSON.stringify(value === undefined ? { c: collection, k: key, d: true } : { c: collection, k: key, v: value });
  }

  #liveEntries(): number {
    return this.clients.size + this.tokens.size + this.codes.size + this.deviceCodes.size + this.cibaRequests.size + this.replay.size;
  }

  /** One write and one fsync for the whole batch. */
  async #append(data: Buffer, lines: number): Promise<void> {
    try {
      this.#journal ??= await open(join(this.location, journalFile(this.#generation)), 'a', 0o600);
      await writeAll(this.#journal, data);
      await this.#journal.datasync();
    } catch (error) {
      // These entries are no longer dirty; cut off what was written and save everything next time.
      this.#mustCompact = true;
      await this.#journal?.truncate(this.#journalBytes).catch(() => {});
      throw error;
    }
    this.#journalLines += lines;
    this.#journalBytes += data.length;
  }

  async #compact(): Promise<void> {
    const generation = this.#generation + 1;
    // Serialized before the first await, so it holds every change made so far and nothing stays dirty.
    const { format, version, ...collections } = this.snapshot();
    const text = JSON.stringify({ format, version, generation, ...collections });
    for (const collection of COLLECTION_NAMES) this.#dirty[collection].clear();
    this.#mustCompact = false;

    const temporary = join(this.location, `.${STORE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const nextJournal = join(this.location, journalFile(generation));
    let journal: FileHandle | undefined;
    try {
      await writeDurably(temporary, text);
      // Created empty before the rename, so the directory fsync below makes both durable.
      journal = await open(nextJournal, 'w', 0o600);
      await rename(temporary, this.#file);
    } catch (error) {
      this.#mustCompact = true;
      await unlink(temporary).catch(() => {});
      if (journal !== undefined) {
        await journal.close().catch(() => {});
        await unlink(nextJournal).catch(() => {});
      }
      throw error;
    }
    const previous = this.#journal;
    const previousGeneration = this.#generation;
    this.#generation = generation;
    this.#journal = journal;
    this.#journalLines = 0;
    this.#journalBytes = 0;
    await syncDirectory(this.location);
    // A crash before this leaves an old journal that the next open deletes.
    await previous?.close().catch(() => {});
    await unlink(join(this.location, journalFile(previousGeneration))).catch(() => {});
  }

  override async close(): Promise<void> {
    this.#writes.stop();
    try {
      await this.commit();
    } finally {
      const journal = this.#journal;
      this.#journal = undefined;
      await journal?.close();
    }
  }
}

async function readSnapshot(directory: string): Promise<StoreSnapshot | undefined> {
  const path = join(directory, STORE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let snapshot: StoreSnapshot | undefined;
  try {
    snapshot = JSON.parse(text) as StoreSnapshot;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); move it and the journal.*.jsonl files away to start afresh`);
  }
  if (snapshot?.format !== 'client-auth-lab/store' || snapshot.version !== 1) {
    throw new Error(`${path} is not a client-auth-lab store (version 1)`);
  }
  // Snapshots written before the journal have no generation: they continue journal 0.
  if (snapshot.generation !== undefined && !(Number.isSafeInteger(snapshot.generation) && snapshot.generation >= 0)) {
    throw new Error(`${path} has an invalid generation (${JSON.stringify(snapshot.generation)})`);
  }
  return snapshot;
}

/**
 * Reads a journal's whole lines. Bytes after the last newline are a write cut short by a crash: that
 * batch was never acknowledged, so it is dropped (`bytes` < `size`). A bad whole line is refused.
 */
async function readJournal(path: string): Promise<{ entries: JournalEntry[]; bytes: number; size: number; existed: boolean }> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], bytes: 0, size: 0, existed: false };
    throw error;
  }
  const bytes = data.lastIndexOf(0x0a) + 1;
  const entries: JournalEntry[] = [];
  if (bytes > 0) {
    const lines = data.toString('utf8', 0, bytes - 1).split('\n');
    for (const [index, line] of lines.entries()) {
      const problem = parseJournalLine(line, entries);
      if (problem !== undefined) {
        throw new Error(`${path} line ${index + 1} is not a journal entry (${problem}); the store was not opened and nothing was changed. `
          + `Moving the journal away falls back to ${STORE_FILE}, losing the changes made since it was written`);
      }
    }
  }
  return { entries, bytes, size: data.length, existed: true };
}

/** Parses one line onto `entries`, or says what is wrong with it. */
function parseJournalLine(line: string, entries: JournalEntry[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return (error as Error).message;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
  const entry = parsed as Partial<Record<'c' | 'k' | 'v' | 'd', unknown>>;
  if (!COLLECTION_NAMES.includes(entry.c as CollectionName)) return `unknown collection ${JSON.stringify(entry.c)}`;
  if (typeof entry.k !== 'string') return 'no key';
  const c = entry.c as CollectionName;
  if (entry.d === true) {
    entries.push({ c, k: entry.k, d: true });
    return undefined;
  }
  const valid = c === 'replay' ? typeof entry.v === 'number' : typeof entry.v === 'object' && entry.v !== null && !Array.isArray(entry.v);
  if (!valid) return 'neither a value nor a deletion';
  entries.push({ c, k: entry.k, v: entry.v });
  return undefined;
}

/** The snapshot with the journal's changes applied in order (Maps, so any key is just a key). */
function applyJournal(snapshot: StoreSnapshot | undefined, entries: JournalEntry[]): StoreSnapshot | undefined {
  if (entries.length === 0) return snapshot;
  const maps = new Map<CollectionName, Map<string, unknown>>(
    COLLECTION_NAMES.map((name) => [name, new Map<string, unknown>(Object.entries(snapshot?.[name] ?? {}))]),
  );
  for (const entry of entries) {
    const map = maps.get(entry.c) as Map<string, unknown>;
    if (entry.d === true) map.delete(entry.k);
    else map.set(entry.k, entry.v);
  }
  const record = <T>(name: CollectionName) => Object.fromEntries(maps.get(name) ?? []) as Record<string, T>;
  return {
    format: 'client-auth-lab/store',
    version: 1,
    generation: snapshot?.generation ?? 0,
    clients: record('clients'),
    tokens: record('tokens'),
    codes: record('codes'),
    deviceCodes: record('deviceCodes'),
    cibaRequests: record('cibaRequests'),
    replay: record('replay'),
  };
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or a new file durable (POSIX: the directory entry lives in the directory). */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

async function removeLeftoverTemporaryFiles(directory: string): Promise<void> {
  for (const name of await readdir(directory)) {
    if (name.startsWith(`.${STORE_FILE}.`) && name.endsWith('.tmp')) await unlink(join(directory, name)).catch(() => {});
  }
}

export function openFileStore(directory: string, onError?: (error: Error) => void): Promise<FileLabStore> {
  return FileLabStore.open(directory, onError);
}
