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

/**
 * A peer process as {@linkcode waitForStatus} watches it.
 *
 * @example
 * ```ts
 * import type { StatusPeer } from "@winpipe/testing";
 * let exited = false;
 * const peer: StatusPeer = { read: () => Promise.resolve(""), exited: () => exited };
 * peer.exited(); // false
 * ```
 */
export interface StatusPeer {
  /** Its status file's text now. */
  read(): Promise<string>;
  /** Whether it has exited. */
  exited(): boolean;
  /** How it exited and what it printed, for the error when it exits before reporting. */
  exitDetail?(): Promise<string>;
}

/**
 * The first status line of `phase` a peer process reports (its status
 * file's lines, {@linkcode statusLines}); rejects on an `error` line (its
 * `message`), when the peer exits without having reported it, and at
 * `deadline` (a `Date.now()` time). A peer that reports and exits at once
 * is not taken for one that exited first: it counts as gone only when it
 * had exited before the file was read, so that the read saw all it wrote.
 *
 * @example
 * ```ts
 * import { waitForStatus } from "@winpipe/testing";
 * const peer = { read: () => Promise.resolve('{"phase":"done","n":1}\n'), exited: () => true };
 * const done = await waitForStatus<{ phase: string; n: number }>("done", peer, Date.now() + 1000);
 * done.n; // 1
 * ```
 */
export async function waitForStatus<T extends { phase: string }>(
  phase: string,
  peer: StatusPeer,
  deadline: number,
  pollMs = 20,
): Promise<T> {
  for (;;) {
    const exitedBefore = peer.exited();
    const lines = statusLines<T & { message?: unknown }>(await peer.read());
    const error = lines.find((line) => line.phase === "error");
    if (error) throw new Error(`node.exe failed: ${error.message}`);
    const found = lines.find((line) => line.phase === phase);
    if (found) return found;
    if (exitedBefore) {
      const detail = peer.exitDetail ? ` (${await peer.exitDetail()})` : "";
      throw new Error(`node.exe exited before reporting "${phase}"${detail}: ${JSON.stringify(lines)}`);
    }
    if (Date.now() > deadline) throw new Error(`node.exe did not report "${phase}" in time: ${JSON.stringify(lines)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
