/**
 * The WebSocket codec on its own (src/websocket_frames.ts): frames made by
 * encodeFrame read back by FrameParser as they were, however the stream's
 * reads cut them (one byte at a time, at random sizes, inside every header),
 * masked and not, and frames encoded one after another into one buffer as
 * a gathered write holds them; masking against a byte-by-byte XOR at every
 * offset, length and key position; a new key for each masked frame. On the model's entry points
 * only: it is the codec's own code, the same over every kernel.
 *
 * @module
 */
import assert from "node:assert/strict";
import { concatBytes } from "@winpipe/core/internal";
import { mulberry32 } from "@winpipe/testing";
import { encodeFrameInto, type Frame, frameLength, FrameParser, maskInPlace, Opcode } from "../src/websocket_frames.ts";
import type { RegisterTest } from "./helpers.ts";

/** One frame in an array of its own. */
function encodeFrame(opcode: number, payload: Uint8Array, masked: boolean): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(frameLength(payload.length, masked));
  encodeFrameInto(frame, 0, opcode, payload, masked);
  return frame;
}

/** Payload lengths on each side of every header size and of maskInPlace's word path. */
const LENGTHS = [0, 1, 3, 4, 15, 16, 17, 64, 125, 126, 127, 1000, 65535, 65536, 70001];

/** `n` bytes that differ from one frame to the next. */
function payloadOf(n: number, salt: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + salt * 7) & 255;
  return out;
}

/** The frames of the test: each length as binary, and control frames between them. */
function framesToSend(): Frame[] {
  const frames: Frame[] = [];
  for (const [i, n] of LENGTHS.entries()) {
    frames.push({ fin: true, opcode: Opcode.binary, payload: payloadOf(n, i) as Uint8Array<ArrayBuffer> });
    frames.push({ fin: true, opcode: Opcode.ping, payload: payloadOf(i % 126, i) as Uint8Array<ArrayBuffer> });
  }
  return frames;
}

/** The stream of `frames` encoded. */
function streamOf(frames: Frame[], masked: boolean): { stream: Uint8Array } {
  const parts = frames.map((f) => encodeFrame(f.opcode, f.payload, masked));
  return { stream: concatBytes(parts, parts.reduce((n, p) => n + p.length, 0)) };
}

/** What a parser reads of `stream` given in chunks that end at `cuts`. */
function parseInChunks(stream: Uint8Array, cuts: number[], masked: boolean): Frame[] {
  const parser = new FrameParser(masked, 1 << 20);
  const out: Frame[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    // A copy, as a read's chunk is: the parser must not depend on the chunks sharing one buffer.
    parser.push(stream.slice(from, cut));
    from = cut;
    for (let frame; (frame = parser.next()) !== null;) out.push(frame);
  }
  return out;
}

/** Asserts that `actual` are `expected`, frame by frame and byte by byte. */
function assertSameFrames(actual: Frame[], expected: Frame[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} frames read of ${expected.length}`);
  for (const [i, frame] of actual.entries()) {
    const want = expected[i];
    assert.deepEqual(
      [frame.fin, frame.opcode, frame.payload.length],
      [want.fin, want.opcode, want.payload.length],
      what,
    );
    const at = frame.payload.findIndex((byte, k) => byte !== want.payload[k]);
    assert.equal(at, -1, `${what}: frame ${i} differs at byte ${at}`);
  }
}

export function framesSuite(register: RegisterTest): void {
  const t = (name: string, fn: () => void | Promise<void>) => register(`websocket frames: ${name}`, fn);

  for (const masked of [true, false]) {
    const side = masked ? "masked (a client's)" : "unmasked (a server's)";
    t(`${side} frames read back as sent, whatever cuts the reads`, () => {
      const frames = framesToSend();
      const { stream } = streamOf(frames, masked);
      assertSameFrames(parseInChunks(stream, [], masked), frames, "in one read");
      // Each frame alone, cut in two everywhere in its header and just after it.
      for (const frame of frames) {
        const alone = streamOf([frame], masked).stream;
        for (let cut = 1; cut <= Math.min(15, alone.length - 1); cut++) {
          assertSameFrames(parseInChunks(alone, [cut], masked), [frame], `${frame.payload.length} bytes cut at ${cut}`);
        }
      }
      // Random read sizes: small ones over the frames below 1,001 bytes, larger ones over all.
      const next = mulberry32(masked ? 1 : 2); // the same cuts on every run
      const small = frames.filter((f) => f.payload.length <= 1000);
      const smallStream = streamOf(small, masked).stream;
      for (
        const [most, sent, all] of [[3, small, smallStream], [20, small, smallStream], [300, frames, stream], [
          70_000,
          frames,
          stream,
        ]] as const
      ) {
        const cuts: number[] = [];
        for (let at = 0;;) {
          at += 1 + Math.floor(next() * most);
          if (at >= all.length) break;
          cuts.push(at);
        }
        assertSameFrames(parseInChunks(all, cuts, masked), sent, `reads of 1-${most} bytes`);
      }
    });
  }

  t("the frames before 64 KiB, one byte at a time", () => {
    const frames = framesToSend().filter((f) => f.payload.length < 65535);
    const { stream } = streamOf(frames, true);
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    assertSameFrames(parseInChunks(stream, cuts, true), frames, "one byte at a time");
  });

  t("maskInPlace is a byte-by-byte XOR at every offset, length and key position", () => {
    const key = new Uint8Array([0x12, 0x9a, 0xfe, 0x01]);
    const buffer = payloadOf(400, 3);
    // Short lengths (the byte loop) and those around the word path's threshold (256).
    const lengths = [...Array.from({ length: 80 }, (_, i) => i), ...Array.from({ length: 24 }, (_, i) => 250 + i), 391];
    for (let offset = 0; offset < 8; offset++) {
      for (const length of lengths) {
        for (let keyAt = 0; keyAt < 4; keyAt++) {
          const copy = buffer.slice();
          const bytes = copy.subarray(offset, offset + length);
          const expected = [...bytes].map((b, i) => b ^ key[(i + keyAt) & 3]);
          maskInPlace(bytes, key, keyAt);
          assert.deepEqual([...bytes], expected, `offset ${offset}, length ${length}, key at ${keyAt}`);
          // Nothing around it changed.
          assert.deepEqual([...copy.subarray(0, offset)], [...buffer.subarray(0, offset)]);
          assert.deepEqual([...copy.subarray(offset + length)], [...buffer.subarray(offset + length)]);
        }
      }
    }
  });

  for (const masked of [true, false]) {
    t(
      `${
        masked ? "masked" : "unmasked"
      } frames encoded one after another into one buffer (a gathered write) read back as sent`,
      () => {
        const frames = framesToSend();
        // An odd start, so that the frames' payloads fall on every alignment.
        const lead = 3;
        const buffer = new Uint8Array(lead + frames.reduce((n, f) => n + frameLength(f.payload.length, masked), 0));
        buffer.fill(0xee, 0, lead);
        let at = lead;
        for (const frame of frames) {
          encodeFrameInto(buffer, at, frame.opcode, frame.payload, masked);
          at += frameLength(frame.payload.length, masked);
        }
        assert.equal(at, buffer.length);
        assert.deepEqual([...buffer.subarray(0, lead)], [0xee, 0xee, 0xee], "nothing written before the first frame");
        assertSameFrames(parseInChunks(buffer.subarray(lead), [], masked), frames, "one buffer");
        // And that buffer as the separate frames encodeFrame makes, key aside.
        if (!masked) assert.deepEqual([...buffer.subarray(lead)], [...streamOf(frames, false).stream]);
      },
    );
  }

  t("each masked frame has a new key, across refills of the key pool", () => {
    const payload = new Uint8Array(8);
    const keys = new Set<number>();
    const count = 3000; // more than the 1,024 keys of one pool
    for (let i = 0; i < count; i++) {
      const frame = encodeFrame(Opcode.binary, payload, true);
      keys.add(new DataView(frame.buffer, frame.byteOffset + 2).getUint32(0));
      // A zero payload masked is the key itself, repeated.
      assert.deepEqual([...frame.subarray(6, 10)], [...frame.subarray(2, 6)]);
    }
    // 3,000 random 32-bit keys: a repeat is possible (about one run in 1,000), two or more are not to be expected.
    assert.ok(keys.size >= count - 1, `${count - keys.size} repeated keys`);
  });
}
