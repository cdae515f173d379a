/**
 * The model's handles: {@linkcode HandleRecord}, what ModelKernel methods
 * return and take.
 *
 * @module
 */
import type { KernelHandle } from "../port.ts";
import type { PipeEnd } from "./instance.ts";

/**
 * A handle of the model kernel: what {@linkcode ModelKernel} methods return
 * and take.
 *
 * @example
 * ```ts
 * import { createModelKernel, type ModelHandle } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write }: { read: ModelHandle; write: ModelHandle } = kernel.createPipe(0, false, false);
 * read.pipeName; // undefined: anonymous pipes have no name
 * kernel.close(read);
 * read.closed; // true
 * kernel.close(write);
 * ```
 */
export interface ModelHandle extends KernelHandle {
  /** A number unique within its kernel, like a HANDLE value. */
  readonly id: number;
  /** bInheritHandle: recorded only, the model has no child processes. */
  readonly inheritable: boolean;
}

/**
 * The model's handle object; the end stays private to the model.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { HandleRecord } from "@winpipe/core/internal";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * read instanceof HandleRecord; // true
 * (read as HandleRecord).end.role; // "server": the read end of an anonymous pipe is its server end
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class HandleRecord implements ModelHandle {
  /** A number unique within its kernel, like a HANDLE value. */
  readonly id: number;
  /** bInheritHandle: recorded only, the model has no child processes. */
  readonly inheritable: boolean;
  /** The kernel that made it; other kernels treat it as an invalid handle. */
  readonly owner: object;
  /** The pipe end the handle refers to (duplicates refer to the same end). */
  readonly end: PipeEnd;
  #closed = false;

  /** A new handle of `owner` to `end`; counts as one more open handle of the end. */
  constructor(owner: object, id: number, end: PipeEnd, inheritable: boolean) {
    this.owner = owner;
    this.id = id;
    this.end = end;
    this.inheritable = inheritable;
    end.openHandles++;
  }

  /** The name of the pipe, or undefined for an anonymous pipe. */
  get pipeName(): string | undefined {
    return this.end.pipeName;
  }

  /** True once the handle is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the handle closed; true when it was the end's last handle. */
  markClosed(): boolean {
    this.#closed = true;
    return --this.end.openHandles === 0;
  }
}
