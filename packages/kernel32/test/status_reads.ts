/**
 * Reading a status the kernel is storing, for the tests of both runtimes
 * (pure: no kernel32). A polling phase reads an OVERLAPPED's status while
 * another thread may be storing it; here that thread is a Worker storing
 * STATUS_PENDING and STATUS_SUCCESS in turn into shared memory, so that a
 * read made a byte at a time shows values that were never there
 * (docs/kernel32.md, "Reading a status the kernel is storing").
 *
 * @module
 */
import type { OverlappedRecord } from "../src/overlapped_pool.ts";
import { PendingOperation } from "../src/pending_operation.ts";

/** Stores 0x103 and 0 in turn into word 0 of the buffer it is sent, until word 7 is set. */
const STORER = `
onmessage = (event) => {
  const words = new Uint32Array(event.data);
  postMessage("started");
  for (let i = 0; Atomics.load(words, 7) === 0; i++) Atomics.store(words, 0, i & 1 ? 0 : 0x103);
  postMessage("stopped");
};
`;

/** Reads the status of an operation for `ms` milliseconds while a Worker stores it; returns how often each value was read. */
export async function statusReadsWhileStored(ms: number): Promise<Map<number, number>> {
  const shared = new SharedArrayBuffer(32);
  const words = new Uint32Array(shared);
  const record = { bytes: new Uint8Array(shared), words, address: 0x1000 };
  const op = new PendingOperation(record as unknown as OverlappedRecord, []);
  const url = URL.createObjectURL(new Blob([STORER], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  const message = () =>
    new Promise<void>((resolve) => worker.addEventListener("message", () => resolve(), { once: true }));
  try {
    const started = message();
    worker.postMessage(shared);
    await started;
    const seen = new Map<number, number>();
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 10_000; i++) {
        const status = op.storedStatus();
        seen.set(status, (seen.get(status) ?? 0) + 1);
      }
    }
    const stopped = message();
    Atomics.store(words, 7, 1);
    await stopped;
    return seen;
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}
