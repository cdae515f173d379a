/**
 * Child processes for the kernel32 kernel: CreateProcessW with pipe ends as
 * the child's standard handles, inheriting nothing but the handles named
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), one watcher thread for the exit of
 * every waited-for child, and adopting a pipe end a parent passed down.
 *
 * Why it is built this way:
 *
 * - bInheritHandles TRUE alone makes a child inherit every inheritable
 *   handle of the process, including the write end of some unrelated pipe,
 *   whose reader then never sees the end of its data while that child
 *   lives. With PROC_THREAD_ATTRIBUTE_HANDLE_LIST only the listed handles
 *   are inherited. Each standard handle is listed as a fresh inheritable
 *   duplicate made for this call and closed right after it, so the
 *   caller's handles need not be inheritable and nothing inheritable
 *   outlives the call. The extra handles (`inherit`) are listed as they are
 *   (the inheritable end of an anonymous pipe), so that their values, which
 *   a parent passes on to the child, are known before the call.
 * - A handle this process uses for overlapped I/O is associated with its
 *   completion port, and that association belongs to the file object the
 *   child would share: the child's I/O would complete to this process's
 *   port. So only synchronous handles (the inheritable ends of anonymous
 *   pipes, made for children) may be passed; an overlapped one is refused
 *   with a TypeError before any call.
 * - A process handle is signalled when the process exits. One
 *   WaitForMultipleObjects, run off the main thread, waits for every
 *   child somebody awaits (up to 63 at once, rotated beyond that) and an
 *   auto-reset event that wakes it when that set changes; it runs only
 *   while somebody waits, so it never keeps the process alive by itself.
 *
 * @module
 */
import { ERROR_INVALID_HANDLE, ERROR_OPERATION_ABORTED, GENERIC_READ, GENERIC_WRITE } from "../constants.ts";
import { PipeError } from "../errors.ts";
import type { ChildStdio, KernelProcess, ProcessKernel, SpawnProcessParams } from "../port.ts";
import type { Win32Library } from "./binding.ts";
import type { Kernel32Handle } from "./kernel.ts";
import { ioStatusBlock, securityAttributes, struct, validHandle, wideString } from "./structs.ts";
import { duplicateNative, FILE_SHARE_READ_WRITE, INFINITE, keepUntilHere, OPEN_EXISTING } from "./win32.ts";

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
/** NtQueryInformationFile class: FILE_MODE_INFORMATION. */
const FILE_MODE_INFORMATION = 16;
/** FILE_MODE_INFORMATION.Mode bits of a synchronous handle. */
const FILE_SYNCHRONOUS_IO = 0x10 | 0x20;
/** GetExitCodeProcess: the process has not exited (or exited with this code). */
const STILL_ACTIVE = 259;
/** WaitForMultipleObjects: at most this many handles; results. */
const MAXIMUM_WAIT_OBJECTS = 64, WAIT_TIMEOUT = 0x102, WAIT_FAILED = 0xffffffff;
/** While more children are watched than one wait can hold, the wait is cut short this often (ms) to rotate. */
const ROTATE_MS = 50;

/** What the process code needs of the kernel's private state (given by Kernel32Kernel). */
export interface KernelAccess {
  /** The loaded libraries (throws off Windows). */
  lib(): Win32Library;
  /** The native handle of an open handle of this kernel (throws a PipeError naming `call` when closed). */
  native(handle: Kernel32Handle, call: string): number;
  /** Wraps an adopted native handle (associating it with the port if overlapped; nothing is closed on failure). */
  adopt(native: number, overlapped: boolean): Kernel32Handle;
  /** Takes and gives back an off-thread slot (see Runtime.offThreadSlot). */
  offThreadSlot(): Promise<void> | undefined;
  releaseOffThreadSlot(): void;
  /** The Win32 error of an NTSTATUS. */
  dosError(status: number): number;
}

/**
 * A child process started by the kernel32 kernel: its id and process
 * handle, closed idempotently.
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

/** One watched process and who waits for it. */
interface Watched {
  process: Kernel32Process;
  native: number;
  waiters: Set<{ resolve(code: number): void; reject(err: Error): void }>;
}

/** The one exit watcher of a loaded library. */
class ExitWatcher {
  readonly #access: KernelAccess;
  readonly #lib: Win32Library;
  readonly #watched = new Map<Kernel32Process, Watched>();
  #wake: number | undefined;
  #running = false;
  /** Natives the running wait is using: their CloseHandle waits until it returns. */
  #inUse = new Set<number>();
  readonly #closeLater = new Set<number>();

  constructor(access: KernelAccess) {
    this.#access = access;
    this.#lib = access.lib();
  }

  /** Resolves with the exit code of `process` once it has exited. */
  wait(process: Kernel32Process, native: number, signal: AbortSignal | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      let entry = this.#watched.get(process);
      if (entry === undefined) {
        entry = { process, native, waiters: new Set() };
        this.#watched.set(process, entry);
        this.#changed();
      }
      const watched = entry;
      const onAbort = () => {
        watched.waiters.delete(waiter);
        if (watched.waiters.size === 0) this.#unwatch(process);
        reject(new PipeError(ERROR_OPERATION_ABORTED, "WaitForSingleObject"));
      };
      const waiter = {
        resolve(code: number) {
          signal?.removeEventListener("abort", onAbort);
          resolve(code);
        },
        reject(err: Error) {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      watched.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Stops watching `process` (nobody waits, or its handle is being closed); its waiters are not settled. */
  #unwatch(process: Kernel32Process): void {
    if (this.#watched.delete(process)) this.#changed();
  }

  /** Closes a process handle now, or once the running wait no longer uses it. */
  close(process: Kernel32Process): void {
    const entry = this.#watched.get(process);
    const native = process.release();
    if (native === null) return;
    if (entry !== undefined) {
      this.#unwatch(process);
      for (const waiter of entry.waiters) waiter.reject(new PipeError(ERROR_INVALID_HANDLE, "WaitForSingleObject"));
    }
    if (this.#inUse.has(native)) this.#closeLater.add(native);
    else this.#lib.kernel32.CloseHandle(native);
  }

  /** The watched set changed: start the waiter, or wake the running one so that it waits for the new set. */
  #changed(): void {
    if (!this.#running) {
      if (this.#watched.size > 0) void this.#run();
      return;
    }
    if (this.#wake !== undefined) this.#lib.kernel32.SetEvent(this.#wake);
  }

  #wakeEvent(): number {
    if (this.#wake === undefined) {
      const { kernel32 } = this.#lib;
      const event = validHandle(kernel32.CreateEventW(null, 0, 0, null));
      if (event === undefined) throw new PipeError(kernel32.GetLastError(), "CreateEventW");
      this.#wake = event;
    }
    return this.#wake;
  }

  async #run(): Promise<void> {
    this.#running = true;
    let slot = false;
    try {
      const wake = this.#wakeEvent();
      const queued = this.#access.offThreadSlot();
      if (queued !== undefined) await queued;
      slot = true;
      while (this.#watched.size > 0) {
        const entries = [...this.#watched.values()].slice(0, MAXIMUM_WAIT_OBJECTS - 1);
        const handles = new BigInt64Array(new ArrayBuffer(8 * (entries.length + 1)));
        handles[0] = BigInt(wake);
        entries.forEach((entry, i) => {
          handles[i + 1] = BigInt(entry.native);
          this.#inUse.add(entry.native);
        });
        const rotate = this.#watched.size > entries.length;
        let result: number;
        try {
          result = (await this.#lib.offThread(
            "WaitForMultipleObjects",
            entries.length + 1,
            handles,
            0,
            rotate ? ROTATE_MS : INFINITE,
          )) >>> 0;
        } finally {
          this.#inUse.clear();
          for (const native of this.#closeLater) this.#lib.kernel32.CloseHandle(native);
          this.#closeLater.clear();
        }
        if (result >= 1 && result <= entries.length) {
          this.#exited(entries[result - 1]);
        } else if (result === WAIT_FAILED) {
          // The reason is in the other thread's last error; look again shortly.
          await new Promise((resolve) => setTimeout(resolve, 1));
        } else if (result === WAIT_TIMEOUT && rotate) {
          // Move the ones just waited for to the back, so that every child gets its turn.
          for (const entry of entries) {
            if (this.#watched.delete(entry.process)) this.#watched.set(entry.process, entry);
          }
        }
      }
    } catch (err) {
      // The watcher itself failed (it should not): fail its waiters rather than leave them hanging.
      for (const entry of this.#watched.values()) {
        for (const waiter of entry.waiters) waiter.reject(err as Error);
      }
      this.#watched.clear();
    } finally {
      if (slot) this.#access.releaseOffThreadSlot();
      this.#running = false;
      // Something was added while the last wait was ending.
      if (this.#watched.size > 0) void this.#run();
    }
  }

  #exited(entry: Watched): void {
    if (this.#watched.get(entry.process) !== entry) return;
    this.#watched.delete(entry.process);
    const code = exitCodeOf(this.#lib, entry.native);
    entry.process.exitCode = code;
    for (const waiter of entry.waiters) waiter.resolve(code);
  }
}

/** GetExitCodeProcess, as an unsigned DWORD. */
function exitCodeOf(lib: Win32Library, native: number): number {
  const code = new Uint32Array(new ArrayBuffer(4));
  if (!lib.kernel32.GetExitCodeProcess(native, code)) {
    throw new PipeError(lib.kernel32.GetLastError(), "GetExitCodeProcess");
  }
  return code[0];
}

const watchers = new WeakMap<Win32Library, ExitWatcher>();

/**
 * The {@linkcode ProcessKernel} of the kernel32 kernel (its `processes`).
 */
export class Kernel32Processes implements ProcessKernel<Kernel32Handle, Kernel32Process> {
  readonly #access: KernelAccess;

  /** @internal Made by Kernel32Kernel. */
  constructor(access: KernelAccess) {
    this.#access = access;
  }

  #watcher(): ExitWatcher {
    const lib = this.#access.lib();
    let watcher = watchers.get(lib);
    if (watcher === undefined) {
      watcher = new ExitWatcher(this.#access);
      watchers.set(lib, watcher);
    }
    return watcher;
  }

  /**
   * CreateProcessW(NULL, commandLine, NULL, NULL, TRUE,
   * EXTENDED_STARTUPINFO_PRESENT [| CREATE_UNICODE_ENVIRONMENT], env, cwd,
   * &startupInfoEx, &processInformation), where the startup info names the
   * three standard handles (STARTF_USESTDHANDLES) and its attribute list
   * names every handle the child inherits: an inheritable duplicate of each
   * standard handle (closed here once the call has returned) and each
   * handle of `inherit` as it is.
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
            `pass the end of an anonymous pipe made for a child (createPipe({ inheritable: "reader" | "writer" }))`,
        );
      }
    });
    const lib = this.#access.lib();
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
      if (!kernel32.InitializeProcThreadAttributeList(list, 1, 0, size)) {
        throw new PipeError(kernel32.GetLastError(), "InitializeProcThreadAttributeList");
      }
      try {
        const handleList = new BigInt64Array(new ArrayBuffer(8 * listed.size));
        [...listed].forEach((native, i) => handleList[i] = BigInt(native));
        if (
          !kernel32.UpdateProcThreadAttribute(
            list,
            0,
            PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
            handleList,
            handleList.byteLength,
            null,
            null,
          )
        ) {
          throw new PipeError(kernel32.GetLastError(), "UpdateProcThreadAttribute");
        }
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
          null,
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
        if (!ok) throw new PipeError(kernel32.GetLastError(), call);
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
    if (nul === undefined) throw new PipeError(kernel32.GetLastError(), "CreateFileW", { pipeName: "NUL" });
    copies.push(nul);
    return nul;
  }

  /** An inheritable duplicate of `native` (recorded in `copies`). */
  #duplicate(lib: Win32Library, native: number, copies: number[]): number {
    const copy = duplicateNative(lib, native, true);
    copies.push(copy);
    return copy;
  }

  /** Waits off the main thread (one watcher for every child) and resolves with GetExitCodeProcess. */
  waitProcess(process: Kernel32Process, signal?: AbortSignal): Promise<number> {
    if (process.exitCode !== undefined) return Promise.resolve(process.exitCode);
    if (signal?.aborted) return Promise.reject(new PipeError(ERROR_OPERATION_ABORTED, "WaitForSingleObject"));
    const native = process.native;
    if (native === null) return Promise.reject(new PipeError(ERROR_INVALID_HANDLE, "WaitForSingleObject"));
    return this.#watcher().wait(process, native, signal);
  }

  /** TerminateProcess; a process that has already exited is left alone. */
  terminateProcess(process: Kernel32Process, exitCode: number): void {
    const native = process.native;
    if (native === null) throw new PipeError(ERROR_INVALID_HANDLE, "TerminateProcess");
    if (process.exitCode !== undefined) return;
    const { kernel32 } = this.#access.lib();
    if (kernel32.TerminateProcess(native, exitCode >>> 0)) return;
    const code = kernel32.GetLastError();
    // Windows refuses to terminate a process that is exiting or has exited (ERROR_ACCESS_DENIED).
    if (exitCodeOf(this.#access.lib(), native) !== STILL_ACTIVE) return;
    throw new PipeError(code, "TerminateProcess");
  }

  /** CloseHandle of the process handle (deferred while the watcher's wait uses it). */
  closeProcess(process: Kernel32Process): void {
    if (process.closed) return;
    const lib = this.#access.lib();
    const watcher = watchers.get(lib);
    if (watcher !== undefined) watcher.close(process);
    else lib.kernel32.CloseHandle(process.release()!);
  }

  /** The native value of a handle of this kernel (the same in a child that inherits it). */
  handleValue(handle: Kernel32Handle): number {
    return this.#access.native(handle, "handleValue");
  }

  /**
   * A handle object for a pipe end this process got by value: GetFileType
   * must say FILE_TYPE_PIPE; FILE_MODE_INFORMATION tells a synchronous
   * handle (what a parent passes to a child) from an overlapped one, which
   * is associated with this process's completion port.
   */
  adoptHandle(value: number): Kernel32Handle {
    const lib = this.#access.lib();
    const { kernel32, ntdll } = lib;
    const type = kernel32.GetFileType(value);
    if (type !== FILE_TYPE_PIPE) {
      const code = type === 0 ? kernel32.GetLastError() : 0;
      throw new PipeError(code === 0 ? ERROR_INVALID_HANDLE : code, "GetFileType");
    }
    const iosb = ioStatusBlock();
    const mode = new Uint32Array(new ArrayBuffer(8));
    const status = ntdll.NtQueryInformationFile(value, iosb, mode, 4, FILE_MODE_INFORMATION) >>> 0;
    if (status !== 0) throw new PipeError(this.#access.dosError(status), "NtQueryInformationFile");
    return this.#access.adopt(value, (mode[0] & FILE_SYNCHRONOUS_IO) === 0);
  }
}
