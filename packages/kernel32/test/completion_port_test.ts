// How often a polling phase asks the completion port, against a fake port (no kernel32): a kernel
// may store a completion's status before its packet can be removed (Wine) or only when it is
// removed (Windows can finish the request in the thread that dequeues it). Windows is not
// reachable here, so its case is this fake; the kernel32 suites run Wine's for real.
import assert from "node:assert/strict";
import { afterThisTask } from "@winpipe/core/internal";
import type { Win32Library } from "../src/binding.ts";
import { CompletionPort } from "../src/completion_port.ts";
import { OverlappedPool } from "../src/overlapped_pool.ts";
import { PendingOperation } from "../src/pending_operation.ts";
import { OVERLAPPED_ENTRY_OVERLAPPED, OVERLAPPED_ENTRY_SIZE } from "../src/structs.ts";

/** A completion port in memory that counts the calls a polling phase makes. */
class FakePort {
  /** Packets queued: the OVERLAPPED of each. */
  readonly #queue: Uint8Array[] = [];
  /** Whether the kernel stores the status before the packet can be removed (Wine), or when it is removed. */
  storesStatusEarly: boolean;
  /** GetQueuedCompletionStatusEx calls. */
  asks = 0;
  /** The ulCount of each GetQueuedCompletionStatusEx call, in order. */
  readonly counts: number[] = [];
  /** Turns that found nothing to ask about (each ends with SwitchToThread). */
  idleTurns = 0;
  #nextAddress = 0x10000;
  readonly #byAddress = new Map<number, Uint8Array>();

  constructor(storesStatusEarly: boolean) {
    this.storesStatusEarly = storesStatusEarly;
  }

  /** The kernel completes the operation whose OVERLAPPED is `overlapped` (success); `queued: false` holds its packet back. */
  complete(overlapped: Uint8Array, queued = true): void {
    if (this.storesStatusEarly) overlapped.fill(0, 0, 4);
    if (queued) this.#queue.push(overlapped);
  }

  /** Packets queued and not removed yet. */
  get queued(): number {
    return this.#queue.length;
  }

  /** OVERLAPPEDs made so far (each gets its address once). */
  get records(): number {
    return this.#byAddress.size;
  }

  /** Queues the packet `complete` held back. */
  queue(overlapped: Uint8Array): void {
    this.#queue.push(overlapped);
  }

  readonly lib = {
    kernel32: {
      CreateIoCompletionPort: () => 1,
      SwitchToThread: () => {
        this.idleTurns++;
        return 0;
      },
      GetQueuedCompletionStatusEx: (_port: number, entries: Uint8Array, count: number, removed: Uint32Array) => {
        this.asks++;
        this.counts.push(count);
        const view = new DataView(entries.buffer, entries.byteOffset);
        let i = 0;
        for (const overlapped of this.#queue.splice(0, count)) {
          overlapped.fill(0, 0, 4); // stored now, if not before

          const address = [...this.#byAddress].find(([, bytes]) => bytes === overlapped)![0];
          view.setBigUint64(i * OVERLAPPED_ENTRY_SIZE + OVERLAPPED_ENTRY_OVERLAPPED, BigInt(address), true);
          i++;
        }
        removed[0] = i;
        return i > 0 ? 1 : 0;
      },
    },
    offThread: () => {
      throw new Error("the phases of this test never hand the wait to the waiter");
    },
    addressOf: (view: ArrayBufferView) => {
      const address = this.#nextAddress += 0x40;
      this.#byAddress.set(address, view as Uint8Array);
      return address;
    },
    eventLoopTurn: "setImmediate",
    unrefTimer: () => {},
  } as unknown as Win32Library;
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => afterThisTask(resolve));
};

/** A port over `fake` with its pool, whose polling phases last as long as anything is pending. */
function portAndPool(fake: FakePort) {
  const pool = new OverlappedPool(fake.lib.addressOf);
  const port = new CompletionPort(fake.lib, pool);
  port.configure({ windowMicros: 60_000_000 });
  return { pool, port };
}

/**
 * An operation from `pool` that pends on `port` and completes after two turns, with `information`
 * bytes transferred (the byte count stored before the status, as a kernel does); `queued: false`
 * holds its packet back. `done` settles when the port has seen the completion.
 */
async function pendThenComplete(
  fake: FakePort,
  { pool, port }: ReturnType<typeof portAndPool>,
  { information = 0, queued = true } = {},
) {
  const op = new PendingOperation(pool.take(), []);
  const done = port.wait(op);
  await turns(2);
  new DataView(op.overlapped.buffer).setUint32(8, information, true);
  fake.complete(op.overlapped, queued);
  return { op, done };
}

/** A port over `fake` whose polling phases last as long as anything is pending. */
function portOver(fake: FakePort) {
  const { pool, port } = portAndPool(fake);
  /** One operation: pends, completes after `after` turns; resolves with the idle turns between its completion and its settling. */
  const operation = async (after: number) => {
    const op = new PendingOperation(pool.take(), []);
    const done = port.wait(op);
    await turns(after);
    fake.complete(op.overlapped);
    const idleBefore = fake.idleTurns;
    await done;
    return fake.idleTurns - idleBefore;
  };
  return operation;
}

Deno.test("a kernel that stores the status only when the packet is removed is asked at least every 4th turn", async () => {
  const fake = new FakePort(false);
  const operation = portOver(fake);
  const late: number[] = [];
  for (let i = 0; i < 20; i++) late.push(await operation(5 + (i % 7)));
  assert.ok(Math.max(...late) <= 3, `idle turns between a completion and its settling: ${late}`);
});

Deno.test("a kernel whose completions show in memory first is asked blind only every 64th turn", async () => {
  const fake = new FakePort(true);
  const operation = portOver(fake);
  for (let i = 0; i < 3; i++) assert.equal(await operation(3), 0); // each seen in memory at its next turn
  const asksBefore = fake.asks;
  await operation(150);
  // One in its first idle turn, which removes the packet of the operation before (settled from memory), and
  // two blind asks in about 150 turns (the 64th and the 128th of the phase, which began with the three
  // operations before, a dozen turns earlier); none for the completion itself.
  assert.equal(fake.asks - asksBefore, 3);
});

Deno.test("a loop of operations stays in one polling phase, which asks for exactly the one packet each owes", async () => {
  const fake = new FakePort(true);
  const operation = portOver(fake);
  for (let i = 0; i < 40; i++) assert.equal(await operation(2), 0); // each seen in memory at its next turn
  const exact = fake.counts.filter((count) => count === 1).length;
  const blind = fake.counts.filter((count) => count === 64).length;
  assert.equal(exact + blind, fake.asks, `the counts asked for: ${fake.counts}`);
  // Each operation after the first asks once for the packet of the one before (unless a blind ask removes it).
  assert.ok(exact >= 36 && exact <= 39, `asks for the one packet owed: ${exact}`);
  // About 120 turns in all: the blind ask of the 64th turn comes only if the phase outlived the operations.
  assert.ok(blind >= 1, `blind asks: ${blind}`);
});

Deno.test("a completion that shows in memory is settled without asking; its OVERLAPPED is reused only after the next phase removed its packet", async () => {
  const fake = new FakePort(true);
  const ported = portAndPool(fake);
  const { pool, port } = ported;
  const { op, done } = await pendThenComplete(fake, ported, { information: 64 });
  const asksBefore = fake.asks;
  const settled = await done;
  assert.equal(fake.asks, asksBefore, "the port was asked before the operation settled");
  assert.deepEqual([settled.status, settled.information], [0, 64]);
  // Its packet is still in the port: a new operation must not get its OVERLAPPED.
  const next = new PendingOperation(pool.take(), []);
  assert.notEqual(next.record, op.record);
  const nextDone = port.wait(next);
  await turns(3); // the phase's first idle turn since then removes the packet
  assert.equal(fake.asks, asksBefore + 1);
  fake.complete(next.overlapped);
  await nextDone;
  assert.equal(pool.take(), op.record, "the OVERLAPPED whose packet was removed went back to the pool");
});

Deno.test("a phase asks once for a packet owed that the kernel has not queued yet, not turn after turn", async () => {
  const fake = new FakePort(true);
  const ported = portAndPool(fake);
  const { pool, port } = ported;
  const { op, done } = await pendThenComplete(fake, ported, { queued: false }); // the packet comes later
  await done;
  const asksBefore = fake.asks;
  const next = new PendingOperation(pool.take(), []);
  const nextDone = port.wait(next);
  await turns(40);
  assert.equal(fake.asks - asksBefore, 1, "asks in 40 turns of a phase that owed one packet");
  fake.queue(op.overlapped);
  fake.complete(next.overlapped);
  await nextDone;
  const third = new PendingOperation(pool.take(), []);
  const thirdDone = port.wait(third);
  await turns(3); // this phase's first idle turn removes both packets owed
  fake.complete(third.overlapped);
  await thirdDone;
  const free = new Set([pool.take(), pool.take()]);
  assert.ok(free.has(op.record) && free.has(next.record), "both OVERLAPPEDs went back once their packets were removed");
});

Deno.test("a completion that only a blind ask found brings back asking every 4th turn", async () => {
  const fake = new FakePort(true);
  const operation = portOver(fake);
  assert.equal(await operation(3), 0);
  fake.storesStatusEarly = false;
  const first = await operation(1); // found by the blind ask of the 64th turn
  assert.ok(first > 3 && first < 64, `idle turns before the first late one was found: ${first}`);
  const late: number[] = [];
  for (let i = 0; i < 5; i++) late.push(await operation(5 + i));
  assert.ok(Math.max(...late) <= 3, `idle turns between a completion and its settling: ${late}`);
});

Deno.test("packets owed are removed, and their OVERLAPPEDs reused, while every turn settles a completion from memory", async () => {
  const fake = new FakePort(true);
  const operation = portOver(fake);
  // Each operation completes before the turn after it pended, so every turn of the phase shows one in memory.
  for (let i = 0; i < 500; i++) assert.equal(await operation(0), 0);
  // Owed packets are asked for once 32 are owed: the port never holds many, and the pool gets their OVERLAPPEDs back.
  assert.ok(fake.queued <= 32, `packets still in the port after 500 operations: ${fake.queued}`);
  assert.ok(fake.records <= 66, `OVERLAPPEDs made for 500 operations: ${fake.records}`);
});
