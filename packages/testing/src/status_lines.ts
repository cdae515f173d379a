/**
 * {@linkcode statusLines}: what a peer process (node.exe in the interop
 * tests) has reported so far through its status file.
 *
 * @module
 */

/**
 * The whole lines of `text`, a status file that a peer process appends one
 * JSON object a line to, each parsed. A last line without its newline is
 * one the peer is still writing: it is left for the next read, never
 * parsed half-written.
 *
 * @example
 * ```ts
 * import { statusLines } from "@winpipe/testing";
 * statusLines('{"phase":"listening"}\n{"phase":"do'); // [{ phase: "listening" }]
 * ```
 */
export function statusLines<T = Record<string, unknown>>(text: string): T[] {
  return text.slice(0, text.lastIndexOf("\n") + 1).split("\n").filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line) as T
  );
}
