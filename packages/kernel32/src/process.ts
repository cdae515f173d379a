/**
 * Child processes for the kernel32 kernel: CreateProcessW with pipe ends as
 * the child's standard handles, inheriting nothing but the handles named
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), one watcher for the exit of every
 * waited-for child (exit_watcher.ts), and adopting a pipe end a parent
 * passed down. docs/processes.md ("How it works, and why") explains the
 * choices: fresh inheritable duplicates for the standard handles, extra
 * handles listed as they are, overlapped handles refused.
 *
 * @module
 */
import { ERROR_INVALID_HANDLE, ERROR_OPERATION_ABORTED, GENERIC_READ, GENERIC_WRITE, PipeError } from "@winpipe/core";
import type { ChildStdio, ProcessKernel, SpawnProcessParams } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import { Kernel32Process } from "./child_process.ts";
import { existingWatcherOf, exitCodeOf, watcherOf } from "./exit_watcher.ts";
import type { Kernel32Handle } from "./handle.ts";
import type { Session } from "./session.ts";
import { ioStatusBlock, securityAttributes, struct, validHandle, wideString } from "./structs.ts";
import { FILE_SHARE_READ_WRITE, OPEN_EXISTING } from "./win32_constants.ts";
import { check, duplicateNative, keepUntilHere, lastError } from "./win32.ts";

/** STARTUPINFOW.dwFlags: hStdInput, hStdOutput and hStdError are used. */
const STARTF_USESTDHANDLES = 0x100;
/** dwCreationFlags: lpStartupInfo is a STARTUPINFOEXW. */
const EXTENDED_STARTUPINFO_PRESENT = 0x80000;
/** dwCreationFlags: lpEnvironment is UTF-16. */
const CREATE_UNICODE_ENVIRONMENT = 0x400;
/** UpdateProcThreadAttribute Attribute: the handles the child inherits. */
const PROC_THREAD_ATTRIBUTE_HANDLE_LIST = 0x20002;
/** sizeof(STARTUPINFOEXW) on x64: STARTUPINFOW (104) + lpAttributeList. */
const STARTUPINFOEX_SIZE = 112;
/** Offsets in STARTUPINFOEXW (x64). */
const SI_FLAGS = 60, SI_STD_INPUT = 80, SI_STD_OUTPUT = 88, SI_STD_ERROR = 96, SI_ATTRIBUTE_LIST = 104;
/** sizeof(PROCESS_INFORMATION) on x64: hProcess, hThread, dwProcessId, dwThreadId. */
const PROCESS_INFORMATION_SIZE = 24;
/** GetStdHandle's nStdHandle values, as DWORDs. */
const STD_HANDLES = { stdin: 0xfffffff6, stdout: 0xfffffff5, stderr: 0xfffffff4 } as const;
/** GetFileType: a pipe (named or anonymous). */
const FILE_TYPE_PIPE = 3;
/** Characters of a path before long paths: the first buffer a path is read into. */
const MAX_PATH = 260;
/** NtQueryInformationFile class: FILE_MODE_INFORMATION. */
const FILE_MODE_INFORMATION = 16;
/** FILE_MODE_INFORMATION.Mode bits of a synchronous handle. */
const FILE_SYNCHRONOUS_IO = 0x10 | 0x20;
/** GetExitCodeProcess: the process has not exited (or exited with this code). */
const STILL_ACTIVE = 259;
/** WaitForSingleObject's result for a signalled object (a process that has exited). */
const WAIT_OBJECT_0 = 0;

/** What the process code needs of the kernel (given by Kernel32Kernel). */
export interface KernelAccess {
  /** The session of the loaded libraries (throws off Windows). */
  session(): Session;
  /** The native handle of an open handle of this kernel (throws a PipeError naming `call` when closed). */
  native(handle: Kernel32Handle, call: string): number;
  /** Wraps an adopted native handle (associating it with the port if overlapped; nothing is closed on failure). */
  adopt(native: number, overlapped: boolean): Kernel32Handle;
}

/**
 * The {@linkcode ProcessKernel} of the kernel32 kernel (its `processes`).
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const kernel = new Kernel32();
 * // A pipe whose write end a child inherits, passed down by value:
 * const { read, write } = kernel.createPipe(0, false, true);
 * const value = kernel.processes.handleValue(write);
 * const child = kernel.processes.spawnProcess({
 *   commandLine: `child.exe ${value}`,
 *   environment: undefined,
 *   cwd: undefined,
 *   stdin: "null",
 *   stdout: "inherit",
 *   stderr: "inherit",
 *   inherit: [write],
 * });
 * kernel.close(write); // the child has its own copy
 * // ... read from `read` until the child closes its end, then:
 * await kernel.processes.waitProcess(child);
 * kernel.processes.closeProcess(child);
 * kernel.close(read);
 * ```
 */
export class Kernel32Processes implements ProcessKernel<Kernel32Handle, Kernel32Process> {
  readonly #access: KernelAccess;

  /** @internal Made by Kernel32Kernel. */
  constructor(access: KernelAccess) {
    this.#access = access;
  }

  /**
   * [CreateProcessW](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-createprocessw)(NULL,
   * commandLine, NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT [|
   * CREATE_UNICODE_ENVIRONMENT], env, cwd, &startupInfoEx,
   * &processInformation), where the startup info names the three standard
   * handles (STARTF_USESTDHANDLES) and its attribute list names every handle
   * the child inherits: an inheritable duplicate of each standard handle
   * (closed here once the call has returned) and each handle of `inherit` as it
   * is.
   */
  spawnProcess(params: SpawnProcessParams<Kernel32Handle>): Kernel32Process {
    const call = "CreateProcessW";
    const stdio = [params.stdin, params.stdout, params.stderr] as const;
    // Refused before any call: an overlapped handle's completions belong to this process's port.
    [...stdio, ...params.inherit].forEach((handle, i) => {
      if (typeof handle === "string") return;
      if (handle.overlapped) {
        const what = i < 3 ? ["stdin", "stdout", "stderr"][i] : `inherit[${i - 3}]`;
        throw new TypeError(
          `${call}: ${what} is a handle this process uses for overlapped I/O, which a child cannot share; ` +
            `pass the end of an anonymous pipe made for a child (createPipe({ inheritable: "reader" | "writer" })) ` +
            `or a connection opened with synchronous: true`,
        );
      }
    });
    const lib = this.#access.session().lib;
    const { kernel32, addressOf } = lib;
    const copies: number[] = [];
    try {
      const [stdin, stdout, stderr] = stdio.map((source, i) =>
        this.#childHandle(lib, source, (["stdin", "stdout", "stderr"] as const)[i], copies)
      );
      // The extra handles are listed as they are (inheritable already), so that their values are known beforehand.
      const listed = new Set(copies);
      for (const handle of params.inherit) listed.add(this.#access.native(handle, call));

      const size = new BigUint64Array(new ArrayBuffer(8));
      kernel32.InitializeProcThreadAttributeList(null, 1, 0, size);
      const list = struct(Number(size[0]));
      check(lib, kernel32.InitializeProcThreadAttributeList(list, 1, 0, size), "InitializeProcThreadAttributeList");
      try {
        const handleList = new BigInt64Array(new ArrayBuffer(8 * listed.size));
        [...listed].forEach((native, i) => handleList[i] = BigInt(native));
        const updated = kernel32.UpdateProcThreadAttribute(
          list,
          0,
          PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
          handleList,
          handleList.byteLength,
          null,
          null,
        );
        check(lib, updated, "UpdateProcThreadAttribute");
        const startup = struct(STARTUPINFOEX_SIZE);
        const view = new DataView(startup.buffer);
        view.setUint32(0, STARTUPINFOEX_SIZE, true);
        view.setUint32(SI_FLAGS, STARTF_USESTDHANDLES, true);
        view.setBigInt64(SI_STD_INPUT, BigInt(stdin), true);
        view.setBigInt64(SI_STD_OUTPUT, BigInt(stdout), true);
        view.setBigInt64(SI_STD_ERROR, BigInt(stderr), true);
        view.setBigUint64(SI_ATTRIBUTE_LIST, BigInt(addressOf(list)), true);
        const info = struct(PROCESS_INFORMATION_SIZE);
        const environment = params.environment === undefined ? null : struct(params.environment.byteLength);
        if (environment !== null) environment.set(params.environment!);
        const ok = kernel32.CreateProcessW(
          params.applicationName === undefined ? null : wideString(params.applicationName),
          wideString(params.commandLine),
          null,
          null,
          1,
          EXTENDED_STARTUPINFO_PRESENT | (environment === null ? 0 : CREATE_UNICODE_ENVIRONMENT),
          environment,
          params.cwd === undefined ? null : wideString(params.cwd),
          startup,
          info,
        );
        keepUntilHere([list, handleList, startup]);
        check(lib, ok, call);
        const infoView = new DataView(info.buffer);
        const processNative = Number(infoView.getBigInt64(0, true));
        kernel32.CloseHandle(Number(infoView.getBigInt64(8, true))); // the primary thread's handle: not needed
        return new Kernel32Process(processNative, infoView.getUint32(16, true));
      } finally {
        kernel32.DeleteProcThreadAttributeList(list);
      }
    } finally {
      for (const native of copies) kernel32.CloseHandle(native);
    }
  }

  /**
   * [SearchPathW](https://learn.microsoft.com/en-us/windows/win32/api/processenv/nf-processenv-searchpathw)(NULL,
   * fileName, NULL, size, buffer, NULL): the full path of the file.
   */
  searchPath(fileName: string): string {
    const lib = this.#access.session().lib;
    const name = wideString(fileName);
    return readWide(
      lib,
      "SearchPathW",
      (buffer, size) => lib.kernel32.SearchPathW(null, name, null, size, buffer, null),
    );
  }

  /**
   * [GetSystemDirectoryW](https://learn.microsoft.com/en-us/windows/win32/api/sysinfoapi/nf-sysinfoapi-getsystemdirectoryw)(buffer,
   * size).
   */
  systemDirectory(): string {
    const lib = this.#access.session().lib;
    return readWide(lib, "GetSystemDirectoryW", (buffer, size) => lib.kernel32.GetSystemDirectoryW(buffer, size));
  }

  /** The inheritable handle a child gets for one standard handle (recorded in `copies`, closed after the call). */
  #childHandle(
    lib: Win32Library,
    source: ChildStdio<Kernel32Handle>,
    which: keyof typeof STD_HANDLES,
    copies: number[],
  ): number {
    const { kernel32 } = lib;
    if (source === "inherit") {
      const own = validHandle(kernel32.GetStdHandle(STD_HANDLES[which]));
      // A process without that standard handle (NULL) gives its child the NUL device instead.
      if (own !== undefined) return this.#duplicate(lib, own, copies);
    } else if (source !== "null") {
      return this.#duplicate(lib, this.#access.native(source, "CreateProcessW"), copies);
    }
    const nul = validHandle(kernel32.CreateFileW(
      wideString("NUL"),
      (GENERIC_READ | GENERIC_WRITE) >>> 0,
      FILE_SHARE_READ_WRITE,
      securityAttributes(true),
      OPEN_EXISTING,
      0,
      0,
    ));
    if (nul === undefined) throw lastError(lib, "CreateFileW", "NUL");
    copies.push(nul);
    return nul;
  }

  /** An inheritable duplicate of `native` (recorded in `copies`). */
  #duplicate(lib: Win32Library, native: number, copies: number[]): number {
    const copy = duplicateNative(lib, native, true);
    copies.push(copy);
    return copy;
  }

  /**
   * Waits off the main thread (one watcher for every child) and resolves with
   * [GetExitCodeProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getexitcodeprocess).
   */
  waitProcess(process: Kernel32Process, signal?: AbortSignal): Promise<number> {
    if (process.exitCode !== undefined) return Promise.resolve(process.exitCode);
    if (signal?.aborted) return Promise.reject(new PipeError(ERROR_OPERATION_ABORTED, "WaitForSingleObject"));
    const native = process.native;
    if (native === null) return Promise.reject(new PipeError(ERROR_INVALID_HANDLE, "WaitForSingleObject"));
    return watcherOf(this.#access.session()).wait(process, native, signal);
  }

  /**
   * [TerminateProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminateprocess);
   * a process that has already exited is left alone.
   */
  terminateProcess(process: Kernel32Process, exitCode: number): void {
    const native = process.native;
    if (native === null) throw new PipeError(ERROR_INVALID_HANDLE, "TerminateProcess");
    if (process.exitCode !== undefined) return;
    const { lib } = this.#access.session();
    if (lib.kernel32.TerminateProcess(native, exitCode >>> 0)) return;
    const failure = lastError(lib, "TerminateProcess");
    // Windows refuses to terminate a process that is exiting or has exited (ERROR_ACCESS_DENIED). Its exit
    // code alone cannot tell, since a process may exit with STILL_ACTIVE (259); its handle, signalled once the
    // process has exited, can.
    if (exitCodeOf(lib, native) !== STILL_ACTIVE || lib.kernel32.WaitForSingleObject(native, 0) === WAIT_OBJECT_0) {
      return;
    }
    throw failure;
  }

  /**
   * [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle)
   * of the process handle (deferred while the watcher's wait uses it).
   */
  closeProcess(process: Kernel32Process): void {
    if (process.closed) return;
    const session = this.#access.session();
    const watcher = existingWatcherOf(session);
    if (watcher !== undefined) watcher.close(process);
    else session.lib.kernel32.CloseHandle(process.release()!);
  }

  /** The native value of a handle of this kernel (the same in a child that inherits it). */
  handleValue(handle: Kernel32Handle): number {
    return this.#access.native(handle, "handleValue");
  }

  /**
   * A handle object for a pipe end this process got by value:
   * [GetFileType](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfiletype)
   * must say FILE_TYPE_PIPE; FILE_MODE_INFORMATION tells a synchronous handle
   * (what a parent passes to a child) from an overlapped one, which is
   * associated with this process's completion port.
   */
  adoptHandle(value: number): Kernel32Handle {
    const session = this.#access.session();
    const { kernel32, ntdll } = session.lib;
    const type = kernel32.GetFileType(value);
    if (type !== FILE_TYPE_PIPE) {
      const code = type === 0 ? kernel32.GetLastError() : 0;
      throw new PipeError(code === 0 ? ERROR_INVALID_HANDLE : code, "GetFileType");
    }
    const iosb = ioStatusBlock();
    const mode = new Uint32Array(new ArrayBuffer(8));
    const status = ntdll.NtQueryInformationFile(value, iosb, mode, 4, FILE_MODE_INFORMATION) >>> 0;
    if (status !== 0) throw new PipeError(session.dosError(status), "NtQueryInformationFile");
    return this.#access.adopt(value, (mode[0] & FILE_SYNCHRONOUS_IO) === 0);
  }
}

/**
 * A string a call writes into a buffer of `size` characters, returning its
 * length without the NUL, or the size it needs (NUL included) when the
 * buffer is too small, or 0 on failure (a PipeError naming `call`).
 */
function readWide(lib: Win32Library, call: string, fill: (buffer: Uint16Array, size: number) => number): string {
  let size = MAX_PATH;
  for (;;) {
    const buffer = new Uint16Array(new ArrayBuffer(2 * size));
    const length = fill(buffer, size);
    check(lib, length, call);
    if (length < size) return new TextDecoder("utf-16le").decode(buffer.subarray(0, length));
    size = length;
  }
}
