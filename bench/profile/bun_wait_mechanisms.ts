/**
 * The candidates for how a Bun program learns that an overlapped pipe
 * operation completed (Bun's FFI has no `nonblocking` option and the event
 * loop must never block), measured in one run so that their ratios can be
 * compared (docs/bun-backend.md):
 *
 * - (a1) request: a Worker blocks in GetQueuedCompletionStatusEx on the
 *   process's completion port, one wait per request message, and posts the
 *   completions back (the backend's choice);
 * - (a2) stream: the same Worker waits again at once after each batch
 *   (stopped by a packet posted with PostQueuedCompletionStatus);
 * - (a3) atomics: as (a2), reporting through a SharedArrayBuffer with
 *   `Atomics.notify`, the main thread waiting with `Atomics.waitAsync`;
 * - (b) callback: BindIoCompletionCallback with a `JSCallback` created
 *   `threadsafe: true` (Windows' thread pool calls it; Bun runs it on the
 *   main thread), a ref'd timer keeping the process alive while an
 *   operation is pending.
 *
 * Workloads: a hop (a ReadFile pends, a WriteFile on the other end
 * completes it, the completion comes through the mechanism; µs per hop);
 * a burst (200 reads pend, 200 writes complete them; µs per completion);
 * the first hop of a fresh mechanism (ms; a Worker has to start).
 *
 * Run under the Wine test bed (the argument is the number of rounds):
 *   bash scripts/wine/run.sh -- bun bench/profile/bun_wait_mechanisms.ts 3
 *
 * @module
 */
import { dlopen, FFIType, JSCallback, ptr } from "bun:ffi";
import { ERROR_IO_PENDING, wide } from "./bare_calls.ts";

const HANDLE = FFIType.i64_fast;
const k = dlopen("kernel32.dll", {
  CreateNamedPipeW: { args: ["ptr", "u32", "u32", "u32", "u32", "u32", "u32", "ptr"], returns: HANDLE },
  CreateFileW: { args: ["ptr", "u32", "u32", "ptr", "u32", "u32", HANDLE], returns: HANDLE },
  CloseHandle: { args: [HANDLE], returns: "i32" },
  ReadFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  WriteFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  GetLastError: { args: [], returns: "u32" },
  CreateIoCompletionPort: { args: [HANDLE, HANDLE, "u64", "u32"], returns: HANDLE },
  SetFileCompletionNotificationModes: { args: [HANDLE, "u8"], returns: "i32" },
  PostQueuedCompletionStatus: { args: [HANDLE, "u32", "u64", "ptr"], returns: "i32" },
  BindIoCompletionCallback: { args: [HANDLE, "ptr", "u32"], returns: "i32" },
}).symbols;

/** A duplex byte pipe, both ends overlapped; associated with `bind`. */
function pair(bind: (handle: number) => void): [number, number] {
  const name = wide(`\\\\.\\pipe\\winpipe-bun-mechanisms-${crypto.randomUUID()}`);
  const server = Number(k.CreateNamedPipeW(name, 3 | 0x40000000, 0, 1, 4096, 4096, 0, null));
  const client = Number(k.CreateFileW(name, 0xc0000000, 0, null, 3, 0x40000000, 0));
  if (server === -1 || client === -1) throw new Error(`pipe: error ${k.GetLastError()}`);
  for (const h of [server, client]) {
    bind(h);
    k.SetFileCompletionNotificationModes(h, 3); // no packet for I/O that completes at once
  }
  return [server, client];
}

/** A mechanism: binds handles, and resolves `wait(address)` when the OVERLAPPED at address completed. */
interface Mechanism {
  bind(handle: number): void;
  wait(address: number): Promise<void>;
  close(): void;
}

/** Pending waits by OVERLAPPED address. */
class Waiters {
  readonly map = new Map<number, () => void>();
  wait(address: number): Promise<void> {
    return new Promise((resolve) => this.map.set(address, resolve));
  }
  settle(address: number): void {
    const resolve = this.map.get(address);
    this.map.delete(address);
    resolve?.();
  }
}

async function workerMechanism(mode: "request" | "stream" | "atomics"): Promise<Mechanism> {
  const port = Number(k.CreateIoCompletionPort(-1, 0, 0n, 1));
  const worker = new Worker(new URL("./bun_wait_mechanisms_worker.ts", import.meta.url).href);
  const sab = new SharedArrayBuffer(8 + 1024 * 8);
  const counter = new Int32Array(sab, 0, 2);
  const slots = new BigInt64Array(sab, 8, 1024);
  await new Promise((resolve) => {
    worker.onmessage = resolve;
    worker.postMessage({ port, mode, sab });
  });
  const waiters = new Waiters();
  let outstanding = false;
  worker.onmessage = (event: MessageEvent<number[]>) => {
    outstanding = false;
    for (const address of event.data) waiters.settle(address);
    if (mode === "request" && waiters.map.size > 0) {
      outstanding = true;
      worker.postMessage(0);
    }
  };
  let seen = 0;
  const watch = async () => {
    while (waiters.map.size > 0) {
      const value = Atomics.load(counter, 0);
      if (value === seen) {
        const result = Atomics.waitAsync(counter, 0, value);
        if (result.async) await result.value;
        continue;
      }
      for (let i = seen; i < value; i++) waiters.settle(Number(Atomics.load(slots, i % 1024)));
      seen = value;
    }
  };
  return {
    bind: (handle) => void k.CreateIoCompletionPort(handle, port, 0n, 0),
    wait(address) {
      const done = waiters.wait(address);
      if (mode === "request" && !outstanding) {
        outstanding = true;
        worker.postMessage(0);
      }
      if (mode === "atomics" && waiters.map.size === 1) void watch();
      return done;
    },
    close() {
      if (mode !== "request") k.PostQueuedCompletionStatus(port, 0, 1n, null);
      worker.terminate();
      k.CloseHandle(port);
    },
  };
}

function callbackMechanism(): Mechanism {
  const waiters = new Waiters();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const callback = new JSCallback((_code: number, _bytes: number, overlapped: number) => {
    waiters.settle(Number(overlapped));
    if (waiters.map.size === 0 && keepAlive !== undefined) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
  }, { args: ["u32", "u32", "ptr"], returns: "void", threadsafe: true });
  return {
    bind(handle) {
      if (!k.BindIoCompletionCallback(handle, callback.ptr!, 0)) throw new Error(`bind: ${k.GetLastError()}`);
    },
    wait(address) {
      keepAlive ??= setInterval(() => {}, 1 << 30);
      return waiters.wait(address);
    },
    close() {
      if (keepAlive !== undefined) clearInterval(keepAlive);
      // The callback stays: the thread pool may still hold its pointer.
    },
  };
}

const one = new Uint8Array(new ArrayBuffer(1)).fill(1);

/** µs per hop: a read pends, a write completes it, its completion comes through `m`. */
async function hops(m: Mechanism, rounds: number): Promise<number> {
  const [server, client] = pair((h) => m.bind(h));
  const buf = new Uint8Array(new ArrayBuffer(1));
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const overlapped = new Uint8Array(new ArrayBuffer(32));
    if (k.ReadFile(server, buf, 1, null, overlapped) || k.GetLastError() !== ERROR_IO_PENDING) {
      throw new Error("the read did not pend");
    }
    const done = m.wait(ptr(overlapped));
    k.WriteFile(client, one, 1, null, new Uint8Array(new ArrayBuffer(32)));
    await done;
  }
  const micros = (performance.now() - started) * 1000 / rounds;
  k.CloseHandle(server);
  k.CloseHandle(client);
  return micros;
}

/** µs per completion: 200 reads pend, 200 writes complete them, `rounds` times. */
async function burst(m: Mechanism, rounds: number): Promise<number> {
  const pipes = Array.from({ length: 200 }, () => pair((h) => m.bind(h)));
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    const keep: Uint8Array[] = [];
    const done = pipes.map(([server]) => {
      const overlapped = new Uint8Array(new ArrayBuffer(32));
      const buf = new Uint8Array(new ArrayBuffer(8));
      keep.push(overlapped, buf);
      if (k.ReadFile(server, buf, 8, null, overlapped) || k.GetLastError() !== ERROR_IO_PENDING) {
        throw new Error("the read did not pend");
      }
      return m.wait(ptr(overlapped));
    });
    for (const [, client] of pipes) k.WriteFile(client, one, 1, null, new Uint8Array(new ArrayBuffer(32)));
    await Promise.all(done);
    keep.length = 0;
  }
  const micros = (performance.now() - started) * 1000 / (rounds * pipes.length);
  for (const [s, c] of pipes) k.CloseHandle(s), k.CloseHandle(c);
  return micros;
}

const CANDIDATES: [string, () => Mechanism | Promise<Mechanism>][] = [
  ["(a1) worker, one GetQueuedCompletionStatusEx per request (chosen)", () => workerMechanism("request")],
  ["(a2) worker, waiting again at once (streaming)", () => workerMechanism("stream")],
  ["(a3) worker + SharedArrayBuffer + Atomics.waitAsync", () => workerMechanism("atomics")],
  ["(b) BindIoCompletionCallback + threadsafe JSCallback", () => callbackMechanism()],
];

const rounds = Number(process.argv[2] ?? 3);
const results = new Map<string, { first: number[]; hop: number[]; burst: number[] }>();
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round, so that drift on a shared machine hits every candidate alike.
  for (let j = 0; j < CANDIDATES.length; j++) {
    const [label, make] = CANDIDATES[(j + round) % CANDIDATES.length];
    if (process.env.VERBOSE) console.log(`round ${round}: ${label}`);
    const entry = results.get(label) ?? { first: [], hop: [], burst: [] };
    results.set(label, entry);
    const started = performance.now();
    const m = await make();
    await hops(m, 1);
    entry.first.push(performance.now() - started);
    if (process.env.VERBOSE) console.log("  first hop done");
    entry.hop.push(await hops(m, 2000));
    if (process.env.VERBOSE) console.log("  hops done");
    entry.burst.push(await burst(m, 20));
    m.close();
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`Bun ${Bun.version}, ${rounds} rounds; medians (all values)`);
for (const [label, { first, hop, burst }] of results) {
  const all = (values: number[]) => values.map((v) => v.toFixed(0)).join("/");
  console.log(
    `${label}\n  hop ${median(hop).toFixed(0)} µs (${all(hop)}); burst ${median(burst).toFixed(1)} µs/completion ` +
      `(${burst.map((v) => v.toFixed(1)).join("/")}); first hop ${median(first).toFixed(0)} ms (${all(first)})`,
  );
}
process.exit(0);
