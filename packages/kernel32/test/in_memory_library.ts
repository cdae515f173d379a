/**
 * {@linkcode inMemoryLibrary}: a Win32Library held in memory, enough for
 * the kernel32 layer's anonymous pipes to read and write with no kernel
 * underneath: the tests that look at what the layer hands to ReadFile and
 * WriteFile (shared_memory_test.ts), and the harness that times the layer's
 * own JavaScript (bench/profile/layer_cost.ts). Each says what its
 * ReadFile and WriteFile do; the rest is the same for both.
 *
 * @module
 */
import { ERROR_IO_PENDING } from "@winpipe/core";
import type { Win32Library } from "../mod.ts";
import { OVERLAPPED_ENTRY_OVERLAPPED, OVERLAPPED_ENTRY_SIZE } from "../src/structs.ts";

// For the harness, which reaches this layer's structs through this file only.
export { OVERLAPPED_SIZE, STATUS_PENDING } from "../src/structs.ts";

/** What ReadFile and WriteFile do in the library. */
export interface InMemoryCalls {
  /**
   * A ReadFile or WriteFile of `length` bytes of `buffer`: returns its BOOL
   * (FALSE for ERROR_IO_PENDING, the only error there is) after storing
   * what the kernel would in the OVERLAPPED ({@linkcode storeOutcome}).
   */
  transfer(call: "ReadFile" | "WriteFile", buffer: Uint8Array, length: number, overlapped: Uint8Array): number;
  /** The completion packets queued (OVERLAPPED addresses), removed in order by GetQueuedCompletionStatusEx. */
  packets?: number[];
  /** Told of each view whose address the layer takes (the OVERLAPPED pool's records among them). */
  onAddress?(view: ArrayBufferView): void;
}

/** Addresses for the memory the layer hands over: one per ArrayBuffer, as if it never moved. */
const addresses = new WeakMap<ArrayBufferLike, number>();
let nextAddress = 0x10000;

/** The address the library gives `view`'s memory (stable for its ArrayBuffer). */
export function addressOf(view: ArrayBufferView): number {
  let address = addresses.get(view.buffer);
  if (address === undefined) addresses.set(view.buffer, address = nextAddress += 0x100000);
  return address + view.byteOffset;
}

/** Stores an outcome in `overlapped` as the kernel does: the byte count first, then the status. */
export function storeOutcome(overlapped: Uint8Array, length: number, status = 0): void {
  const words = new Uint32Array(overlapped.buffer, overlapped.byteOffset, 4);
  words[2] = length; // InternalHigh: the bytes transferred
  words[0] = status; // Internal: the NTSTATUS
}

/** A library whose ReadFile and WriteFile are `calls.transfer`; every other call succeeds. */
export function inMemoryLibrary(calls: InMemoryCalls): Win32Library {
  const packets = calls.packets ?? [];
  let nextHandle = 0x100;
  return {
    kernel32: {
      GetCurrentProcessId: () => 1,
      CreateIoCompletionPort: () => 0x50,
      SetFileCompletionNotificationModes: () => 1,
      CloseHandle: () => 1,
      SwitchToThread: () => 0,
      PostQueuedCompletionStatus: () => 1,
      GetLastError: () => ERROR_IO_PENDING,
      ReadFile: (_file: number, buffer: Uint8Array, length: number, _read: null, overlapped: Uint8Array) =>
        calls.transfer("ReadFile", buffer, length, overlapped),
      WriteFile: (_file: number, buffer: Uint8Array, length: number, _written: null, overlapped: Uint8Array) =>
        calls.transfer("WriteFile", buffer, length, overlapped),
      GetQueuedCompletionStatusEx: (_port: number, entries: Uint8Array, count: number, removed: Uint32Array) => {
        const view = new DataView(entries.buffer, entries.byteOffset);
        let i = 0;
        for (; i < count && packets.length > 0; i++) {
          view.setBigUint64(i * OVERLAPPED_ENTRY_SIZE + OVERLAPPED_ENTRY_OVERLAPPED, BigInt(packets.shift()!), true);
        }
        removed[0] = i;
        return i > 0 ? 1 : 0;
      },
    },
    ntdll: {
      // The anonymous pipe's two ends (anonymous_pipe.ts), each a new handle value.
      NtCreateNamedPipeFile: (out: BigUint64Array) => (out[0] = BigInt(nextHandle += 4), 0),
      NtOpenFile: (out: BigUint64Array) => (out[0] = BigInt(nextHandle += 4), 0),
      RtlNtStatusToDosError: () => 0,
    },
    advapi32: {},
    offThread: () => new Promise(() => {}), // never called: every completion shows in memory
    offThreadSlots: 1,
    addressOf: (view: ArrayBufferView) => {
      calls.onAddress?.(view);
      return addressOf(view);
    },
    eventLoopTurn: "Bun" in globalThis ? "MessageChannel" : "setImmediate",
    unrefTimer: () => {},
  } as unknown as Win32Library;
}
