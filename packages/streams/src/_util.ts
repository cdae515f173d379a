/**
 * Helpers shared by the stream factories (not exported by mod.ts).
 *
 * @module
 */
import {
  abortError,
  errorBehaviour,
  isPipeError,
  type PipeConnection,
  type PipeReader,
  type ReadResult,
} from "@winpipe/core";

/** The shortest and longest wait between two reads of an empty nonblocking handle. */
const POLL_MIN_MS = 1;
const POLL_MAX_MS = 50;

/** How a value looks in an error message. */
export function show(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (value === null || typeof value !== "object") return String(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : Object.prototype.toString.call(value);
}

/** Throws a TypeError unless `value` is undefined or a boolean; returns it or `fallback`. */
export function booleanOption(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean: got ${show(value)}`);
  return value;
}

/** Throws unless `value` is undefined or an integer in [min, max]; returns it or `fallback`. */
export function integerOption(value: unknown, what: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer: got ${show(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`${what} must be between ${min} and ${max}: got ${value}`);
  return value;
}

/** Throws a TypeError unless `value` is undefined or an object; returns it or `{}`. */
export function optionsObject<T extends object>(value: unknown): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object") throw new TypeError(`options must be an object: got ${show(value)}`);
  return value as Partial<T>;
}

/** True when `err` is ERROR_NO_DATA from a read: a nonblocking handle with nothing to read. */
export function isNoData(err: unknown): boolean {
  return isPipeError(err) && errorBehaviour("read", err.code) === "no-data";
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it stops failing with ERROR_NO_DATA: a nonblocking
 * handle has no notification of data, so it is polled with a backoff from
 * 1 to 50 ms. A blocking handle never reports ERROR_NO_DATA and runs
 * `attempt` once.
 */
export async function untilData<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  let backoff = POLL_MIN_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNoData(err)) throw err;
    }
    await delay(backoff, signal);
    backoff = Math.min(backoff * 2, POLL_MAX_MS);
  }
}

/**
 * The bytes of one read into `view` (ReadFile), or null at the end of the
 * data. Retries 0-byte reads (a zero-length message read in byte read mode),
 * since a byte stream cannot deliver an empty chunk, and polls a
 * nonblocking handle while it has nothing to read.
 */
export async function readSome(
  handle: PipeConnection | PipeReader,
  view: Uint8Array,
  signal: AbortSignal,
): Promise<number | null> {
  for (;;) {
    const result = await untilData<number | ReadResult | null>(() => handle.read(view, { signal }), signal);
    if (result === null) return null;
    const bytesRead = typeof result === "number" ? result : result.bytesRead;
    if (bytesRead > 0) return bytesRead;
  }
}

/**
 * A chunk as a Uint8Array over the same memory (never a copy): chunks may be
 * Uint8Arrays, other ArrayBufferViews or ArrayBuffers. Anything else is a
 * TypeError; a string gets a hint to encode it first.
 */
export function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  const hint = typeof chunk === "string" ? " (pipe text through a TextEncoderStream first)" : "";
  throw new TypeError(`Chunk must be a Uint8Array, an ArrayBufferView or an ArrayBuffer: got ${show(chunk)}${hint}`);
}
