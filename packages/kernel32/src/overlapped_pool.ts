/**
 * {@linkcode OverlappedPool}: the OVERLAPPEDs of overlapped calls, kept for
 * reuse once the kernel is done with them. A fresh one per call is an
 * ArrayBuffer per call, and that is most of what the kernel32 layer added
 * to a call that completes at once: about 8 µs in deno.exe under Wine, where
 * the call itself costs 35–45 (docs/benchmarks.md, "Reused OVERLAPPEDs and fewer
 * blind asks").
 * When the kernel is done with one, and why only then: docs/kernel32.md
 * ("Memory the kernel writes later").
 *
 * @module
 */
import { OVERLAPPED_SIZE, struct } from "./structs.ts";

/** One OVERLAPPED, in an ArrayBuffer of its own, and its address. */
export interface OverlappedRecord {
  /** Internal, InternalHigh, Offset, OffsetHigh, hEvent (x64: 32 bytes). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /**
   * The same memory as 32-bit words, so that the status the kernel stores
   * while JavaScript may be reading it is read in one load
   * (pending_operation.ts says why).
   */
  readonly words: Uint32Array<ArrayBuffer>;
  /** The address of `bytes`: what a completion packet names. */
  readonly address: number;
}

/** Free records kept; more are left to the garbage collector. */
const KEPT = 64;

/**
 * Free OVERLAPPEDs. A record is in the pool only while no operation uses it
 * and the kernel will neither write it nor name it in a completion packet.
 *
 * @example
 * ```ts
 * import { OverlappedPool } from "./overlapped_pool.ts";
 * const pool = new OverlappedPool(() => 0x1000); // a binding's addressOf
 * const record = pool.take(); // 32 zero bytes
 * pool.give(record); // the kernel is done with it
 * pool.take() === record; // true
 * ```
 */
export class OverlappedPool {
  readonly #free: OverlappedRecord[] = [];
  readonly #addressOf: (view: ArrayBufferView) => number;

  constructor(addressOf: (view: ArrayBufferView) => number) {
    this.#addressOf = addressOf;
  }

  /** A record whose 32 bytes are zero (hEvent NULL, Offset 0). */
  take(): OverlappedRecord {
    const reused = this.#free.pop();
    if (reused === undefined) {
      const bytes = struct(OVERLAPPED_SIZE);
      return { bytes, words: new Uint32Array(bytes.buffer), address: this.#addressOf(bytes) };
    }
    reused.bytes.fill(0);
    return reused;
  }

  /** Gives `record` back: the kernel is done with it and no packet will name it. */
  give(record: OverlappedRecord): void {
    if (this.#free.length < KEPT) this.#free.push(record);
  }
}
