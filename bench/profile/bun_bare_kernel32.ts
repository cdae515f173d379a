/**
 * kernel32 for the Bun profiles that bypass winpipe (bun_bare_throughput.ts)
 * and the bench's bare peer (bench/peers/bare_peer.ts), bound with `bun:ffi` directly: the
 * byte pipes of the bare throughput ({@linkcode barePipes}), as
 * bare_kernel32.ts has them for Deno. Not winpipe's binding on purpose:
 * these scripts measure bun.exe's calls without its layers.
 *
 * @module
 */
import { dlopen, FFIType } from "bun:ffi";
import {
  BARE_PIPE_BUFFER,
  BareCalls,
  type BarePipes,
  FILE_FLAG_OVERLAPPED,
  FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
  GENERIC_RW,
  OPEN_EXISTING,
  PIPE_ACCESS_DUPLEX,
  PIPE_TYPE_BYTE,
  waitForClient,
  wide,
} from "./bare_calls.ts";

/** INVALID_HANDLE_VALUE as `FFIType.i64_fast` gives it. */
const INVALID_HANDLE_VALUE = -1;

const HANDLE = FFIType.i64_fast;
const k32 = dlopen("kernel32.dll", {
  CreateNamedPipeW: { args: ["ptr", "u32", "u32", "u32", "u32", "u32", "u32", "ptr"], returns: HANDLE },
  ConnectNamedPipe: { args: [HANDLE, "ptr"], returns: "i32" },
  CreateFileW: { args: ["ptr", "u32", "u32", "ptr", "u32", "u32", HANDLE], returns: HANDLE },
  CreateEventW: { args: ["ptr", "i32", "i32", "ptr"], returns: HANDLE },
  WaitForSingleObject: { args: [HANDLE, "u32"], returns: "u32" },
  ReadFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  WriteFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  GetLastError: { args: [], returns: "u32" },
  CreateIoCompletionPort: { args: [HANDLE, HANDLE, "u64", "u32"], returns: HANDLE },
  SetFileCompletionNotificationModes: { args: [HANDLE, "u8"], returns: "i32" },
  GetQueuedCompletionStatusEx: { args: [HANDLE, "ptr", "u32", "ptr", "u32", "i32"], returns: "i32" },
  SwitchToThread: { args: [], returns: "i32" },
  CloseHandle: { args: [HANDLE], returns: "i32" },
}).symbols;

/** A turn of the event loop as winpipe-bun's polling phase takes it: a MessageChannel message. */
const channel = new MessageChannel();
let turned: (() => void) | undefined;
channel.port1.onmessage = () => turned?.();
const nextTurn = () =>
  new Promise<void>((resolve) => {
    turned = resolve;
    channel.port2.postMessage(null);
  });

/** The bare byte pipes of bun.exe (bare_calls.ts, {@linkcode BarePipes}); a HANDLE is a number. */
export const barePipes: BarePipes<number> = {
  calls: (spin) => new BareCalls<number>(k32, spin ? undefined : nextTurn),
  createServer(name) {
    const handle = Number(
      k32.CreateNamedPipeW(
        wide(name),
        PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
        PIPE_TYPE_BYTE,
        1,
        BARE_PIPE_BUFFER,
        BARE_PIPE_BUFFER,
        0,
        null,
      ),
    );
    if (handle === INVALID_HANDLE_VALUE) throw new Error(`CreateNamedPipeW: Win32 error ${k32.GetLastError()}`);
    return handle;
  },
  waitForClient(handle) {
    const event = Number(k32.CreateEventW(null, 1, 0, null));
    waitForClient(k32, handle, event, BigInt(event));
    k32.CloseHandle(event);
  },
  async connect(name) {
    const deadline = performance.now() + 30_000;
    for (;;) {
      const handle = Number(
        k32.CreateFileW(wide(name), GENERIC_RW, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0),
      );
      if (handle !== INVALID_HANDLE_VALUE) return handle;
      if (performance.now() > deadline) throw new Error(`CreateFileW ${name}: Win32 error ${k32.GetLastError()}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  },
  /** Puts an overlapped pipe handle on a completion port of its own, as bare_kernel32.ts does. */
  attachToPort(handle) {
    const port = Number(k32.CreateIoCompletionPort(handle, 0, 0, 0));
    k32.SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    return port;
  },
  close: (handle) => void k32.CloseHandle(handle),
};
