/**
 * Data as the command-line tool takes and shows it: text arguments,
 * standard input, and JSON that keeps bytes intact.
 *
 * @module
 */
import { parsePipeName, pipePath } from "@winpipe/core";
import { concatBytes, untilAborted } from "@winpipe/core/internal";
import { UsageError } from "./exit_codes.ts";
import type { CliEnvironment } from "./environment.ts";

/**
 * A full pipe name: `\\.\pipe\NAME`, `\\SERVER\pipe\NAME` and other names that start with two separators
 * (`//./pipe/NAME`) are read as Windows reads them, a bare NAME gets the local prefix. One that is no pipe
 * name is a wrong command line (a UsageError), not a failed pipe call; so is another machine's, with
 * `localOnly` (a server is made on this machine).
 */
export function fullPipeName(name: string, options: { localOnly?: boolean } = {}): string {
  try {
    return parsePipeName(/^[\\/]{2}/.test(name) ? name : pipePath(name), options).full;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** How much one read asks for on a byte pipe (cat, listen). */
export const READ_CHUNK = 64 * 1024;

/** The bytes to send: DATA as UTF-8 text, or all of standard input for `-` or no DATA. */
export async function inputData(data: string | undefined, env: CliEnvironment): Promise<Uint8Array> {
  if (data !== undefined && data !== "-") return new TextEncoder().encode(data);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stdinChunks(env)) chunks.push(chunk);
  return concatBytes(chunks, chunks.reduce((n, c) => n + c.length, 0));
}

/**
 * Standard input's chunks, until its end or Ctrl+C (`env.interrupted`),
 * which ends a wait for the next chunk (typing at a terminal, say) with an
 * AbortError (core's untilAborted): the command then exits 130.
 */
export async function* stdinChunks(env: CliEnvironment): AsyncGenerator<Uint8Array> {
  const chunks = env.stdin()[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await untilAborted(chunks.next(), env.interrupted);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void chunks.return?.()?.catch(() => {}); // stop reading standard input
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes as JSON fields: `{ text }` when they are UTF-8, otherwise
 * `{ base64 }`, so that `--json` output loses nothing.
 */
export function jsonData(bytes: Uint8Array): { text: string } | { base64: string } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { base64: btoa(binary) };
  }
}

/**
 * Reads of a byte pipe as `--json` data, one value per read: the bytes of a
 * character that a read cut in two are held back and shown whole with the
 * next read, so that UTF-8 text always shows as `{ text }`, however the
 * reads fall. Only bytes that are no UTF-8 show as `{ base64 }`.
 */
export class JsonReads {
  #held = new Uint8Array(0);

  /** The data of one read, without a character it ends in the middle of; null when nothing is whole yet. */
  next(bytes: Uint8Array): { text: string } | { base64: string } | null {
    const all = this.#held.length === 0 ? bytes : concatBytes([this.#held, bytes], this.#held.length + bytes.length);
    const whole = completeLength(all);
    this.#held = all.slice(whole);
    return whole === 0 ? null : jsonData(all.subarray(0, whole));
  }

  /** What is still held when the data ends (the start of a character that never came whole), or null. */
  end(): { text: string } | { base64: string } | null {
    const rest = this.#held;
    this.#held = new Uint8Array(0);
    return rest.length === 0 ? null : jsonData(rest);
  }
}

/** `bytes` without the start of a UTF-8 sequence at its end that is not complete yet: its length. */
function completeLength(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const needs = byte >= 0xf0 && byte <= 0xf4
      ? 4
      : byte >= 0xe0 && byte < 0xf0
      ? 3
      : byte >= 0xc2 && byte < 0xe0
      ? 2
      : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Characters a terminal would act on or reorder: C0 and C1 controls, DEL, line separators, bidi controls. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// deno-lint-ignore no-control-regex -- as UNSAFE, with the quote and the backslash
const UNSAFE_OR_QUOTING = /["\\\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A name from the system (anyone may name a pipe) as a line of text may
 * show it: as it is, or, when it holds a character a terminal would act on
 * (a line break that would fake a row, an escape sequence, a bidi control
 * that reorders what is shown), in quotes with those characters, `"` and
 * `\` escaped (`\u001b`), as `ls` quotes such file names.
 */
export function shownName(name: string): string {
  if (!UNSAFE.test(name)) return name;
  const escaped = name.replace(
    UNSAFE_OR_QUOTING,
    (c) => c === '"' || c === "\\" ? "\\" + c : "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
  return `"${escaped}"`;
}

/** One JSON value on a line of standard output. */
export function printJson(env: CliEnvironment, value: unknown): Promise<void> {
  return env.stdout(JSON.stringify(value) + "\n");
}

/** A message and a line ending, in one write (`--message` output: one message per line). */
export function withNewline(bytes: Uint8Array): Uint8Array {
  const line = new Uint8Array(bytes.length + 1);
  line.set(bytes);
  line[bytes.length] = 0x0a;
  return line;
}
