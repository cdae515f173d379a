/**
 * Child processes whose standard handles are winpipe pipe ends
 * ({@linkcode spawnOn}), and the child's side: adopting a pipe end its
 * parent passed down ({@linkcode openInheritedHandleOn}).
 *
 * @module
 */
import { ERROR_FILE_NOT_FOUND, ERROR_OPERATION_ABORTED } from "../constants.ts";
import { abortError, isPipeError, PipeError } from "../errors.ts";
import type { KernelHandle, KernelProcess, PipeKernel, ProcessKernel } from "../port.ts";
import { concatBytes } from "../concat_bytes.ts";
import { windowsCommandLine, windowsEnvironmentBlock } from "../process/command_line.ts";
import { isBatchFile, windowsBatchCommandLine } from "../process/batch_command_line.ts";
import {
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  requireString,
  validateBufferSize,
} from "../validate.ts";
import { PipeReader, PipeWriter } from "./anonymous.ts";
import type { HandleContext } from "./handle_context.ts";
import { PipeConnection } from "./pipe_connection.ts";
import { PipeHandle } from "./pipe_handle.ts";
import { processesOf } from "./process_capability.ts";
import type { SignalOptions } from "./signals.ts";

/**
 * Where a child's standard handle comes from:
 * - `"pipe"`: a new anonymous pipe; this process gets the other end as
 *   `child.stdin` (a {@linkcode PipeWriter}) or `child.stdout` /
 *   `child.stderr` (a {@linkcode PipeReader});
 * - `"inherit"`: this process's own standard handle;
 * - `"null"`: the NUL device (reads end at once, writes are discarded);
 * - a pipe end of this binding made for a child: the end of an anonymous
 *   pipe created with `inheritable: "reader"` / `"writer"`, or a named pipe
 *   connection opened as a synchronous handle (`synchronous: true` of
 *   `connect` or `createServer`), whose duplicate the child reads or writes
 *   (a handle this process uses for overlapped I/O cannot be shared with a
 *   child: TypeError). Give one connection to one standard handle only:
 *   Windows serializes a synchronous handle's I/O, so a child reading it as
 *   its stdin would hold up its own writes to it as its stdout.
 *
 * @example
 * ```ts ignore
 * import type { StdioOption } from "@winpipe/core";
 * import { createPipe, spawn } from "@winpipe/deno"; // or "@winpipe/bun"
 * using link = createPipe({ inheritable: "writer" });
 * const stdout: StdioOption = link.writer; // the child writes into this pipe
 * await using child = spawn("cmd.exe", ["/c", "echo hi"], { stdin: "null", stdout, stderr: "inherit" });
 * ```
 */
export type StdioOption = "pipe" | "inherit" | "null" | PipeReader | PipeWriter | PipeConnection;

/**
 * Options of {@linkcode spawnOn} (`spawn` of a binding).
 *
 * @example
 * ```ts ignore
 * import type { SpawnOptions } from "@winpipe/core";
 * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
 * const options: SpawnOptions = {
 *   stdin: "pipe",
 *   stdout: "pipe",
 *   cwd: "C:\\",
 *   env: { ...Deno.env.toObject(), GREETING: "hello" },
 *   signal: AbortSignal.timeout(10_000), // terminates the child after 10 s
 * };
 * await using child = spawn("cmd.exe", ["/c", "echo %GREETING%"], options);
 * ```
 */
export interface SpawnOptions {
  /** The child's current directory. Default: this process's. */
  cwd?: string;
  /**
   * The child's whole environment. Default: this process's. It replaces
   * the environment (as Node's `env` does): to add a variable, spread this
   * process's, e.g. `{ ...Deno.env.toObject(), NAME: "value" }`. Windows
   * programs often need `SystemRoot` and `PATH`. Names are one variable
   * whatever their case: of `Path` and `PATH` the later one is kept.
   */
  env?: Record<string, string>;
  /** The child's standard input. Default `"null"`. */
  stdin?: StdioOption;
  /** The child's standard output. Default `"pipe"`. */
  stdout?: StdioOption;
  /** The child's standard error. Default `"inherit"`. */
  stderr?: StdioOption;
  /**
   * More pipe ends the child inherits: ends of anonymous pipes made
   * inheritable for a child (`createPipe({ inheritable: "writer" })`). A
   * child sees each under the value `end.handleValue()` gives here: pass it
   * on (an argument, an environment variable) for the child to open with
   * `openInheritedHandle`, then close this process's copy. Nothing else is
   * inherited.
   */
  handles?: readonly (PipeReader | PipeWriter)[];
  /** The buffer size of the pipes made for `"pipe"` (nSize); 0 lets the system choose. Default 0. */
  bufferSize?: number;
  /** Terminates the child (exit code 1) when it aborts. */
  signal?: AbortSignal;
}

/**
 * The longest command line CreateProcessW takes, in UTF-16 code units (without the final NUL).
 *
 * @example
 * ```ts
 * import { MAX_COMMAND_LINE, windowsCommandLine } from "@winpipe/core";
 * windowsCommandLine("deno.exe", ["run", "main.ts"]).length <= MAX_COMMAND_LINE; // true
 * ```
 */
export const MAX_COMMAND_LINE = 32766;

/**
 * A running (or finished) child process. Its pipe ends are closed, and the
 * process handle released, by `await using` (which first terminates a child
 * still running and waits for it) or by {@linkcode ChildProcess.close}.
 *
 * @example
 * ```ts ignore
 * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
 * await using child = spawn("cmd.exe", ["/c", "echo hello"]);
 * const text = await new Response(child.stdout!.readable).text(); // "hello\r\n"
 * await child.wait(); // 0
 * ```
 */
export class ChildProcess implements AsyncDisposable {
  /** The process id. */
  readonly pid: number;
  /** This process's end of the child's standard input, when it was `"pipe"`. */
  readonly stdin: PipeWriter | null;
  /** This process's end of the child's standard output, when it was `"pipe"`. */
  readonly stdout: PipeReader | null;
  /** This process's end of the child's standard error, when it was `"pipe"`. */
  readonly stderr: PipeReader | null;
  readonly #processes: ProcessKernel;
  readonly #process: KernelProcess;
  #exitCode: number | null = null;
  readonly #onAbort: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  /** @internal Made by spawn. */
  constructor(
    processes: ProcessKernel,
    process: KernelProcess,
    stdio: { stdin: PipeWriter | null; stdout: PipeReader | null; stderr: PipeReader | null },
    signal: AbortSignal | undefined,
  ) {
    this.#processes = processes;
    this.#process = process;
    this.pid = process.pid;
    this.stdin = stdio.stdin;
    this.stdout = stdio.stdout;
    this.stderr = stdio.stderr;
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => {
        try {
          this.kill();
        } catch {
          // Thrown from an abort listener, it would be an uncaught error of the whole process; a child that
          // could not be killed goes on running, which wait() shows.
        }
      };
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** The exit code once {@linkcode ChildProcess.wait} has seen the child exit; null before. */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /**
   * Resolves with the child's exit code (an unsigned 32-bit number, e.g.
   * 0xC000013A for a console interrupt) once it has exited (a wait on the
   * process handle, as
   * [WaitForSingleObject](https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject)
   * does, then
   * [GetExitCodeProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getexitcodeprocess)).
   * Waiting keeps this process alive; aborting `options.signal` stops waiting
   * (the child runs on).
   *
   * @example
   * ```ts ignore
   * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * await using child = spawn("cmd.exe", ["/c", "exit 3"], { stdout: "null" });
   * await child.wait(); // 3
   * child.exitCode; // 3
   * ```
   */
  async wait(options?: SignalOptions): Promise<number> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    if (signal?.aborted) throw abortError(signal);
    try {
      const code = await this.#processes.waitProcess(this.#process, signal);
      this.#exitCode = code;
      if (this.#onAbort !== undefined) this.#signal!.removeEventListener("abort", this.#onAbort);
      return code;
    } catch (err) {
      if (signal?.aborted && isPipeError(err, ERROR_OPERATION_ABORTED)) throw abortError(signal, err);
      throw err;
    }
  }

  /**
   * Collects what the child writes to its standard output and standard
   * error (those that are pipes) until their end, and resolves once it has
   * exited with its exit code and those bytes (null for an output that is
   * not a pipe), as Deno.Command's `output()`. Both are read side by side: a
   * child that fills one pipe while this process waited on the other would
   * never finish. This process's end of the child's standard input, when it
   * is a pipe, is closed first, so a child that reads it sees the end of its
   * input: write the input, then call `output()`. Not together with
   * `stdout.readable` or other reads of the same ends. Aborting
   * `options.signal` stops the reads and the wait (the child runs on).
   *
   * @example
   * ```ts ignore
   * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * await using child = spawn("cmd.exe", ["/c", "echo out& echo err>&2& exit 3"], { stderr: "pipe" });
   * const { code, stdout, stderr } = await child.output();
   * code; // 3
   * new TextDecoder().decode(stdout!); // "out\r\n"
   * new TextDecoder().decode(stderr!); // "err\r\n"
   * ```
   */
  async output(options?: SignalOptions): Promise<ChildOutput> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    if (signal?.aborted) throw abortError(signal);
    this.stdin?.close();
    // One read failing stops the other (and the signal stops both).
    const stop = new AbortController();
    const both = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
    const collect = (reader: PipeReader | null) =>
      readToEnd(reader, both).catch((err) => {
        stop.abort(err);
        throw err;
      });
    let stdout: Uint8Array | null, stderr: Uint8Array | null;
    try {
      [stdout, stderr] = await Promise.all([collect(this.stdout), collect(this.stderr)]);
    } catch (err) {
      if (signal?.aborted) throw abortError(signal, err);
      throw err; // the first failure: the one that stopped the other read
    }
    const code = await this.wait({ signal });
    return { code, stdout, stderr };
  }

  /**
   * Terminates the child
   * ([TerminateProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminateprocess))
   * with `exitCode` (default 1); nothing happens once it has exited.
   *
   * @example
   * ```ts ignore
   * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * await using child = spawn("cmd.exe", ["/c", "pause"], { stdin: "pipe", stdout: "null" });
   * child.kill(5);
   * await child.wait(); // 5
   * ```
   */
  kill(exitCode = 1): void {
    requireInteger(exitCode, "exitCode", 0, 0xffffffff);
    this.#processes.terminateProcess(this.#process, exitCode);
  }

  /**
   * Closes this process's pipe ends to the child and the process handle
   * ([CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle));
   * the child runs on. Idempotent.
   *
   * @example
   * ```ts ignore
   * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * const child = spawn("notepad.exe", [], { stdout: "null" });
   * child.close(); // notepad runs on; this process no longer holds its handle
   * ```
   */
  close(): void {
    this.stdin?.close();
    this.stdout?.close();
    this.stderr?.close();
    if (this.#onAbort !== undefined) this.#signal!.removeEventListener("abort", this.#onAbort);
    this.#processes.closeProcess(this.#process);
  }

  /** Terminates the child (exit code 1) if it is still running, waits for it, and closes everything. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#process.closed) return;
    try {
      if (this.#exitCode === null) {
        this.kill();
        await this.wait();
      }
    } finally {
      this.close();
    }
  }
}

/**
 * What {@linkcode ChildProcess.output} resolves with.
 *
 * @example
 * ```ts ignore
 * import { type ChildOutput, spawn } from "@winpipe/deno"; // or "@winpipe/bun"
 * await using child = spawn("cmd.exe", ["/c", "ver"]);
 * const result: ChildOutput = await child.output();
 * result.code; // 0
 * ```
 */
export interface ChildOutput {
  /** The exit code (an unsigned 32-bit number). */
  code: number;
  /** Everything the child wrote to its standard output, or null when that was not `"pipe"`. */
  stdout: Uint8Array | null;
  /** Everything the child wrote to its standard error, or null when that was not `"pipe"`. */
  stderr: Uint8Array | null;
}

/** Everything `reader` gives until the end of its data; null for no reader. */
async function readToEnd(reader: PipeReader | null, signal: AbortSignal): Promise<Uint8Array | null> {
  if (reader === null) return null;
  const buffer = new Uint8Array(64 * 1024);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let got; (got = await reader.read(buffer, { signal })) !== null;) {
    chunks.push(buffer.slice(0, got));
    total += got;
  }
  return concatBytes(chunks, total);
}

/** Why a kernel without processes (the model) cannot run spawn or openInheritedHandle. */
const NO_PROCESSES = "cannot start processes (kernel32 can)";

const STDIO_CHOICES = ["pipe", "inherit", "null"] as const;

/**
 * Validates one stdio option: a choice, a reader/writer of this kernel facing the right way, or a
 * connection of this kernel (duplex: either way).
 */
function requireStdio(value: unknown, what: string, kernel: PipeKernel, want: typeof PipeReader | typeof PipeWriter) {
  if (value instanceof PipeHandle) {
    if (!(value instanceof want) && !(value instanceof PipeConnection)) {
      throw new TypeError(
        `${what} must be a ${want.name} or a PipeConnection (the child ${what === "stdin" ? "reads" : "writes"} it)`,
      );
    }
    requireSameKernel(value, kernel, what);
    return value;
  }
  return requireChoice(value, what, STDIO_CHOICES);
}

function requireSameKernel(handle: PipeHandle, kernel: PipeKernel, what: string): KernelHandle {
  if ((handle as unknown as { kernel: PipeKernel }).kernel !== kernel) {
    throw new TypeError(`${what} belongs to another kernel than this binding's (${kernel.name})`);
  }
  return handle.kernelHandle;
}

/** A RangeError for a command line longer than CreateProcessW takes. */
function requireCommandLineLength(commandLine: string): void {
  if (commandLine.length > MAX_COMMAND_LINE) {
    throw new RangeError(`the command line is ${commandLine.length} characters long: at most ${MAX_COMMAND_LINE}`);
  }
}

/**
 * Starts `command` with `args` (CreateProcessW; the command line is quoted
 * with `quoteWindowsArgument`, and the program is found as
 * CreateProcessW finds it: the directory of this program, the current
 * directory, the system directories, then PATH; `.exe` may be left out).
 * A batch file is found with SearchPathW (its order puts the current
 * directory after the system directories) and runs through the system
 * directory's cmd.exe, with a command line written for cmd
 * (`windowsBatchCommandLine`).
 * The child inherits its three standard handles and `options.handles`,
 * nothing else. Prefer the bound `spawn` of a runtime package.
 */
export function spawnOn(
  context: HandleContext,
  command: string,
  args: readonly string[] = [],
  options?: SpawnOptions,
): ChildProcess {
  const { kernel } = context;
  requireString(command, "command");
  if (command === "" || command.includes("\0")) throw new TypeError("command must be a non-empty string without NUL");
  if (!Array.isArray(args)) throw new TypeError(`args must be an array of strings: got ${typeof args}`);
  // An index loop, not forEach, which skips the holes of a sparse array (they are no strings either).
  for (let i = 0; i < args.length; i++) {
    requireString(args[i], `args[${i}]`);
    if (args[i].includes("\0")) throw new TypeError(`args[${i}] must not contain NUL characters`);
  }
  const opts = requireOptions<SpawnOptions>(options);
  // A batch file runs through cmd.exe, which reads its command line by other rules than a C program's (checked
  // here with the name as given, for the TypeErrors; written again below with the script's full path).
  const batch = isBatchFile(command);
  let commandLine = batch ? windowsBatchCommandLine(command, args) : windowsCommandLine(command, args);
  requireCommandLineLength(commandLine);
  const cwd = opts.cwd === undefined ? undefined : requireString(opts.cwd, "cwd");
  if (cwd !== undefined && (cwd === "" || cwd.includes("\0"))) {
    throw new TypeError("cwd must be a non-empty string without NUL");
  }
  const environment = opts.env === undefined ? undefined : windowsEnvironmentBlock(opts.env);
  const stdinOption = requireStdio(opts.stdin ?? "null", "stdin", kernel, PipeReader);
  const stdoutOption = requireStdio(opts.stdout ?? "pipe", "stdout", kernel, PipeWriter);
  const stderrOption = requireStdio(opts.stderr ?? "inherit", "stderr", kernel, PipeWriter);
  const handles = opts.handles ?? [];
  if (!Array.isArray(handles)) throw new TypeError(`handles must be an array of pipe ends: got ${typeof handles}`);
  const inherit = handles.map((handle, i) => {
    if (!(handle instanceof PipeReader || handle instanceof PipeWriter)) {
      throw new TypeError(`handles[${i}] must be a PipeReader or PipeWriter (an end of an anonymous pipe)`);
    }
    return requireSameKernel(handle, kernel, `handles[${i}]`);
  });
  const bufferSize = validateBufferSize(opts.bufferSize ?? 0, "bufferSize");
  const signal = requireSignal(opts.signal);
  if (signal?.aborted) throw abortError(signal);
  const processes = processesOf(kernel, NO_PROCESSES);
  let applicationName: string | undefined;
  if (batch) {
    // The script found as CreateProcessW would find it, so that a missing one fails here and the child's cwd
    // does not change which one runs; cmd.exe from the system directory, never one found elsewhere.
    commandLine = windowsBatchCommandLine(processes.searchPath(command), args);
    requireCommandLineLength(commandLine);
    applicationName = processes.systemDirectory() + "\\cmd.exe";
  }

  // For "pipe": the child's end is made inheritable (synchronous, as a child expects) and closed here after
  // CreateProcessW; this process keeps the other end.
  const made: PipeHandle[] = [];
  const childEnds: KernelHandle[] = [];
  const pipeFor = (childReads: boolean): [PipeReader | PipeWriter, KernelHandle] => {
    const { read, write } = kernel.createPipe(bufferSize, childReads, !childReads);
    const mine = childReads ? new PipeWriter(context, write) : new PipeReader(context, read);
    made.push(mine);
    childEnds.push(childReads ? read : write);
    return [mine, childReads ? read : write];
  };
  try {
    const resolve = (option: StdioOption, childReads: boolean) => {
      if (option === "pipe") {
        const [mine, theirs] = pipeFor(childReads);
        return { mine, theirs: theirs as KernelHandle | "inherit" | "null" };
      }
      return { mine: null, theirs: typeof option === "string" ? option : option.kernelHandle };
    };
    const stdin = resolve(stdinOption, true);
    const stdout = resolve(stdoutOption, false);
    const stderr = resolve(stderrOption, false);
    const process = processes.spawnProcess({
      commandLine,
      applicationName,
      environment,
      cwd,
      stdin: stdin.theirs,
      stdout: stdout.theirs,
      stderr: stderr.theirs,
      inherit,
    });
    return new ChildProcess(
      processes,
      process,
      {
        stdin: stdin.mine as PipeWriter | null,
        stdout: stdout.mine as PipeReader | null,
        stderr: stderr.mine as PipeReader | null,
      },
      signal,
    );
  } catch (err) {
    for (const handle of made) handle.close();
    throw batch ? err : withBatchHint(err, command, processes);
  } finally {
    // This process's copies of the child's ends: a write end kept here would keep the reader from ever seeing the end.
    for (const handle of childEnds) kernel.close(handle);
  }
}

/**
 * `err`, or, when it is CreateProcessW's ERROR_FILE_NOT_FOUND for a name
 * without an extension that names a batch file on the search path (`npm`
 * for npm.cmd; CreateProcessW looks only for `.exe`), the same error saying
 * which name to give.
 */
function withBatchHint(err: unknown, command: string, processes: ProcessKernel): unknown {
  if (!isPipeError(err, ERROR_FILE_NOT_FOUND) || /\.[^.\\/]*$/.test(command)) return err;
  for (const extension of [".cmd", ".bat"]) {
    try {
      processes.searchPath(command + extension);
    } catch {
      continue;
    }
    return new PipeError(err.code, err.call, {
      detail: `${command}${extension} is a batch file on the search path: spawn("${command}${extension}", ...) runs it`,
      cause: err,
    });
  }
  return err;
}

/**
 * Which end of an anonymous pipe a handle value is.
 *
 * @example
 * ```ts ignore
 * import type { InheritedEnd } from "@winpipe/core";
 * import { openInheritedHandle } from "@winpipe/deno"; // or "@winpipe/bun"
 * const end: InheritedEnd = Deno.args[1] === "read" ? "reader" : "writer";
 * using handle = openInheritedHandle(Deno.args[0], end);
 * ```
 */
export type InheritedEnd = "reader" | "writer";

/**
 * The child's side of `options.handles`: a pipe end this process inherited
 * from its parent, by the value the parent passed on (`end.handleValue()`
 * there: a number, or its decimal string, as .NET's
 * `GetClientHandleAsString` gives). Prefer the
 * bound `openInheritedHandle` of a runtime package.
 */
export function openInheritedHandleOn(context: HandleContext, value: number | string, end: "reader"): PipeReader;
export function openInheritedHandleOn(context: HandleContext, value: number | string, end: "writer"): PipeWriter;
export function openInheritedHandleOn(
  context: HandleContext,
  value: number | string,
  end: InheritedEnd,
): PipeReader | PipeWriter;
export function openInheritedHandleOn(
  context: HandleContext,
  value: number | string,
  end: InheritedEnd,
): PipeReader | PipeWriter {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  const native = requireInteger(number, "value", 1, Number.MAX_SAFE_INTEGER);
  requireChoice(end, "end", ["reader", "writer"]);
  const handle = processesOf(context.kernel, NO_PROCESSES).adoptHandle(native);
  return end === "reader" ? new PipeReader(context, handle) : new PipeWriter(context, handle);
}
