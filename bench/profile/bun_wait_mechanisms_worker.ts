/**
 * The worker of bun_wait_mechanisms.ts: waits on an I/O completion port with
 * GetQueuedCompletionStatusEx and reports completions to the main thread,
 * in one of three ways (the candidates of docs/bun-backend.md):
 *
 * - `request`: one wait per request message, the removed OVERLAPPED
 *   addresses posted back (what the backend does);
 * - `stream`: waits again at once after posting each batch, until a packet
 *   with completion key 1 (the stop packet) arrives;
 * - `atomics`: as `stream`, but reports by bumping a counter in a
 *   SharedArrayBuffer and `Atomics.notify` (the main thread waits with
 *   `Atomics.waitAsync`).
 *
 * @module
 */
import { dlopen, FFIType } from "bun:ffi";

declare const self: Worker;

const k = dlopen("kernel32.dll", {
  GetQueuedCompletionStatusEx: { args: [FFIType.i64_fast, "ptr", "u32", "ptr", "u32", "i32"], returns: "i32" },
}).symbols;
const entries = new Uint8Array(new ArrayBuffer(64 * 32));
const view = new DataView(entries.buffer);
const removed = new Uint32Array(new ArrayBuffer(4));

/** Waits once; returns the OVERLAPPED addresses removed and whether the stop packet was among them. */
function waitOnce(port: number): { addresses: number[]; stop: boolean } {
  k.GetQueuedCompletionStatusEx(port, entries, 64, removed, 0xffffffff, 0);
  const addresses: number[] = [];
  let stop = false;
  for (let i = 0; i < removed[0]; i++) {
    if (view.getBigUint64(i * 32, true) === 1n) stop = true;
    else addresses.push(Number(view.getBigUint64(i * 32 + 8, true)));
  }
  return { addresses, stop };
}

let port = 0;
let mode = "request";
let counter: Int32Array | undefined;
let slots: BigInt64Array | undefined;

self.onmessage = (event: MessageEvent) => {
  const data = event.data as { port?: number; mode?: string; sab?: SharedArrayBuffer } | number;
  if (typeof data === "object") {
    port = data.port!;
    mode = data.mode!;
    if (data.sab) {
      counter = new Int32Array(data.sab, 0, 2);
      slots = new BigInt64Array(data.sab, 8, 1024);
    }
    self.postMessage("ready");
    if (mode === "request") return;
    for (;;) {
      const { addresses, stop } = waitOnce(port);
      if (mode === "stream") {
        if (addresses.length) self.postMessage(addresses);
      } else {
        // Completion i goes to slot i % 1024 (more than a burst of this bench has in flight).
        const base = Atomics.load(counter!, 0);
        addresses.forEach((address, i) => Atomics.store(slots!, (base + i) % 1024, BigInt(address)));
        Atomics.add(counter!, 0, addresses.length);
        Atomics.notify(counter!, 0);
      }
      if (stop) return;
    }
  }
  self.postMessage(waitOnce(port).addresses);
};
