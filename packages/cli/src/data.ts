/**
 * Data as the command-line tool takes and shows it: text arguments,
 * standard input, and JSON that keeps bytes intact.
 *
 * @module
 */
import { parsePipeName, pipePath } from "@winpipe/core";
import { UsageError } from "./exit_codes.ts";
import type { CliEnvironment } from "./environment.ts";

/**
 * A full pipe name: `\\.\pipe\NAME` and `\\SERVER\pipe\NAME` stay as given, a bare NAME gets the local
 * prefix. One that is no pipe name is a wrong command line (a UsageError), not a failed pipe call; so is
 * another machine's, with `localOnly` (a server is made on this machine).
 */
export function fullPipeName(name: string, options: { localOnly?: boolean } = {}): string {
  try {
    return parsePipeName(name.startsWith("\\\\") ? name : pipePath(name), options).full;
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
  for await (const chunk of env.stdin()) chunks.push(chunk);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
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
