/**
 * A worker of the Bun backend: runs the calls that wait in the kernel
 * (GetQueuedCompletionStatusEx for the completion port, NtFlushBuffersFile,
 * and NtReadFile / NtWriteFile / NtFsControlFile on synchronous handles) one
 * at a time, blocking this worker's thread instead of the main thread.
 *
 * Protocol: the main thread posts `{ id, name, args }`, where every pointer
 * argument is already an address (a number; the main thread keeps the
 * memory referenced until the reply); the worker calls `name(...args)` and
 * posts `{ id, result }` (or `{ id, error }` if the call threw). Only the
 * result is used: GetLastError is per thread and is never read here.
 *
 * @module
 */
import { openLibraries } from "./ffi.ts";

/** A request from the main thread. */
export interface OffThreadRequest {
  id: number;
  name: string;
  args: (number | bigint | null)[];
}

/** The reply. */
export interface OffThreadReply {
  id: number;
  result?: number;
  error?: string;
}

declare const self: Worker;

const { kernel32, ntdll } = openLibraries(true);
const functions = { ...kernel32, ...ntdll } as unknown as Record<string, (...args: unknown[]) => number>;

self.onmessage = (event: MessageEvent<OffThreadRequest>) => {
  const { id, name, args } = event.data;
  let reply: OffThreadReply;
  try {
    reply = { id, result: functions[name](...args) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
