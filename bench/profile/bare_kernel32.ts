/**
 * kernel32 for the profiles that bypass winpipe (deno_wait_strategies.ts,
 * deno_bare_throughput.ts): the calls they make, bound with `Deno.dlopen`
 * directly, the constants they pass, and a pipe handle's completion port
 * as the kernel32 layer sets it up. Not winpipe's binding on purpose: these
 * scripts measure deno.exe's calls without its layers.
 *
 * @module
 */

export const PIPE_ACCESS_DUPLEX = 3, FILE_FLAG_OVERLAPPED = 0x4000_0000;
export const PIPE_TYPE_BYTE = 0, PIPE_TYPE_MESSAGE = 4, PIPE_READMODE_MESSAGE = 2;
export const GENERIC_RW = 0xc000_0000, OPEN_EXISTING = 3;
export const ERROR_IO_PENDING = 997, ERROR_PIPE_CONNECTED = 535, ERROR_BROKEN_PIPE = 109;
export const STATUS_PENDING = 0x103, STATUS_PIPE_BROKEN = 0xc000_014b;
export const INVALID_HANDLE_VALUE = 0xffff_ffff_ffff_ffffn;
const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;

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

/** `s` as a NUL-terminated UTF-16 string. */
export const wide = (s: string): Uint16Array<ArrayBuffer> =>
  new Uint16Array([...s].map((c) => c.charCodeAt(0)).concat(0));

/**
 * Puts an overlapped pipe handle on a completion port of its own, with no
 * packet for calls that complete at once
 * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), as the kernel32 layer does with
 * its one port; returns the port.
 */
export function attachToPort(handle: Deno.PointerValue): Deno.PointerValue {
  const port = k32.CreateIoCompletionPort(handle, null, 0n, 0);
  k32.SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  return port;
}
