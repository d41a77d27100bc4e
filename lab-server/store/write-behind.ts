/**
 * Write-behind for a store: every change is counted and a write is scheduled `delayMs` later; commit()
 * resolves once every change counted before the call has been written. One write runs at a time, and
 * `write` must take the pending changes synchronously when it starts, so each write saves exactly the
 * changes counted when it began. A failed write rejects that commit and leaves its changes for the next.
 */
export class WriteBehind {
  readonly #write: () => Promise<void>;
  readonly #delayMs: number;
  readonly #onScheduledError: (error: Error) => void;
  #changes = 0;
  #saved = 0;
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(write: () => Promise<void>, delayMs: number, onScheduledError: (error: Error) => void) {
    this.#write = write;
    this.#delayMs = delayMs;
    this.#onScheduledError = onScheduledError;
  }

  /** Counts one change and schedules a write, unless one is scheduled already or stop() was called. */
  changed(): void {
    this.#changes += 1;
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.commit().catch((error: Error) => this.#onScheduledError(error));
    }, this.#delayMs);
    this.#timer.unref();
  }

  async commit(): Promise<void> {
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

  /** No more scheduled writes (the store is closing); commit() still writes what is pending. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
