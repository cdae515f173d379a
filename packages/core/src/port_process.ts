/**
 * The kernel port's child processes: an optional capability of a kernel (kernel32 has it, the in-memory model does not).
 * See port.ts for the conventions every port method follows.
 *
 * @module
 */
import type { KernelHandle } from "./port.ts";

/**
 * Where a child's standard handle comes from: a pipe end of this kernel, this process's own, or the NUL device.
 *
 * @example
 * ```ts ignore
 * import type { ChildStdio, KernelHandle, SpawnProcessParams } from "@winpipe/core";
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const { read, write } = kernel32.createPipe(0, false, true); // the write end is for the child
 * const stdout: ChildStdio<KernelHandle> = write;
 * const params: SpawnProcessParams = {
 *   commandLine: "cmd.exe /c echo hi",
 *   environment: undefined,
 *   cwd: undefined,
 *   stdin: "null",
 *   stdout,
 *   stderr: "inherit",
 *   inherit: [],
 * };
 * const child = kernel32.processes!.spawnProcess(params);
 * kernel32.close(write);
 * ```
 */
export type ChildStdio<H extends KernelHandle = KernelHandle> = H | "inherit" | "null";

/**
 * Parameters of CreateProcessW as winpipe issues it.
 *
 * @example
 * ```ts ignore
 * import type { SpawnProcessParams } from "@winpipe/core";
 * import { windowsCommandLine } from "@winpipe/core";
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const params: SpawnProcessParams = {
 *   commandLine: windowsCommandLine("cmd.exe", ["/c", "exit 3"]),
 *   environment: undefined, // this process's
 *   cwd: undefined,
 *   stdin: "null",
 *   stdout: "null",
 *   stderr: "null",
 *   inherit: [],
 * };
 * const processes = kernel32.processes!;
 * const child = processes.spawnProcess(params);
 * await processes.waitProcess(child); // 3
 * processes.closeProcess(child);
 * ```
 */
export interface SpawnProcessParams<H extends KernelHandle = KernelHandle> {
  /** lpCommandLine: the program and its arguments, quoted (see `windowsCommandLine`). */
  commandLine: string;
  /**
   * lpApplicationName: the full path of the program to start, or undefined
   * for the first word of `commandLine`, searched for. spawn gives it for a
   * batch file: the system directory's cmd.exe, so that no cmd.exe found
   * elsewhere (this program's directory comes first in the search) starts.
   */
  applicationName?: string;
  /** lpEnvironment: a CREATE_UNICODE_ENVIRONMENT block (see `windowsEnvironmentBlock`), or undefined for this process's. */
  environment: Uint8Array | undefined;
  /** lpCurrentDirectory, or undefined for this process's. */
  cwd: string | undefined;
  /** hStdInput. */
  stdin: ChildStdio<H>;
  /** hStdOutput. */
  stdout: ChildStdio<H>;
  /** hStdError. */
  stderr: ChildStdio<H>;
  /**
   * More pipe ends the child inherits, as they are: inheritable handles,
   * whose values in the child are their values here ({@linkcode ProcessKernel.handleValue}).
   */
  inherit: readonly H[];
}

/**
 * A child process as a kernel represents it.
 *
 * @example
 * ```ts ignore
 * import type { KernelProcess } from "@winpipe/core";
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const processes = kernel32.processes!;
 * const child: KernelProcess = processes.spawnProcess({
 *   commandLine: "cmd.exe /c exit 0",
 *   environment: undefined,
 *   cwd: undefined,
 *   stdin: "null",
 *   stdout: "null",
 *   stderr: "null",
 *   inherit: [],
 * });
 * child.pid; // the process id
 * processes.closeProcess(child);
 * child.closed; // true
 * ```
 */
export interface KernelProcess {
  /** The process id. */
  readonly pid: number;
  /** True once {@linkcode ProcessKernel.closeProcess} ran on it. */
  readonly closed: boolean;
}

/**
 * Starting child processes whose standard handles (and any extra handles)
 * are pipe ends, and adopting a pipe end a parent passed down. Conventions
 * as {@linkcode PipeKernel}'s: immediate calls throw a PipeError, the wait
 * returns a promise and takes a signal.
 *
 * Only the handles named in the parameters are inherited (kernel32:
 * PROC_THREAD_ATTRIBUTE_HANDLE_LIST): a stray inherited write end would
 * keep a reader from ever seeing the end of its data.
 *
 * @example
 * ```ts ignore
 * import { createModelKernel } from "@winpipe/core/model";
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * createModelKernel().processes; // undefined: the model cannot start processes
 * const { read, write } = kernel32.createPipe(0, false, true);
 * kernel32.processes!.handleValue(write); // the value a child that inherits it sees
 * kernel32.close(read);
 * kernel32.close(write);
 * ```
 */
export interface ProcessKernel<H extends KernelHandle = KernelHandle, P extends KernelProcess = KernelProcess> {
  /**
   * [CreateProcessW](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-createprocessw)
   * with STARTF_USESTDHANDLES; the child inherits only the handles named.
   */
  spawnProcess(params: SpawnProcessParams<H>): P;
  /**
   * Resolves with the exit code once the process has exited
   * ([WaitForSingleObject](https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject),
   * then
   * [GetExitCodeProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getexitcodeprocess)).
   */
  waitProcess(process: P, signal?: AbortSignal): Promise<number>;
  /**
   * [TerminateProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminateprocess);
   * does nothing once the process has exited.
   */
  terminateProcess(process: P, exitCode: number): void;
  /**
   * [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle)
   * of the process handle. Idempotent.
   */
  closeProcess(process: P): void;
  /**
   * A handle object for a pipe end this process got by value (inherited
   * from its parent, which passed the value on, e.g. on the command line).
   * Fails with a PipeError when the value is not a pipe handle of this
   * process (kernel32 checks it with
   * [GetFileType](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfiletype)).
   */
  adoptHandle(value: number): H;
  /** The handle's value: what a child that inherits it gets (and passes to {@linkcode ProcessKernel.adoptHandle}). */
  handleValue(handle: H): number;
  /**
   * The full path of the file `fileName` names, found as
   * [SearchPathW](https://learn.microsoft.com/en-us/windows/win32/api/processenv/nf-processenv-searchpathw)(NULL,
   * fileName, NULL) finds it: this program's directory, the system
   * directories, the current directory, then PATH. A PipeError of
   * ERROR_FILE_NOT_FOUND when there is none.
   */
  searchPath(fileName: string): string;
  /**
   * The system directory
   * ([GetSystemDirectoryW](https://learn.microsoft.com/en-us/windows/win32/api/sysinfoapi/nf-sysinfoapi-getsystemdirectoryw)),
   * where the cmd.exe that runs batch files is.
   */
  systemDirectory(): string;
}
