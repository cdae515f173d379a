/**
 * {@linkcode Kernel32Process}: a child process the kernel32 layer started.
 *
 * @module
 */
import type { KernelProcess } from "@winpipe/core";

/**
 * A child process started by the kernel32 kernel: its id and process
 * handle, closed idempotently.
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const kernel = new Kernel32();
 * const processes = kernel.processes;
 * const child = processes.spawnProcess({
 *   commandLine: "cmd.exe /c exit 7",
 *   environment: undefined,
 *   cwd: undefined,
 *   stdin: "null",
 *   stdout: "null",
 *   stderr: "null",
 *   inherit: [],
 * }); // a Kernel32Process
 * child.pid; // the process id
 * await processes.waitProcess(child); // 7
 * processes.closeProcess(child);
 * ```
 */
export class Kernel32Process implements KernelProcess {
  /** The process id. */
  readonly pid: number;
  #native: number | null;
  /** The exit code once known. */
  exitCode: number | undefined;

  /** @internal Made by spawnProcess. */
  constructor(native: number, pid: number) {
    this.#native = native;
    this.pid = pid;
  }

  /** True once the process handle is closed. */
  get closed(): boolean {
    return this.#native === null;
  }

  /** @internal The process handle (null once closed). */
  get native(): number | null {
    return this.#native;
  }

  /** @internal Marks the handle closed and returns the value to close. */
  release(): number | null {
    const native = this.#native;
    this.#native = null;
    return native;
  }
}
