/**
 * Comparing two kernels: running the same sequences on both and reporting where their traces first differ.
 *
 * @module
 */
import type { PipeKernel } from "@winpipe/core";

import { generateSequence } from "./generator.ts";
import type { DiffOp, GenerateOptions } from "./ops.ts";
import {
  formatEntry,
  formatOp,
  formatTrace,
  randomPrefix,
  type RunOptions,
  runSequence,
  type Trace,
} from "./runner.ts";

/**
 * Where two traces of one sequence first differ.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { compareKernels, formatMismatch, type Mismatch } from "@winpipe/testing";
 * const { mismatches } = await compareKernels(createModelKernel, createModelKernel, { seed: 1, count: 2 });
 * const first: Mismatch | undefined = mismatches[0]; // undefined: the model agrees with itself
 * if (first) console.log(formatMismatch(first));
 * ```
 */
export interface Mismatch {
  /** The seed of the sequence: {@linkcode replaySequence} with it reproduces the difference. */
  seed: number;
  /** The index of the first differing trace entry (-1: only the leak counts differ). */
  index: number;
  /** The operation at that index, if there is one. */
  op: DiffOp | undefined;
  /** The name of kernel A. */
  kernelA: string;
  /** Kernel A's line for the entry (or "(no entry)"). */
  a: string;
  /** The name of kernel B. */
  kernelB: string;
  /** Kernel B's line for the entry (or "(no entry)"). */
  b: string;
  /** The entries before it (kernel A's lines, equal on both sides), for context. */
  before: string[];
}

/**
 * The first difference between two traces of the same sequence, or
 * undefined when they agree on every step and on the leak count.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { diffTraces, generateSequence, runSequence } from "@winpipe/testing";
 * const ops = generateSequence(3);
 * const a = await runSequence(createModelKernel(), ops);
 * const b = await runSequence(createModelKernel(), ops);
 * diffTraces(a, b, 3); // undefined
 * ```
 */
export function diffTraces(a: Trace, b: Trace, seed: number): Mismatch | undefined {
  const n = Math.max(a.entries.length, b.entries.length);
  const lineA = (i: number) => (i < a.entries.length ? formatEntry(a.entries[i]) : "(no entry)");
  const lineB = (i: number) => (i < b.entries.length ? formatEntry(b.entries[i]) : "(no entry)");
  for (let i = 0; i < n; i++) {
    const la = lineA(i);
    const lb = lineB(i);
    if (la !== lb) {
      return {
        seed,
        index: i,
        op: (a.entries[i] ?? b.entries[i])?.op,
        kernelA: a.kernel,
        a: la,
        kernelB: b.kernel,
        b: lb,
        before: a.entries.slice(0, i).map(formatEntry),
      };
    }
  }
  if (a.leakedHandles !== b.leakedHandles) {
    return {
      seed,
      index: -1,
      op: undefined,
      kernelA: a.kernel,
      a: `handles left open: ${a.leakedHandles}`,
      kernelB: b.kernel,
      b: `handles left open: ${b.leakedHandles}`,
      before: a.entries.map(formatEntry),
    };
  }
  return undefined;
}

/**
 * A mismatch as text: the seed, the steps before it and the two lines that
 * differ.
 *
 * @example
 * ```ts
 * import { formatMismatch, type Mismatch } from "@winpipe/testing";
 * const m: Mismatch = {
 *   seed: 7, index: 0, op: { kind: "close", slot: 0 }, before: [],
 *   kernelA: "model", a: "#0 close(s0) -> ok", kernelB: "other", b: "#0 close(s0) -> ERROR_INVALID_HANDLE",
 * };
 * console.log(formatMismatch(m));
 * ```
 */
export function formatMismatch(m: Mismatch, contextLines = 12): string {
  const before = m.before.slice(-contextLines);
  return [
    `seed ${m.seed}: first difference at step #${m.index}${m.op ? ` (${formatOp(m.op)})` : ""}`,
    ...(m.before.length > before.length ? [`  ... ${m.before.length - before.length} earlier steps agree`] : []),
    ...before.map((l) => `    ${l}`),
    `  ${m.kernelA}: ${m.a}`,
    `  ${m.kernelB}: ${m.b}`,
  ].join("\n");
}

/**
 * Makes the kernel one sequence runs on (called once per sequence, so each starts fresh).
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { compareKernels, type DiffKernelFactory } from "@winpipe/testing";
 * const model: DiffKernelFactory = () => createModelKernel({ name: "model-a" });
 * const other: DiffKernelFactory = () => createModelKernel({ name: "model-b" });
 * (await compareKernels(model, other, { seed: 9, count: 1 })).mismatches.length; // 0
 * ```
 */
export type DiffKernelFactory = () => PipeKernel | Promise<PipeKernel>;

/**
 * Options of {@linkcode compareKernels} and {@linkcode replaySequence}.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type CompareOptions, compareKernels } from "@winpipe/testing";
 * const options: CompareOptions = {
 *   seed: 1000,
 *   count: 4,
 *   concurrency: 2,
 *   runA: { settleMs: 5 },
 *   runB: { settleMs: 5 },
 *   onSequence: (result) => console.log(`seed ${result.seed}: ${result.mismatch ? "differs" : "same"}`),
 * };
 * await compareKernels(createModelKernel, createModelKernel, options);
 * ```
 */
export interface CompareOptions extends GenerateOptions {
  /** The first sequence's seed; sequence i uses `seed + i` (as an unsigned 32-bit integer). */
  seed: number;
  /** How many sequences. Default 200. */
  count?: number;
  /** {@linkcode RunOptions} for kernel A (settleMs etc.; the pipe prefix is made per run). */
  runA?: Omit<RunOptions, "pipePrefix">;
  /** {@linkcode RunOptions} for kernel B. */
  runB?: Omit<RunOptions, "pipePrefix">;
  /**
   * How many sequences run at once (each on its own kernels and pipe
   * names). Default 1. Higher values shorten runs on a kernel that needs
   * long checkpoints.
   */
  concurrency?: number;
  /** Called after each sequence (e.g. for progress output). */
  onSequence?: (result: SequenceResult) => void;
}

/**
 * The outcome of one sequence in {@linkcode compareKernels}.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { compareKernels, type SequenceResult } from "@winpipe/testing";
 * const seen: SequenceResult[] = [];
 * await compareKernels(createModelKernel, createModelKernel, { seed: 3, count: 2, onSequence: (r) => seen.push(r) });
 * seen.map((r) => r.seed); // [3, 4]
 * ```
 */
export interface SequenceResult {
  /** The sequence's seed. */
  seed: number;
  /** Its first difference, if any. */
  mismatch: Mismatch | undefined;
  /** The trace on kernel A. */
  traceA: Trace;
  /** The trace on kernel B. */
  traceB: Trace;
}

/**
 * What {@linkcode compareKernels} found.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type CompareResult, compareKernels } from "@winpipe/testing";
 * const result: CompareResult = await compareKernels(createModelKernel, createModelKernel, { seed: 1, count: 3 });
 * result.seeds; // [1, 2, 3]
 * ```
 */
export interface CompareResult {
  /** The seeds that ran, in order. */
  seeds: number[];
  /** The first difference of each sequence that had one, in seed order. */
  mismatches: Mismatch[];
  /** Steps run on each kernel, the clean-up included (from kernel A's traces). */
  steps: number;
  /** How many steps of each operation kind ran (kernel A's traces). */
  kinds: Record<string, number>;
  /** Wall time in ms. */
  elapsedMs: number;
}

/**
 * The seed of sequence `i` of a run that starts at `seed`.
 *
 * @example
 * ```ts
 * import { sequenceSeed } from "@winpipe/testing";
 * sequenceSeed(100, 3); // 103
 * ```
 */
export function sequenceSeed(seed: number, i: number): number {
  return (seed + i) >>> 0;
}

async function runOne(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  seed: number,
  options: CompareOptions,
): Promise<SequenceResult> {
  const ops = generateSequence(seed, options);
  const prefix = randomPrefix();
  const kernelA = await factoryA();
  const traceA = await runSequence(kernelA, ops, { ...options.runA, pipePrefix: `${prefix}-${seed}-a` });
  const kernelB = await factoryB();
  const traceB = await runSequence(kernelB, ops, { ...options.runB, pipePrefix: `${prefix}-${seed}-b` });
  return { seed, mismatch: diffTraces(traceA, traceB, seed), traceA, traceB };
}

/**
 * Runs `options.count` random sequences (seeds `options.seed`,
 * `options.seed + 1`, ...) on a fresh kernel from each factory and compares
 * the traces. Each mismatch carries its seed and the index of the first
 * step that differs; {@linkcode replaySequence} with the seed shows both
 * traces in full.
 *
 * @example
 * ```ts
 * import { compareKernels } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { mismatches, seeds } = await compareKernels(createModelKernel, createModelKernel, { seed: 100, count: 3 });
 * seeds; // [100, 101, 102]
 * mismatches.length; // 0
 * ```
 */
export async function compareKernels(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  options: CompareOptions,
): Promise<CompareResult> {
  const started = Date.now();
  const count = options.count ?? 200;
  const seeds = Array.from({ length: count }, (_, i) => sequenceSeed(options.seed, i));
  const results: SequenceResult[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const result = await runOne(factoryA, factoryB, seeds[i], options);
      results[i] = result;
      options.onSequence?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, count));
  await Promise.all(Array.from({ length: workers }, worker));
  const kinds: Record<string, number> = {};
  for (const r of results) for (const e of r.traceA.entries) kinds[e.op.kind] = (kinds[e.op.kind] ?? 0) + 1;
  return {
    seeds,
    mismatches: results.flatMap((r) => (r.mismatch ? [r.mismatch] : [])),
    steps: results.reduce((n, r) => n + r.traceA.entries.length, 0),
    kinds,
    elapsedMs: Date.now() - started,
  };
}

/**
 * What {@linkcode replaySequence} returns.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type Replay, replaySequence } from "@winpipe/testing";
 * const replay: Replay = await replaySequence(createModelKernel, createModelKernel, 7);
 * replay.ops.length; // 30
 * replay.mismatch; // undefined
 * ```
 */
export interface Replay extends SequenceResult {
  /** The sequence. */
  ops: DiffOp[];
  /** A readable report: the sequence as JSON, both traces and the first difference. */
  report: string;
}

/**
 * Replays the sequence of one seed on both kernels and reports everything:
 * the operations, both traces in full and the first difference. Use it with
 * the seed a failing {@linkcode compareKernels} run printed (and the same
 * generation options).
 *
 * @example
 * ```ts
 * import { replaySequence } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * const replay = await replaySequence(createModelKernel, createModelKernel, 4242);
 * replay.mismatch; // undefined
 * console.log(replay.report);
 * ```
 */
export async function replaySequence(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  seed: number,
  options: Omit<CompareOptions, "seed" | "count" | "concurrency" | "onSequence"> = {},
): Promise<Replay> {
  const result = await runOne(factoryA, factoryB, seed, { ...options, seed });
  const ops = generateSequence(seed, options);
  const report = [
    `seed ${seed}: ${ops.length} operations`,
    JSON.stringify(ops),
    formatTrace(result.traceA),
    formatTrace(result.traceB),
    result.mismatch ? formatMismatch(result.mismatch, Infinity) : "the traces agree",
  ].join("\n");
  return { ...result, ops, report };
}
