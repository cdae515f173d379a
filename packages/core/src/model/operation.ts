/**
 * A pending operation of the model: the promise a waiting call returned,
 * and how to withdraw it when it is cancelled.
 *
 * @module
 */
import { ERROR_OPERATION_ABORTED } from "../constants.ts";
import { PipeError } from "../errors.ts";

/**
 * What CancelIoEx can cancel: a pending operation of one pipe end.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface Cancellable {
  /** Withdraws the operation and rejects it with ERROR_OPERATION_ABORTED; no-op once settled. */
  cancel(): void;
}

/**
 * A promise the kernel settles later, when another operation on the same
 * kernel satisfies it, a close or disconnect ends it, a timer runs out, or
 * it is cancelled (by its AbortSignal or by CancelIoEx on its handle).
 *
 * @example
 * ```ts
 * import { PendingOperation } from "@winpipe/core/internal";
 * const op = new PendingOperation<number>("ReadFile", undefined);
 * op.cancel();
 * await op.promise.catch((err) => err.codeName); // "ERROR_OPERATION_ABORTED"
 * ```
 */
export class PendingOperation<T> implements Cancellable {
  /** Settles with the operation's result or a {@linkcode PipeError}. */
  readonly promise: Promise<T>;
  readonly #call: string;
  readonly #pipeName: string | undefined;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;
  #withdraw: () => void = () => {};
  readonly #cleanups: (() => void)[] = [];

  /**
   * A new pending operation.
   *
   * @param call the Win32 function name for errors
   * @param pipeName the pipe name for errors
   */
  constructor(call: string, pipeName: string | undefined) {
    this.#call = call;
    this.#pipeName = pipeName;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** True once resolved or rejected. */
  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Makes the operation pending: `withdraw` removes it from the kernel's
   * structures when it is cancelled; it joins `owner` (the pending
   * operations of its pipe end, for CancelIoEx) and is cancelled when
   * `signal` aborts.
   */
  begin(withdraw: () => void, owner?: Set<Cancellable>, signal?: AbortSignal): Promise<T> {
    if (this.#settled) return this.promise;
    this.#withdraw = withdraw;
    if (owner !== undefined) {
      owner.add(this);
      this.#cleanups.push(() => owner.delete(this));
    }
    if (signal !== undefined) {
      const onAbort = () => this.cancel();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
    return this.promise;
  }

  /** Runs `cleanup` once the operation settles (e.g. clears a timer). */
  onSettle(cleanup: () => void): void {
    if (this.#settled) cleanup();
    else this.#cleanups.push(cleanup);
  }

  /** Completes the operation with `value`. */
  resolve(value: T): void {
    if (this.#settle()) this.#resolve(value);
  }

  /** Fails the operation with the Win32 error `code`. */
  fail(code: number): void {
    if (this.#settle()) this.#reject(new PipeError(code, this.#call, { pipeName: this.#pipeName }));
  }

  /** Withdraws the operation and rejects it with ERROR_OPERATION_ABORTED (H57, B19). */
  cancel(): void {
    if (this.#settled) return;
    this.#withdraw();
    this.fail(ERROR_OPERATION_ABORTED);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    return true;
  }
}
