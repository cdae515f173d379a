/**
 * Validation of every public option before any system call. Bad input
 * throws TypeError (wrong type or unknown value) or RangeError (a number out
 * of range), with a message that names the option and quotes the value.
 *
 * @module
 */
import { PIPE_UNLIMITED_INSTANCES } from "./constants.ts";
import { win32PipePath } from "./win32_path.ts";

/**
 * The longest pipe name Windows accepts, prefix included.
 *
 * @example
 * ```ts
 * import { MAX_PIPE_NAME_LENGTH, parsePipeName } from "@winpipe/core";
 * const long = String.raw`\\.\pipe\` + "x".repeat(MAX_PIPE_NAME_LENGTH);
 * try {
 *   parsePipeName(long);
 * } catch (err) {
 *   (err as RangeError).name; // "RangeError": the name is longer than 256 characters
 * }
 * ```
 */
export const MAX_PIPE_NAME_LENGTH = 256;

/** The largest value of a DWORD. */
const DWORD_MAX = 0xffffffff;

/**
 * How a value looks in an error message: strings quoted, objects by their class.
 *
 * @example
 * ```ts
 * import { show } from "@winpipe/core/internal";
 * show("app"); // '"app"'
 * show(5n); // "5n"
 * ```
 */
export function show(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : Object.prototype.toString.call(value);
}

/**
 * Throws a TypeError unless `value` is a string.
 *
 * @example
 * ```ts
 * import { requireString } from "@winpipe/core/internal";
 * requireString("cmd.exe", "command"); // "cmd.exe"
 * ```
 */
export function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string: got ${show(value)}`);
  return value;
}

/**
 * Throws unless `value` is an integer in [min, max].
 *
 * @example
 * ```ts
 * import { requireInteger } from "@winpipe/core/internal";
 * requireInteger(4096, "chunkSize", 1, 2 ** 31); // 4096
 * try {
 *   requireInteger(0, "chunkSize", 1, 2 ** 31);
 * } catch (err) {
 *   (err as Error).name; // "RangeError"
 * }
 * ```
 */
export function requireInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer: got ${show(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`${what} must be between ${min} and ${max}: got ${value}`);
  return value;
}

/**
 * Throws a TypeError unless `value` is a boolean.
 *
 * @example
 * ```ts
 * import { requireBoolean } from "@winpipe/core/internal";
 * requireBoolean(true, "closeOnEnd"); // true
 * ```
 */
export function requireBoolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean: got ${show(value)}`);
  return value;
}

/**
 * Throws a TypeError unless `value` is one of `choices`.
 *
 * @example
 * ```ts
 * import { requireChoice } from "@winpipe/core/internal";
 * requireChoice("byte", "mode", ["byte", "message", "auto"]); // "byte"
 * ```
 */
export function requireChoice<T extends string>(value: unknown, what: string, choices: readonly T[]): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new TypeError(`${what} must be one of ${choices.map((c) => `"${c}"`).join(", ")}: got ${show(value)}`);
  }
  return value as T;
}

/**
 * Throws a TypeError unless `value` is undefined or an AbortSignal.
 *
 * @example
 * ```ts
 * import { requireSignal } from "@winpipe/core/internal";
 * requireSignal(undefined); // undefined
 * requireSignal(AbortSignal.timeout(1000)) instanceof AbortSignal; // true
 * ```
 */
export function requireSignal(value: unknown, what = "signal"): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new TypeError(`${what} must be an AbortSignal: got ${show(value)}`);
  return value;
}

/**
 * True when the ArrayBuffer under `view` has been detached (transferred
 * with `transfer()`, `postMessage` or `structuredClone`): its memory is no
 * longer the view's to use.
 *
 * @example
 * ```ts
 * import { isDetached } from "@winpipe/core/internal";
 * const bytes = new Uint8Array(8);
 * isDetached(bytes); // false
 * bytes.buffer.transfer();
 * isDetached(bytes); // true
 * ```
 */
export function isDetached(view: ArrayBufferView): boolean {
  const buffer = view.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === "boolean") return buffer.detached;
  // An engine without ArrayBuffer.prototype.detached: a view of a detached buffer cannot be made.
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/**
 * Throws a TypeError unless `value` is a Uint8Array whose buffer is not detached.
 *
 * @example
 * ```ts
 * import { requireBytes } from "@winpipe/core/internal";
 * requireBytes(new Uint8Array(4), "data").length; // 4
 * ```
 */
export function requireBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const hint = typeof value === "string" ? " (encode text with TextEncoder first)" : "";
    throw new TypeError(`${what} must be a Uint8Array: got ${show(value)}${hint}`);
  }
  if (isDetached(value)) {
    throw new TypeError(`${what} must not be detached: its ArrayBuffer was transferred and has no memory left`);
  }
  return value;
}

/**
 * Throws a TypeError unless `value` is undefined or a plain object of options.
 *
 * @example
 * ```ts
 * import { requireOptions } from "@winpipe/core/internal";
 * requireOptions<{ chunkSize: number }>(undefined); // {}
 * requireOptions<{ chunkSize: number }>({ chunkSize: 1024 }).chunkSize; // 1024
 * ```
 */
export function requireOptions<T extends object>(value: unknown, what = "options"): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object") throw new TypeError(`${what} must be an object: got ${show(value)}`);
  return value as Partial<T>;
}

/**
 * A buffer size in bytes: a DWORD.
 *
 * @example
 * ```ts
 * import { validateBufferSize } from "@winpipe/core/internal";
 * validateBufferSize(65536, "bufferSize"); // 65536
 * ```
 */
export function validateBufferSize(value: unknown, what: string): number {
  return requireInteger(value, what, 0, DWORD_MAX);
}

/**
 * A timeout in milliseconds: 0 up to 4294967294 (a DWORD short of
 * INFINITE), or Infinity to wait forever.
 *
 * @example
 * ```ts
 * import { validateTimeout } from "@winpipe/core/internal";
 * validateTimeout(Infinity); // Infinity: wait forever
 * validateTimeout(5000); // 5000
 * ```
 */
export function validateTimeout(value: unknown, what = "timeout"): number {
  if (value === Infinity) return Infinity;
  return requireInteger(value, what, 0, DWORD_MAX - 1);
}

/**
 * nMaxInstances: 1 to 255, where 255 is PIPE_UNLIMITED_INSTANCES, or
 * "unlimited".
 *
 * @example
 * ```ts
 * import { validateMaxInstances } from "@winpipe/core/internal";
 * validateMaxInstances("unlimited"); // 255 (PIPE_UNLIMITED_INSTANCES)
 * validateMaxInstances(4); // 4
 * ```
 */
export function validateMaxInstances(value: unknown): number {
  if (value === "unlimited") return PIPE_UNLIMITED_INSTANCES;
  if (typeof value !== "number") {
    throw new TypeError(`maxInstances must be an integer from 1 to 255 or "unlimited": got ${show(value)}`);
  }
  return requireInteger(value, "maxInstances", 1, PIPE_UNLIMITED_INSTANCES);
}

/**
 * The parts of a valid pipe name.
 *
 * @example
 * ```ts
 * import { type ParsedPipeName, parsePipeName } from "@winpipe/core";
 * const parsed: ParsedPipeName = parsePipeName(String.raw`\\server\pipe\app`);
 * parsed.server; // "server"
 * parsed.name; // "app"
 * ```
 */
export interface ParsedPipeName {
  /**
   * The name as Windows will see it: `\\server\pipe\name` with the prefix
   * spelled as given, normalized as Windows normalizes it (see
   * `win32PipePath`).
   */
  full: string;
  /** "." for the local machine, otherwise the server name. */
  server: string;
  /** The part after `\pipe\`. */
  name: string;
}

const PIPE_NAME = /^\\\\([^\\]+)\\pipe\\(.+)$/is;

/**
 * Parses and checks a pipe name: `\\.\pipe\NAME` or `\\SERVER\pipe\NAME`
 * (the prefix is case-insensitive), at most 256 characters, NAME non-empty.
 * The name is read as Windows reads it (see `win32PipePath`): `/` as `\`,
 * `.` and `..` resolved, trailing dots and spaces dropped, so
 * `//./pipe/docker_engine` is `\\.\pipe\docker_engine`; `\\?\pipe\NAME`
 * is a local name taken verbatim. With `localOnly`, only local names are
 * accepted (servers cannot create remote pipes).
 *
 * @example
 * ```ts
 * import { parsePipeName } from "@winpipe/core";
 * parsePipeName(String.raw`\\.\pipe\app`).name; // "app"
 * ```
 */
export function parsePipeName(value: unknown, options: { localOnly?: boolean; what?: string } = {}): ParsedPipeName {
  const what = options.what ?? "pipe name";
  const given = requireString(value, what);
  if (given.includes("\0")) throw new TypeError(`${what} must not contain NUL characters: got ${show(given)}`);
  // The name Windows' path handling makes of it (//./pipe/x, \\.\pipe\x., \\.\pipe\a\..\x are \\.\pipe\x).
  const full = win32PipePath(given);
  const readAs = full === given ? "" : ` (Windows reads it as ${show(full)})`;
  if (full.length > MAX_PIPE_NAME_LENGTH) {
    throw new RangeError(`${what} must be at most ${MAX_PIPE_NAME_LENGTH} characters: got ${full.length}${readAs}`);
  }
  const match = PIPE_NAME.exec(full);
  if (match === null) {
    throw new TypeError(
      `${what} must look like \\\\.\\pipe\\NAME or \\\\SERVER\\pipe\\NAME: got ${show(given)}${readAs}`,
    );
  }
  // \\?\pipe\NAME is a local name too, taken verbatim (NAME as it is, no normalization).
  const server = match[1] === "?" ? "." : match[1];
  const name = match[2];
  if (options.localOnly && server !== ".") {
    throw new TypeError(`${what} must be a local pipe name (\\\\.\\pipe\\NAME) to create a server: got ${show(given)}`);
  }
  // What is handed to the kernel must name the same pipe when Windows normalizes it again: a name that would
  // change once more (\\.\pipe\a..\b is a.\b, which again would be a\b) goes verbatim, or as given when remote.
  if (win32PipePath(full) !== full) return { full: server === "." ? `\\\\?\\pipe\\${name}` : given, server, name };
  return { full, server, name };
}

/**
 * The full name of a pipe on `server` (default the local machine).
 *
 * @example
 * ```ts
 * import { pipePath } from "@winpipe/core";
 * pipePath("app"); // "\\\\.\\pipe\\app"
 * ```
 */
export function pipePath(name: string, server = "."): string {
  requireString(name, "name");
  requireString(server, "server");
  // Backslashes are allowed inside pipe names; an empty name is not.
  if (name === "") throw new TypeError(`name must not be empty`);
  if (server === "" || server.includes("\\")) throw new TypeError(`server must be a machine name: got ${show(server)}`);
  return parsePipeName(`\\\\${server}\\pipe\\${name}`).full;
}
