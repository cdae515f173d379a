/**
 * Backpressure: a large transfer to a deliberately slow reader keeps the
 * writing side's memory bounded.
 *
 * @module
 */
import assert from "node:assert/strict";
import { scenario, type StreamsSuite, tick } from "./helpers.ts";

const MiB = 1024 * 1024;
/** The transfer size, unless the backend asks for another (StreamsBackend.backpressureBytes). */
const DEFAULT_TOTAL = 64 * MiB;
/** The producer's chunk size. */
const CHUNK = 64 * 1024;
/** The pipe's buffer (CreatePipe nSize). */
const BUFFER = 64 * 1024;
/** The slow reader's BYOB buffer. */
const READ = 16 * 1024;
/** The slow reader yields to the event loop (a timer) after this many reads. */
const READS_PER_PAUSE = 4;
/** The writable's high-water mark (the default): chunks queued, the one being written included. */
const HIGH_WATER_MARK = 1;
/** The writable's writesInFlight (the default): WriteFiles pending in the kernel after their write resolved. */
const WRITES_IN_FLIGHT = 2;
/** The writable's gatherLimit (the default): the most bytes one WriteFile gathers while both are pending. */
const GATHER_LIMIT = 256 * 1024;
/**
 * What may be outstanding on the writing side, in bytes: produced by the
 * producer and not yet returned by a read. That is the stream's queue (at
 * most HIGH_WATER_MARK chunks, the one being written included), the writes
 * pending in the kernel (WRITES_IN_FLIGHT of them, each a gather of up to
 * GATHER_LIMIT, part of them already in the pipe's buffer), the gather being
 * filled, the pipe's buffer, and the bytes a pending ReadFile already holds
 * in the reader's buffer but that the reader has not seen yet (one READ).
 */
const BOUND = HIGH_WATER_MARK * CHUNK + (WRITES_IN_FLIGHT + 1) * GATHER_LIMIT + BUFFER + READ;

/** The byte every position of chunk `i` holds. */
const fillOf = (i: number) => (i * 7 + 1) & 0xff;

/** Registers the backpressure suite. */
export function backpressureTests(suite: StreamsSuite): void {
  const TOTAL = suite.backend.backpressureBytes ?? DEFAULT_TOTAL;
  if (TOTAL % CHUNK !== 0 || TOTAL < 4 * CHUNK) {
    throw new RangeError(`backpressureBytes must be a multiple of ${CHUNK} of at least ${4 * CHUNK}: got ${TOTAL}`);
  }
  scenario(
    suite,
    `backpressure: ${TOTAL / MiB} MiB to a slow reader keep at most ${BOUND} bytes outstanding on the writing side`,
    async (ctx) => {
      using pipe = ctx.pipes.createPipe({ bufferSize: BUFFER });
      let produced = 0;
      let consumed = 0;
      let maxOutstanding = 0;
      let maxInPipe = 0;
      let minDesiredSize = Infinity;

      const writer = pipe.writer.writable.getWriter();
      const producing = (async () => {
        for (let i = 0; i < TOTAL / CHUNK; i++) {
          await writer.ready;
          const chunk = new Uint8Array(CHUNK).fill(fillOf(i));
          produced += CHUNK;
          maxOutstanding = Math.max(maxOutstanding, produced - consumed);
          assert.ok(produced - consumed <= BOUND, `${produced - consumed} bytes outstanding after chunk ${i}`);
          // Not awaited: `ready` paces the producer; a failure shows in close().
          writer.write(chunk).catch(() => {});
          // HIGH_WATER_MARK - chunks queued (the one being written included).
          minDesiredSize = Math.min(minDesiredSize, writer.desiredSize ?? -Infinity);
        }
        await writer.close();
      })();

      const reader = pipe.reader.readable.getReader({ mode: "byob" });
      let memory = new ArrayBuffer(READ);
      let reads = 0;
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(memory));
        if (done) break;
        // The data is right: a read never crosses a chunk here, since chunk and pipe sizes are multiples of READ.
        const chunkIndex = Math.floor(consumed / CHUNK);
        assert.equal(value[0], fillOf(chunkIndex));
        assert.equal(value[value.length - 1], fillOf(chunkIndex));
        consumed += value.length;
        memory = value.buffer as ArrayBuffer;
        // What the pipe holds (PeekNamedPipe counts pending writes too): at most a buffer plus the writes in flight.
        if (reads % 64 === 0) maxInPipe = Math.max(maxInPipe, pipe.reader.peek({ maxBytes: 0 }).bytesAvailable);
        if (++reads % READS_PER_PAUSE === 0) await tick();
      }
      await producing;
      assert.equal(consumed, TOTAL);
      assert.equal(minDesiredSize, 0, "the queue held at most the high-water mark, and reached it");
      assert.ok(maxOutstanding <= BOUND);
      assert.ok(maxInPipe <= BUFFER + WRITES_IN_FLIGHT * GATHER_LIMIT, `the pipe held ${maxInPipe} bytes`);
      // The reader was the slow side: the producer was held back, not merely never ahead.
      assert.ok(maxOutstanding >= BUFFER, `outstanding peaked at ${maxOutstanding} bytes`);
    },
  );

  scenario(
    suite,
    `backpressure: pipeTo of ${TOTAL / 4 / MiB} MiB from an endless source stops pulling while the reader is slow`,
    async (ctx) => {
      using pipe = ctx.pipes.createPipe({ bufferSize: BUFFER });
      let produced = 0;
      let consumed = 0;
      let maxOutstanding = 0;
      const total = TOTAL / 4;
      let i = 0;
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (produced === total) return controller.close();
          produced += CHUNK;
          maxOutstanding = Math.max(maxOutstanding, produced - consumed);
          controller.enqueue(new Uint8Array(CHUNK).fill(fillOf(i++)));
        },
      }, { highWaterMark: 0 });
      const piping = source.pipeTo(pipe.writer.writable);
      const reader = pipe.reader.readable.getReader({ mode: "byob" });
      let memory = new ArrayBuffer(READ);
      let reads = 0;
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(memory));
        if (done) break;
        assert.equal(value[0], fillOf(Math.floor(consumed / CHUNK)));
        consumed += value.length;
        memory = value.buffer as ArrayBuffer;
        if (++reads % READS_PER_PAUSE === 0) await tick();
      }
      await piping;
      assert.equal(consumed, total);
      // pipeTo reads from the source only while the writable is ready, and may
      // hold one chunk between its read and its write. (Deno 2.9 and Bun 1.4
      // were measured at exactly BOUND before gathering grew beyond the pipe's buffer.)
      const bound = BOUND + CHUNK;
      assert.ok(maxOutstanding <= bound, `outstanding peaked at ${maxOutstanding} bytes (bound ${bound})`);
    },
  );
}
