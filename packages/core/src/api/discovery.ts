/**
 * Finding pipes: {@linkcode listPipes} (the pipe file system's directory)
 * and {@linkcode pipeExists} (one name, without listing).
 *
 * @module
 */
import {
  ERROR_BAD_DEV_TYPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_FUNCTION,
  ERROR_SEM_TIMEOUT,
  NMPWAIT_NOWAIT,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { isPipeError, PipeError } from "../errors.ts";
import type { PipeKernel } from "../port.ts";
import { upcase } from "../upcase.ts";
import { parsePipeName, requireOptions, requireSignal, requireString } from "../validate.ts";
import { cancellable } from "./failures.ts";
import type { SignalOptions } from "./signals.ts";

/**
 * What a pipe file system that cannot list its names answers: Wine 10
 * ERROR_BAD_DEV_TYPE (STATUS_BAD_DEVICE_TYPE), and ERROR_INVALID_FUNCTION
 * (STATUS_INVALID_DEVICE_REQUEST) is how a file system refuses a request it
 * has no handler for.
 */
const CANNOT_LIST: readonly number[] = [ERROR_BAD_DEV_TYPE, ERROR_INVALID_FUNCTION];

/** The root of the local pipe file system. */
const PIPE_ROOT = "\\\\.\\pipe\\";

/**
 * Options of {@linkcode listPipes}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ListPipesOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, listPipes } = createWinpipe(createModelKernel());
 * using a = createServer(String.raw`\\.\pipe\app-events`);
 * using b = createServer(String.raw`\\.\pipe\other`);
 * const options: ListPipesOptions = { prefix: "app-" };
 * listPipes(options).map((pipe) => pipe.name); // ["\\\\.\\pipe\\app-events"]
 * ```
 */
export interface ListPipesOptions {
  /** Only names that start with this (after `\\.\pipe\`, compared case-insensitively, as Windows compares pipe names). */
  prefix?: string;
  /**
   * Only names that match this pattern as a whole, case-insensitively: `*`
   * stands for any run of characters, `?` for one character (as in
   * Sysinternals PipeList's filter and `dir`).
   */
  pattern?: string;
}

/**
 * A pipe that exists on this machine, as the pipe file system lists it.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ListedPipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, listPipes } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\listed`);
 * const [pipe]: ListedPipe[] = listPipes({ pattern: "listed" });
 * pipe.instances; // 1
 * pipe.maxInstances; // "unlimited"
 * ```
 */
export interface ListedPipe {
  /** The full name, `\\.\pipe\NAME`, ready for connect and the other calls. */
  name: string;
  /** How many instances of it exist now (listening, connected or waiting to be disconnected). */
  instances: number;
  /** How many instances it may have. */
  maxInstances: number | "unlimited";
}

/**
 * A whole-name matcher for `*` / `?` patterns, for names upper-cased with
 * {@linkcode upcase}: case-insensitive as the pipe file system compares
 * names, not by the Unicode case folding of a RegExp's `i` flag (which
 * takes the Kelvin sign for "k").
 */
function patternMatcher(pattern: string): RegExp {
  const source = [...upcase(pattern)].map((char) =>
    char === "*" ? "[\\s\\S]*" : char === "?" ? "[\\s\\S]" : char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("");
  return new RegExp(`^${source}$`, "u");
}

/**
 * The pipes under `\\.\pipe\` (NtQueryDirectoryFile on the pipe file
 * system's root), sorted by name, optionally filtered. Opens no pipe, so
 * no server sees a client. Where the pipe file system cannot list its
 * directory (Wine 10: ERROR_BAD_DEV_TYPE), this throws a PipeError
 * that says so and points to {@linkcode pipeExists}.
 */
export function listPipesOn(kernel: PipeKernel, options?: ListPipesOptions): ListedPipe[] {
  const opts = requireOptions<ListPipesOptions>(options);
  // Upper-cased character by character, as the pipe file system compares names: toUpperCase would read "ß" as "SS".
  const prefix = opts.prefix === undefined ? undefined : upcase(requireString(opts.prefix, "prefix"));
  const matcher = opts.pattern === undefined ? undefined : patternMatcher(requireString(opts.pattern, "pattern"));
  let entries;
  try {
    entries = kernel.listPipes();
  } catch (err) {
    if (!isPipeError(err) || !CANNOT_LIST.includes(err.code)) throw err;
    throw new PipeError(err.code, "listPipes", {
      pipeName: PIPE_ROOT,
      cause: err,
      detail: "this system's pipe file system cannot list its names (Wine 10 cannot: docs/wine-findings.md, " +
        "W-L80); ask for one name with pipeExists(name) instead",
    });
  }
  return entries
    .filter(({ name }) => {
      const key = upcase(name);
      return (prefix === undefined || key.startsWith(prefix)) && (matcher === undefined || matcher.test(key));
    })
    .map(({ name, currentInstances, maxInstances }): ListedPipe => ({
      name: PIPE_ROOT + name,
      instances: currentInstances,
      maxInstances: maxInstances >= PIPE_UNLIMITED_INSTANCES ? "unlimited" : maxInstances,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }));
}

/**
 * Whether a pipe of this name exists, asked without listing and without
 * opening it (which would connect to the server): WaitNamedPipe for the
 * shortest time. An instance listening, or every instance busy
 * (ERROR_SEM_TIMEOUT), means it exists; ERROR_FILE_NOT_FOUND means it does
 * not. Other failures (a remote host that cannot be reached) are thrown.
 */
export async function pipeExistsOn(kernel: PipeKernel, name: string, options?: SignalOptions): Promise<boolean> {
  const { full } = parsePipeName(name);
  const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
  try {
    await cancellable(signal, () => kernel.waitNamedPipe(full, NMPWAIT_NOWAIT, signal));
    return true;
  } catch (err) {
    if (isPipeError(err, ERROR_SEM_TIMEOUT)) return true;
    if (isPipeError(err, ERROR_FILE_NOT_FOUND)) return false;
    throw err;
  }
}
