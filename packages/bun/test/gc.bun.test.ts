/**
 * Memory the kernel writes after a call has returned stays alive and in
 * place: operations of every kind are left pending with buffers the test
 * itself does not keep (the OVERLAPPED, the data buffer, the
 * FSCTL_PIPE_WAIT request, the IO_STATUS_BLOCK and buffers of calls running
 * in workers), `Bun.gc(true)` runs several times with garbage allocated in
 * between, and then every operation completes with the right result and
 * the process keeps working (a kernel write into freed memory corrupts the
 * heap and crashes Bun within a few collections; measured with a closure
 * that only kept its buffers with `void`).
 *
 * @module
 */
import { expect } from "bun:test";
import {
  GENERIC_READ,
  GENERIC_WRITE,
  Kernel32,
  type Kernel32Handle,
  NMPWAIT_WAIT_FOREVER,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
} from "../mod.ts";
import { delay, PENDING_DELAY_MS, uniqueName, windowsRegister } from "./util.ts";
import type { ReadData } from "@winpipe/core";

const k = new Kernel32();

function server(name: string, pipeMode = PIPE_TYPE_BYTE, bufferSize = 4096, maxInstances = 1): Kernel32Handle {
  return k.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_DUPLEX,
    pipeMode,
    maxInstances,
    outBufferSize: bufferSize,
    inBufferSize: bufferSize,
    defaultTimeout: 0,
    inheritable: false,
  });
}

function client(name: string): Kernel32Handle {
  return k.openPipe({ name, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, inheritable: false });
}

/**
 * Collects garbage several times, with allocations of typed arrays in
 * between. The arrays allocated after each collection are kept as canaries:
 * backed by ArrayBuffers of the sizes the backend's buffers have, they are
 * likely to reuse memory just freed, so a kernel write into freed memory
 * shows up as a changed byte in one of them.
 */
async function churn(canaries: Uint8Array[]): Promise<void> {
  for (let i = 0; i < 5; i++) {
    let junk: Uint8Array[] = [];
    for (let j = 0; j < 2000; j++) junk.push(new Uint8Array(new ArrayBuffer(8 + (j % 32))).fill(0xee));
    junk = [];
    Bun.gc(true);
    for (let j = 0; j < 2000; j++) canaries.push(new Uint8Array(new ArrayBuffer(8 + (j % 32))).fill(0xee));
    await delay(5);
  }
}

/** What a read delivered: its bytes and completeness. */
function contentOf(result: ReadData): { bytes: Uint8Array; messageComplete: boolean } {
  return { bytes: result.bytes, messageComplete: result.messageComplete };
}

windowsRegister(
  "gc: Bun.gc(true) while reads, writes, connects, waits, transactions and flushes are pending",
  async () => {
    const handles: Kernel32Handle[] = [];
    const track = <H extends Kernel32Handle>(h: H) => (handles.push(h), h);
    const checks: Promise<void>[] = [];

    // 40 reads into small buffers the backend owns.
    const readPairs = Array.from({ length: 40 }, () => {
      const name = uniqueName("gc-read");
      return [track(server(name)), track(client(name))] as const;
    });
    const reads = readPairs.map(([s]) => k.read(s, 8));

    // A write larger than the pipe holds, from an array nobody else references.
    const wName = uniqueName("gc-write");
    const [ws, wc] = [track(server(wName, PIPE_TYPE_BYTE, 512)), track(client(wName))];
    const writing = k.write(wc, new Uint8Array(4096).fill(0x5a));

    // A pending ConnectNamedPipe, a pending WaitNamedPipe (FSCTL_PIPE_WAIT request buffer).
    const cName = uniqueName("gc-connect");
    const cs = track(server(cName));
    const connecting = k.connect(cs);
    const busyName = uniqueName("gc-busy");
    const [bs, bc] = [track(server(busyName, PIPE_TYPE_BYTE, 4096, 2)), track(client(busyName))];
    const waiting = k.waitNamedPipe(busyName, NMPWAIT_WAIT_FOREVER);

    // A pending TransactNamedPipe (request and reply buffers).
    const tName = uniqueName("gc-transact");
    const ts = track(server(tName, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE));
    const tc = track(client(tName));
    k.setState(tc, PIPE_READMODE_MESSAGE);
    const transacting = k.transact(tc, new Uint8Array([1, 2, 3]), 16);

    // A flush and a synchronous-handle read, both running in pool workers (IO_STATUS_BLOCK, buffer).
    const fName = uniqueName("gc-flush");
    const [fs, fc] = [track(server(fName)), track(client(fName))];
    await k.write(fc, new Uint8Array([7, 7]));
    const flushing = k.flush(fc);
    const sync = k.createPipe(0, true, true);
    track(sync.read);
    track(sync.write);
    const syncReading = k.read(sync.read, 8);

    await delay(PENDING_DELAY_MS);
    const canaries: Uint8Array[] = [];
    await churn(canaries);

    // Complete everything.
    readPairs.forEach(([, c], i) => checks.push(k.write(c, new Uint8Array([i, i + 1, i + 2])).then(() => {})));
    for (const [i, reading] of reads.entries()) {
      expect(contentOf(await reading)).toEqual({ bytes: new Uint8Array([i, i + 1, i + 2]), messageComplete: true });
    }
    let drained = 0;
    while (drained < 4096) {
      const { bytes } = await k.read(ws, 1024);
      expect(bytes.every((b) => b === 0x5a)).toBe(true);
      drained += bytes.length;
    }
    expect(await writing).toBe(4096);
    const cc = track(client(cName));
    await connecting;
    track(server(busyName, PIPE_TYPE_BYTE, 4096, 2)); // a second instance listens: the wait ends
    await waiting;
    expect([...(await k.read(ts, 16)).bytes]).toEqual([1, 2, 3]);
    await k.write(ts, new Uint8Array([4, 5]));
    expect(contentOf(await transacting)).toEqual({ bytes: new Uint8Array([4, 5]), messageComplete: true });
    await k.read(fs, 2);
    await flushing;
    await k.write(sync.write, new Uint8Array([9]));
    expect(contentOf(await syncReading)).toEqual({ bytes: new Uint8Array([9]), messageComplete: true });
    await Promise.all(checks);
    void cc;
    void bs;
    void bc;

    // No completion wrote into memory that had been freed and reused.
    expect(canaries.every((canary) => canary.every((b) => b === 0xee))).toBe(true);

    // The heap is sound: more collections and more I/O.
    await churn([]);
    const { read, write } = k.createPipe(0, false, false);
    const again = k.read(read, 4);
    Bun.gc(true);
    await k.write(write, new Uint8Array([1, 2, 3, 4]));
    expect(contentOf(await again)).toEqual({ bytes: new Uint8Array([1, 2, 3, 4]), messageComplete: true });
    k.close(read);
    k.close(write);
    for (const h of handles) k.close(h);
    expect(k.liveHandles()).toBe(0);
  },
);
