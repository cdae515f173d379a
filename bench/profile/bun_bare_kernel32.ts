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
import { type BarePipes, barePipesOver } from "./bare_calls.ts";

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

/**
 * The bare byte pipes of bun.exe (bare_calls.ts, {@linkcode BarePipes}); a HANDLE is what `FFIType.i64_fast`
 * gives (a number; INVALID_HANDLE_VALUE is -1).
 */
export const barePipes: BarePipes<number | bigint> = barePipesOver<number | bigint>(k32, {
  none: 0,
  value: (handle) => BigInt.asUintN(64, BigInt(handle)),
  nextTurn: () =>
    new Promise<void>((resolve) => {
      turned = resolve;
      channel.port2.postMessage(null);
    }),
});
