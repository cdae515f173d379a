/**
 * kernel32 for the Deno profiles that bypass winpipe (deno_wait_strategies.ts,
 * deno_bare_throughput.ts) and the bench's bare peer (bench/peers/bare_peer.ts): the calls
 * they make, bound with `Deno.dlopen` directly, the constants they pass
 * (bare_calls.ts), a pipe handle's completion port as the kernel32 layer
 * sets it up, and the byte pipes of the bare throughput ({@linkcode barePipes}). Not winpipe's binding on purpose: these
 * scripts measure deno.exe's calls without its layers.
 *
 * @module
 */

import { type BarePipes, barePipesOver } from "./bare_calls.ts";

export {
  ERROR_BROKEN_PIPE,
  ERROR_IO_PENDING,
  ERROR_PIPE_CONNECTED,
  FILE_FLAG_OVERLAPPED,
  GENERIC_RW,
  OPEN_EXISTING,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  STATUS_PENDING,
  STATUS_PIPE_BROKEN,
  wide,
} from "./bare_calls.ts";
/** INVALID_HANDLE_VALUE as Deno gives a `"pointer"` result's value. */
export const INVALID_HANDLE_VALUE = 0xffff_ffff_ffff_ffffn;

/** The kernel32 functions the bare profiles call. */
export const k32 = Deno.dlopen("kernel32.dll", {
  CreateNamedPipeW: {
    parameters: ["buffer", "u32", "u32", "u32", "u32", "u32", "u32", "pointer"],
    result: "pointer",
  },
  ConnectNamedPipe: { parameters: ["pointer", "buffer"], result: "i32" },
  CreateFileW: { parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "pointer"], result: "pointer" },
  SetNamedPipeHandleState: { parameters: ["pointer", "buffer", "pointer", "pointer"], result: "i32" },
  CreateEventW: { parameters: ["pointer", "i32", "i32", "pointer"], result: "pointer" },
  WaitForSingleObject: { parameters: ["pointer", "u32"], result: "u32" },
  ReadFile: { parameters: ["pointer", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  WriteFile: { parameters: ["pointer", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  GetLastError: { parameters: [], result: "u32" },
  CreateIoCompletionPort: { parameters: ["pointer", "pointer", "usize", "u32"], result: "pointer" },
  SetFileCompletionNotificationModes: { parameters: ["pointer", "u8"], result: "i32" },
  GetQueuedCompletionStatusEx: {
    parameters: ["pointer", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  GetQueuedCompletionStatusExBlocking: {
    name: "GetQueuedCompletionStatusEx",
    parameters: ["pointer", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  SwitchToThread: { parameters: [], result: "i32" },
  CloseHandle: { parameters: ["pointer"], result: "i32" },
}).symbols;

/** Deno 2 has `setImmediate` (a turn of the event loop, as kernel32's polling phase takes) but does not declare it. */
const setImmediate = (globalThis as unknown as { setImmediate(callback: () => void): unknown }).setImmediate;

/** The bare byte pipes of deno.exe (bare_calls.ts, {@linkcode BarePipes}). */
export const barePipes: BarePipes<Deno.PointerValue> = barePipesOver(k32, {
  none: null,
  value: (handle) => Deno.UnsafePointer.value(handle),
  nextTurn: () => new Promise<void>((resolve) => setImmediate(resolve)),
});

/**
 * Puts an overlapped pipe handle on a completion port of its own, with no
 * packet for calls that complete at once
 * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), as the kernel32 layer does with
 * its one port; returns the port.
 */
export function attachToPort(handle: Deno.PointerValue): Deno.PointerValue {
  return barePipes.attachToPort(handle);
}
