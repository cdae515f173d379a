/**
 * The pipe names of one model kernel (`\\.\pipe\` of one machine).
 *
 * @module
 */
import type { NamedPipe } from "./instance.ts";

/** The names that exist, keyed by `pipeKey` (names.ts). */
export class PipeNamespace {
  readonly #pipes = new Map<string, NamedPipe>();

  /** The pipe of `key`, if the name exists. */
  get(key: string): NamedPipe | undefined {
    return this.#pipes.get(key);
  }

  /** Every name that exists, in the order they were created. */
  all(): IterableIterator<NamedPipe> {
    return this.#pipes.values();
  }

  /** Registers a new name (its first instance is being created). */
  add(pipe: NamedPipe): void {
    if (pipe.key !== undefined) this.#pipes.set(pipe.key, pipe);
  }

  /**
   * The name's last instance is gone: the name ceases to exist (A9) and
   * WaitNamedPipe callers fail with ERROR_FILE_NOT_FOUND (NPFS cancels its
   * waiters with STATUS_OBJECT_NAME_NOT_FOUND when it deletes the name).
   */
  remove(pipe: NamedPipe): void {
    if (pipe.key === undefined || this.#pipes.get(pipe.key) !== pipe) return;
    this.#pipes.delete(pipe.key);
    for (const waiter of [...pipe.waiters]) waiter.vanish();
  }
}
