/**
 * The runtime-agnostic tests of the differential machinery
 * (`src/testing/differential.ts`), for the Deno entry
 * (`differential_test.ts`) and the Bun entry (`differential.bun.test.ts`):
 * the PRNG and the generator are deterministic per seed, the model agrees
 * with itself, and a comparison does find a difference when there is one.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createModelKernel, type ModelHandle, type ModelKernel } from "@winpipe/core/model";
import { ERROR_BROKEN_PIPE, ERROR_NO_DATA, GENERIC_READ, GENERIC_WRITE, PIPE_ACCESS_DUPLEX } from "@winpipe/core";
import { isPipeError, PipeError } from "@winpipe/core";
import type { PipeKernel } from "@winpipe/core";
import {
  compareKernels,
  DEFAULT_WEIGHTS,
  type DiffOp,
  type DiffOpKind,
  diffTraces,
  formatMismatch,
  formatTrace,
  generateSequence,
  MODEL_SETTLE_MS,
  mulberry32,
  Random,
  replaySequence,
  runSequence,
  WINE_EXCLUSIONS,
} from "../../src/differential.ts";
import type { RegisterTest } from "../../src/harness.ts";

/** Sequences the model-against-model comparison runs (each on two fresh models). */
const MODEL_SEQUENCES = 120;
/** The checkpoints of the model-against-model comparisons below (8 sequences at once). */
const MODEL_CHECKPOINTS = { runA: { settleMs: MODEL_SETTLE_MS }, runB: { settleMs: MODEL_SETTLE_MS } };

/**
 * The model with one deliberate difference: a WriteFile that fails with
 * ERROR_NO_DATA (the reader is gone) fails with ERROR_BROKEN_PIPE instead.
 */
function alteredModel(): PipeKernel<ModelHandle> {
  const model: ModelKernel = createModelKernel({ name: "model-altered" });
  return new Proxy(model, {
    get(target, property) {
      if (property === "write") {
        return (handle: ModelHandle, data: Uint8Array, signal?: AbortSignal) =>
          target.write(handle, data, signal).catch((error: unknown) => {
            if (isPipeError(error, ERROR_NO_DATA)) throw new PipeError(ERROR_BROKEN_PIPE, "WriteFile");
            throw error;
          });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The model, but after its first count of open handles it counts one more than there is (a leak). */
function leakyModel(): PipeKernel<ModelHandle> {
  const model: ModelKernel = createModelKernel({ name: "model-leaky" });
  let counted = 0;
  return new Proxy(model, {
    get(target, property) {
      if (property === "liveHandles") return () => target.liveHandles() + (counted++ === 0 ? 0 : 1);
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Registers the tests with `register`. */
export function differentialTests(register: RegisterTest): void {
  register("mulberry32 gives the same series on every runtime", () => {
    const next = mulberry32(1);
    assert.deepEqual([next(), next(), next()].map((x) => Math.floor(x * 2 ** 32)), [
      2693262067,
      11749833,
      2265367787,
    ]);
    const other = mulberry32(0xdeadbeef);
    assert.deepEqual([other(), other()].map((x) => Math.floor(x * 2 ** 32)), [4043151706, 1147597007]);
    const random = new Random(5);
    for (let i = 0; i < 1000; i++) {
      const n = random.int(3, 9);
      assert.ok(n >= 3 && n <= 9 && Number.isInteger(n), `int(3, 9) gave ${n}`);
    }
  });

  register("the generator is deterministic per seed", () => {
    for (const seed of [0, 1, 2, 1234, 0xffffffff]) {
      const a = generateSequence(seed);
      const b = generateSequence(seed);
      assert.equal(JSON.stringify(a), JSON.stringify(b), `seed ${seed}`);
      assert.equal(a.length, 30);
    }
    assert.equal(
      JSON.stringify(generateSequence(7, { length: 6 })),
      JSON.stringify([
        {
          kind: "createNamedPipe",
          slot: 0,
          pipe: 0,
          openMode: 1,
          pipeMode: 1,
          maxInstances: 2,
          inBufferSize: 1,
          outBufferSize: 1,
          defaultTimeout: 1,
        },
        { kind: "openPipe", slot: 1, pipe: 0, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, upperCase: false },
        { kind: "read", slot: 0, size: 1 },
        { kind: "openPipe", slot: 2, pipe: 0, access: GENERIC_READ, upperCase: false },
        { kind: "openPipe", slot: 3, pipe: 0, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, upperCase: true },
        { kind: "setState", slot: 0, mode: 1 },
      ]),
      "the sequence of seed 7 (pinned: a change here changes every seed)",
    );
    assert.notEqual(JSON.stringify(generateSequence(1)), JSON.stringify(generateSequence(2)));
    assert.equal(generateSequence(3, { length: 55 }).length, 55);
  });

  register("the generator covers every kind of operation and the exclusions fire", () => {
    const kinds = new Map<DiffOpKind, number>();
    const excluded = new Map<string, number>();
    let readsAtTwiceTheBuffer = 0;
    for (let seed = 0; seed < 150; seed++) {
      const ops = generateSequence(seed, {
        length: 40,
        onExclude: (id) => excluded.set(id, (excluded.get(id) ?? 0) + 1),
      });
      for (const op of ops) {
        kinds.set(op.kind, (kinds.get(op.kind) ?? 0) + 1);
        if (op.kind === "read" && op.size > 4096) readsAtTwiceTheBuffer++;
      }
    }
    for (const kind of Object.keys(DEFAULT_WEIGHTS) as DiffOpKind[]) {
      assert.ok((kinds.get(kind) ?? 0) > 0, `no ${kind} in 150 sequences`);
    }
    assert.ok(readsAtTwiceTheBuffer > 0, "reads larger than the largest buffer");
    // The shapes that Wine gets wrong come up and are left out.
    for (const id of ["W-S15", "W-B14", "W-B10", "W-A5", "W-G53"]) {
      assert.ok((excluded.get(id) ?? 0) > 0, `exclusion ${id} never fired`);
    }
    for (const id of excluded.keys()) assert.ok(id in WINE_EXCLUSIONS, `unknown exclusion ${id}`);
  });

  register("a sequence's trace on the model is the same every time", async () => {
    for (const seed of [11, 12, 13]) {
      const ops = generateSequence(seed, { exclusions: {} });
      const a = await runSequence(createModelKernel(), ops);
      const b = await runSequence(createModelKernel(), ops);
      assert.equal(diffTraces(a, b, seed), undefined, `seed ${seed}`);
      assert.equal(formatTrace(a).split("\n").slice(1).join("\n"), formatTrace(b).split("\n").slice(1).join("\n"));
      assert.equal(a.leakedHandles, 0);
    }
  });

  register("runSequence records what pends and when it settles", async () => {
    const ops: DiffOp[] = [
      {
        kind: "createNamedPipe",
        slot: 0,
        pipe: 0,
        openMode: PIPE_ACCESS_DUPLEX,
        pipeMode: 0,
        maxInstances: 1,
        inBufferSize: 16,
        outBufferSize: 16,
        defaultTimeout: 1,
      },
      { kind: "openPipe", slot: 1, pipe: 0, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, upperCase: true },
      { kind: "read", slot: 1, size: 8 },
      { kind: "write", slot: 0, size: 3 },
      { kind: "read", slot: 1, size: 8 },
      { kind: "close", slot: 0 },
      { kind: "write", slot: 1, size: 1 },
    ];
    const trace = await runSequence(createModelKernel(), ops);
    const lines = trace.entries.map((
      e,
    ) => [e.outcome, e.settled.map(([i, o]) => `${i}:${o.split(" ")[0]}`), e.pending]);
    assert.deepEqual(lines, [
      ["ok", [], []],
      ["ok", [], []],
      ["pending", [], [2]],
      ["wrote 3", ["2:read"], []],
      ["pending", [], [4]],
      ["ok", ["4:ERROR_BROKEN_PIPE"], []],
      ["ERROR_NO_DATA", [], []],
      ["ok", [], []], // the clean-up closes slot 1
    ]);
    assert.equal(trace.entries[7].cleanup, true);
    assert.match(trace.entries[3].settled[0][1], /^read 3 #[0-9a-f]{8}$/);
  });

  register(`the model agrees with itself on ${MODEL_SEQUENCES} random sequences`, async () => {
    const result = await compareKernels(createModelKernel, () => createModelKernel({ name: "model" }), {
      seed: 100,
      count: MODEL_SEQUENCES,
      exclusions: {},
      concurrency: 8,
      ...MODEL_CHECKPOINTS,
    });
    assert.equal(result.seeds.length, MODEL_SEQUENCES);
    assert.equal(result.mismatches.length, 0, result.mismatches.map((m) => formatMismatch(m)).join("\n\n"));
    assert.ok(result.steps >= MODEL_SEQUENCES * 30);
  });

  register("a comparison finds a changed error code, with its seed and step, and replays it", async () => {
    const result = await compareKernels(createModelKernel, alteredModel, {
      seed: 1,
      count: 40,
      concurrency: 8,
      ...MODEL_CHECKPOINTS,
    });
    assert.ok(result.mismatches.length > 0, "the altered model went unnoticed");
    for (const m of result.mismatches) {
      assert.ok(result.seeds.includes(m.seed));
      assert.ok(m.index >= 0);
      assert.equal(m.kernelA, "model");
      assert.equal(m.kernelB, "model-altered");
      assert.match(m.a, /ERROR_NO_DATA/);
      assert.match(m.b, /ERROR_BROKEN_PIPE/);
      assert.match(formatMismatch(m), new RegExp(`^seed ${m.seed}: first difference at step #${m.index}`));
    }
    // The seed alone reproduces the first mismatch exactly.
    const first = result.mismatches[0];
    const replay = await replaySequence(createModelKernel, alteredModel, first.seed, MODEL_CHECKPOINTS);
    assert.equal(replay.mismatch?.index, first.index);
    assert.equal(replay.mismatch?.a, first.a);
    assert.equal(replay.mismatch?.b, first.b);
    assert.match(replay.report, /trace of model \(/);
    assert.match(replay.report, /trace of model-altered \(/);
    // The sequences without a write to a closed reader agree.
    assert.ok(result.mismatches.length < result.seeds.length);
  });

  register("a comparison finds a handle leak", async () => {
    const result = await compareKernels(createModelKernel, leakyModel, { seed: 9, count: 2 });
    assert.equal(result.mismatches.length, 2);
    for (const m of result.mismatches) {
      assert.equal(m.index, -1);
      assert.equal(m.a, "handles left open: 0");
      assert.equal(m.b, "handles left open: 1");
    }
  });
}
