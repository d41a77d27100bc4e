/**
 * The store kept in a data directory. State lives in memory and is saved as one JSON snapshot:
 * written to a temporary file, fsynced, renamed over store.json, and the directory fsynced. A rename
 * replaces the file atomically, so a crash leaves either the old snapshot or the new one, never half
 * of one. Writes are serialized; changes made while a write runs are saved by the next one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryLabStore, type StoreSnapshot } from './memory.js';
import type { LabStore } from './types.js';

export const STORE_FILE = 'store.json';
/** Unsaved changes are written this soon after they are made, batched (commit() writes at once). */
const WRITE_BEHIND_MS = 25;

export class FileLabStore extends MemoryLabStore implements LabStore {
  override readonly location: string;
  readonly #file: string;
  #changes = 0;
  #saved = 0;
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #onError: (error: Error) => void;

  private constructor(directory: string, snapshot: StoreSnapshot | undefined, onError: (error: Error) => void) {
    let self: FileLabStore | undefined;
    super(() => self?.noteChange(), snapshot);
    self = this;
    this.location = directory;
    this.#file = join(directory, STORE_FILE);
    this.#onError = onError;
  }

  /** Opens (or creates) the store in `directory`. A store.json that does not parse is refused, never overwritten. */
  static async open(directory: string, onError: (error: Error) => void = () => {}): Promise<FileLabStore> {
    await mkdir(directory, { recursive: true });
    await removeLeftoverTemporaryFiles(directory);
    let snapshot: StoreSnapshot | undefined;
    let text: string | undefined;
    try {
      text = await readFile(join(directory, STORE_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      try {
        snapshot = JSON.parse(text) as StoreSnapshot;
      } catch (error) {
        throw new Error(`${join(directory, STORE_FILE)} is not valid JSON (${(error as Error).message}); move it away to start afresh`);
      }
      if (snapshot?.format !== 'client-auth-lab/store' || snapshot.version !== 1) {
        throw new Error(`${join(directory, STORE_FILE)} is not a client-auth-lab store (version 1)`);
      }
    }
    return new FileLabStore(directory, snapshot, onError);
  }

  /** Called on every change: schedules a write-behind. */
  private noteChange(): void {
    this.#changes += 1;
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.commit().catch((error: Error) => this.#onError(error));
      }, WRITE_BEHIND_MS);
      this.#timer.unref();
    }
  }

  override async commit(): Promise<void> {
    const target = this.#changes;
    while (this.#saved < target) {
      if (this.#writing !== undefined) {
        await this.#writing.catch(() => {});
        continue;
      }
      const upTo = this.#changes;
      this.#writing = this.#write().then(() => {
        this.#saved = Math.max(this.#saved, upTo);
      }).finally(() => {
        this.#writing = undefined;
      });
      await this.#writing;
    }
  }

  async #write(): Promise<void> {
    const text = JSON.stringify(this.snapshot());
    const temporary = join(this.location, `.${STORE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.#file);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await syncDirectory(this.location);
  }

  override async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.commit();
  }
}

/** Makes the rename itself durable (POSIX: the directory entry lives in the directory). */
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
