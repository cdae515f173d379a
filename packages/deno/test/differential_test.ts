/**
 * Differential test: random operation sequences replayed on the in-memory
 * model and on kernel32 (this backend), every result and Win32 error code
 * compared (`@winpipe/testing`, differential.ts). Run under the Wine
 * test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/deno/test/differential_test.ts
 *
 * Environment (pass with `--env NAME=VALUE` to run.sh):
 * - WINPIPE_DIFF_SEED: replay only this seed and print both traces in full;
 * - WINPIPE_DIFF_BASE_SEED, WINPIPE_DIFF_COUNT: which seeds run (default
 *   1..200, in batches of 25, one Deno test per batch);
 * - WINPIPE_DIFF_SETTLE_MS: kernel32's checkpoint wait (default 120).
 *
 * The generator leaves out the operation shapes kernel32 under Wine 10
 * handles differently from Windows (`WINE_EXCLUSIONS`, each with its entry
 * in docs/wine-findings.md or docs/behaviours.md's list). The "pinned" tests below
 * replay one minimal sequence per finding and check that the difference is
 * still there: when Wine starts to behave like Windows one of them fails,
 * and its exclusion can go.
 *
 * @module
 */
import { createModelKernel } from "@winpipe/core/model";
import { differentialSuite, type DiffOp, diffTraces, formatMismatch, formatTrace, runSequence } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, underWine, windowsRegister } from "./util.ts";

const model = () => createModelKernel();
const kernel32 = () => new Kernel32();

differentialSuite(model, kernel32, {
  register: windowsRegister,
  env: (name) => Deno.env.get(name) || undefined,
  replayCommand: (seed) =>
    `bash scripts/wine/run.sh --env NO_COLOR=1 --env WINPIPE_DIFF_SEED=${seed} -- ` +
    `deno test -A packages/deno/test/differential_test.ts`,
  label: "deno",
});

// ---------------------------------------------------------------------------
// The Wine findings behind the exclusions, one minimal sequence each.

const GENERIC_RW = 0xc0000000;
const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;

function server(
  slot: number,
  options: { pipeMode?: number; openMode?: number; maxInstances?: number; in?: number; out?: number } = {},
): DiffOp {
  return {
    kind: "createNamedPipe",
    slot,
    pipe: 0,
    openMode: options.openMode ?? 3,
    pipeMode: options.pipeMode ?? 0,
    maxInstances: options.maxInstances ?? 1,
    inBufferSize: options.in ?? 64,
    outBufferSize: options.out ?? 64,
    defaultTimeout: 1,
  };
}

function client(slot: number, access = GENERIC_RW): DiffOp {
  return { kind: "openPipe", slot, pipe: 0, access: access >>> 0, upperCase: false };
}

/** A finding: a sequence on which the model (as Windows) and Wine first differ at `step`. */
interface Pin {
  id: string;
  title: string;
  ops: DiffOp[];
  step: number;
  /** What the model's line for the step contains. */
  model: string;
  /** What kernel32's line under Wine contains. */
  wine: string;
}

const PINS: Pin[] = [
  {
    id: "W-A3",
    title: "a byte-type instance with message read mode is refused for an existing name too",
    ops: [server(0, { pipeMode: 4, maxInstances: 2 }), server(1, { pipeMode: 2, maxInstances: 2 })],
    step: 1,
    model: "-> ok",
    wine: "-> ERROR_INVALID_PARAMETER",
  },
  {
    id: "W-A5",
    title: "every instance gets the buffer sizes of the first",
    ops: [
      server(0, { maxInstances: 3, in: 16, out: 100 }),
      server(1, { maxInstances: 3, in: 1, out: 4096 }),
      { kind: "getInfo", slot: 1 },
    ],
    step: 2,
    model: "out=4096 in=1",
    wine: "out=100 in=16",
  },
  {
    id: "W-A6",
    title: "GetNamedPipeInfo reports PIPE_UNLIMITED_INSTANCES as 0xFFFFFFFF",
    ops: [server(0, { maxInstances: 255 }), { kind: "getInfo", slot: 0 }],
    step: 1,
    model: "max=255",
    wine: "max=4294967295",
  },
  {
    id: "W-A8",
    title: "with no instance listening, a client of the wrong direction gets ERROR_PIPE_BUSY",
    ops: [server(0, { openMode: 2 }), client(1, GENERIC_READ), client(2, GENERIC_WRITE)],
    step: 2,
    model: "-> ERROR_ACCESS_DENIED",
    wine: "-> ERROR_PIPE_BUSY",
  },
  {
    id: "W-B10",
    title: "DisconnectNamedPipe on a client end fails with ERROR_NOT_SUPPORTED",
    ops: [server(0), client(1), { kind: "disconnect", slot: 1 }],
    step: 2,
    model: "-> ERROR_INVALID_FUNCTION",
    wine: "-> ERROR_NOT_SUPPORTED",
  },
  {
    id: "W-B14",
    title: "DisconnectNamedPipe on a listening instance fails with ERROR_PIPE_LISTENING",
    ops: [server(0), { kind: "disconnect", slot: 0 }],
    step: 1,
    model: "-> ok",
    wine: "-> ERROR_PIPE_LISTENING",
  },
  {
    id: "W-B18",
    title: "closing a server with a ConnectNamedPipe pending completes it with ERROR_HANDLES_CLOSED",
    ops: [server(0), { kind: "connect", slot: 0 }, { kind: "close", slot: 0 }],
    step: 2,
    model: "settled #1: ERROR_BROKEN_PIPE",
    wine: "settled #1: ERROR_HANDLES_CLOSED",
  },
  {
    id: "W-F46",
    title: "FlushFileBuffers succeeds on a handle without write access",
    ops: [server(0, { openMode: 1 }), { kind: "flush", slot: 0 }],
    step: 1,
    model: "-> ERROR_ACCESS_DENIED",
    wine: "-> flushed",
  },
  {
    id: "W-F46b",
    title: "FlushFileBuffers also waits for data written after it",
    ops: [
      server(0, { out: 16 }),
      client(1),
      { kind: "write", slot: 0, size: 4 },
      { kind: "flush", slot: 0 },
      { kind: "write", slot: 0, size: 2 },
      { kind: "read", slot: 1, size: 4 },
    ],
    step: 5,
    model: "settled #3: flushed",
    wine: "pending #3",
  },
  {
    id: "W-G53",
    title: "closing a handle fails its own pending write and drops the data",
    ops: [server(0, { out: 4 }), client(1), { kind: "write", slot: 0, size: 10 }, { kind: "close", slot: 0 }],
    step: 3,
    model: "-> ok | pending #2",
    wine: "-> ok | settled #2: ERROR_BROKEN_PIPE",
  },
  {
    id: "W-G53b",
    title: "the peer's close completes the second of two pending writes",
    ops: [
      server(0, { pipeMode: 6, out: 1 }),
      client(1),
      { kind: "write", slot: 0, size: 2 },
      { kind: "flush", slot: 0 },
      { kind: "write", slot: 0, size: 1 },
      { kind: "close", slot: 1 },
    ],
    step: 5,
    model: "#4: ERROR_BROKEN_PIPE",
    wine: "#4: wrote 1",
  },
  {
    id: "W-I",
    title: "TransactNamedPipe starts while a read is pending on the same end",
    ops: [server(0, { pipeMode: 6 }), client(1), { kind: "read", slot: 0, size: 16 }, {
      kind: "transact",
      slot: 0,
      size: 1,
      replySize: 16,
    }],
    step: 3,
    model: "-> ERROR_PIPE_BUSY",
    wine: "-> pending",
  },
  {
    id: "W-I64",
    title: "a TransactNamedPipe request is charged to the buffer",
    ops: [server(0, { pipeMode: 6, in: 1, out: 1 }), client(1), {
      kind: "transact",
      slot: 0,
      size: 1,
      replySize: 16,
    }, { kind: "write", slot: 0, size: 1 }],
    step: 3,
    model: "-> wrote 1",
    wine: "-> pending",
  },
  {
    id: "W-I64b",
    title: "a byte-read-mode read that gets part of a transact request completes without ERROR_MORE_DATA",
    ops: [server(0, { pipeMode: 6 }), client(1), { kind: "read", slot: 1, size: 1 }, {
      kind: "transact",
      slot: 0,
      size: 5,
      replySize: 16,
    }],
    step: 3,
    model: "settled #2: read 1 more",
    wine: "settled #2: read 1 #",
  },
  {
    id: "W-S20",
    title: "a pending write of an end switched to PIPE_NOWAIT completes with what was read, the rest is lost",
    ops: [
      server(0, { out: 4 }),
      client(1),
      { kind: "write", slot: 0, size: 10 },
      { kind: "setState", slot: 0, mode: 1 },
      { kind: "read", slot: 1, size: 2 },
    ],
    step: 4,
    model: "| pending #2",
    wine: "settled #2: wrote 2",
  },
  {
    id: "W-D33",
    title: "a byte-read-mode read leaves a trailing zero-length message in the pipe",
    ops: [
      server(0, { pipeMode: 4 }),
      client(1),
      { kind: "write", slot: 1, size: 5 },
      { kind: "write", slot: 1, size: 0 },
      { kind: "read", slot: 0, size: 32 },
      { kind: "read", slot: 0, size: 32 },
    ],
    step: 5,
    model: "-> pending",
    wine: "-> read 0",
  },
];

for (const pin of PINS) {
  Deno.test({
    name: `differential: ${pin.id} pinned: under Wine ${pin.title}`,
    ignore: !underWine,
    async fn() {
      const a = await runSequence(model(), pin.ops, { settleMs: 10 });
      const b = await runSequence(kernel32(), pin.ops, { settleMs: PENDING_DELAY_MS });
      const m = diffTraces(a, b, 0);
      const traces = `\n${formatTrace(a)}\n${formatTrace(b)}`;
      if (m === undefined) {
        throw new Error(`${pin.id}: Wine now behaves like the model (Windows); drop the exclusion${traces}`);
      }
      if (m.index !== pin.step || !m.a.includes(pin.model) || !m.b.includes(pin.wine)) {
        throw new Error(
          `${pin.id}: expected the first difference at #${pin.step}, got:\n${formatMismatch(m)}${traces}`,
        );
      }
    },
  });
}
