/**
 * Running a sequence on one kernel: every operation and every settlement of a pending one, in order, as a trace.
 *
 * @module
 */
import { NMPWAIT_USE_DEFAULT_WAIT } from "@winpipe/core";
import type { KernelHandle, PipeKernel } from "@winpipe/core";

import type { DiffOp } from "./ops.ts";
import { hex, perform, pipeNameFor } from "./perform.ts";

/**
 * A checkpoint window for the model when many sequences share one event
 * loop (a comparison with `concurrency` above 1), in ms. The model's only
 * timers are WaitNamedPipe time-outs of at most 5 ms, yet on a loaded
 * 2-CPU machine such a timer was seen still unfired after a 10 ms window,
 * twice (2026-12-04: 16 sequences in deno.exe under Wine, 8 in native
 * Deno), each time a false mismatch (`waitNamedPipe -> pending` on one
 * side); why it fired that late was not found.
 *
 * @example
 * ```ts
 * import { compareKernels, MODEL_SETTLE_MS } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * const model = { settleMs: MODEL_SETTLE_MS };
 * await compareKernels(createModelKernel, createModelKernel, { seed: 7, count: 8, concurrency: 8, runA: model, runB: model });
 * ```
 */
export const MODEL_SETTLE_MS = 30;

/**
 * Options of {@linkcode runSequence}.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { generateSequence, type RunOptions, runSequence } from "@winpipe/testing";
 * const options: RunOptions = { settleMs: 5, maxSettleRounds: 2 };
 * (await runSequence(createModelKernel(), generateSequence(5), options)).leakedHandles; // 0
 * ```
 */
export interface RunOptions {
  /**
   * How long to wait at a checkpoint when operations are pending, in ms:
   * long enough for the kernel to complete what it would complete. The
   * model needs a few ms (its only timers are WaitNamedPipe timeouts of at
   * most 5 ms; {@linkcode MODEL_SETTLE_MS} with many sequences at once),
   * kernel32 under Wine 100-150 ms. Default 10.
   */
  settleMs?: number;
  /** At most this many windows of `settleMs` per checkpoint, while operations keep settling. Default 4. */
  maxSettleRounds?: number;
  /**
   * The start of every pipe name the sequence uses; pipe `n` is
   * `${pipePrefix}-${n}`. Must be unique per run on a real kernel (the
   * names are machine-wide). Default: `\\.\pipe\winpipe-diff-` and a
   * random part.
   */
  pipePrefix?: string;
}

/**
 * One step of a {@linkcode Trace}: an operation and what was seen at the checkpoint after it.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatEntry, generateSequence, runSequence, type TraceEntry } from "@winpipe/testing";
 * const trace = await runSequence(createModelKernel(), generateSequence(5), { settleMs: 5 });
 * const first: TraceEntry = trace.entries[0];
 * formatEntry(first); // e.g. "#0 createNamedPipe(...) -> ok"
 * ```
 */
export interface TraceEntry {
  /** The step's position in the trace (the operation's index in the sequence, for its own operations). */
  index: number;
  /** The operation. */
  op: DiffOp;
  /** Set on the steps the runner adds after the sequence to clean up (CancelIoEx, CloseHandle). */
  cleanup?: boolean;
  /**
   * What the operation gave by the end of its checkpoint: a result, an
   * error name, "pending", or "no handle" (its handle's creation failed).
   */
  outcome: string;
  /** Earlier operations that settled by the end of this step's checkpoint: [index, outcome], by index. */
  settled: [number, string][];
  /** Operations still pending after the checkpoint, by index. */
  pending: number[];
}

/**
 * What {@linkcode runSequence} recorded.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatTrace, generateSequence, runSequence, type Trace } from "@winpipe/testing";
 * const trace: Trace = await runSequence(createModelKernel(), generateSequence(5), { settleMs: 5 });
 * trace.kernel; // "model"
 * console.log(formatTrace(trace));
 * ```
 */
export interface Trace {
  /** The kernel's name. */
  kernel: string;
  /** One entry per operation, the clean-up steps included. */
  entries: TraceEntry[];
  /** Handles the kernel still counted as open after the clean-up (0 unless it leaks). */
  leakedHandles: number;
  /** Wall time of the run in ms. */
  elapsedMs: number;
}

/**
 * A short text for an operation, as traces and mismatch reports show it.
 *
 * @example
 * ```ts
 * import { formatOp } from "@winpipe/testing";
 * formatOp({ kind: "read", slot: 2, size: 100 }); // "read(s2, 100)"
 * ```
 */
export function formatOp(op: DiffOp): string {
  switch (op.kind) {
    case "createNamedPipe":
      return `createNamedPipe(s${op.slot}, pipe ${op.pipe}, open=${hex(op.openMode)}, mode=${
        hex(op.pipeMode)
      }, max=${op.maxInstances}, in=${op.inBufferSize}, out=${op.outBufferSize}, timeout=${op.defaultTimeout})`;
    case "openPipe":
      return `openPipe(s${op.slot}, pipe ${op.pipe}, access=${hex(op.access)}${op.upperCase ? ", PIPE" : ""})`;
    case "createPipe":
      return `createPipe(s${op.slot}+s${op.slot + 1}, ${op.bufferSize})`;
    case "read":
    case "write":
      return `${op.kind}(s${op.slot}, ${op.size})`;
    case "peek":
      return `peek(s${op.slot}, ${op.size === null ? "no buffer" : op.size})`;
    case "setState":
      return `setState(s${op.slot}, ${hex(op.mode)})`;
    case "transact":
      return `transact(s${op.slot}, ${op.size}, reply ${op.replySize})`;
    case "waitNamedPipe":
      return `waitNamedPipe(pipe ${op.pipe}, ${op.timeout === NMPWAIT_USE_DEFAULT_WAIT ? "default" : op.timeout})`;
    default:
      return `${op.kind}(s${op.slot})`;
  }
}

/**
 * One line for a trace entry: the operation, its outcome, what settled and
 * what is still pending. Two kernels agree on a step when these lines are
 * equal.
 *
 * @example
 * ```ts
 * import { formatEntry } from "@winpipe/testing";
 * formatEntry({ index: 3, op: { kind: "read", slot: 1, size: 4 }, outcome: "pending", settled: [], pending: [3] });
 * // "#3 read(s1, 4) -> pending | pending #3"
 * ```
 */
export function formatEntry(entry: TraceEntry): string {
  let line = `#${entry.index}${entry.cleanup ? " [cleanup]" : ""} ${formatOp(entry.op)} -> ${entry.outcome}`;
  if (entry.settled.length > 0) line += ` | settled ${entry.settled.map(([i, o]) => `#${i}: ${o}`).join(", ")}`;
  if (entry.pending.length > 0) line += ` | pending ${entry.pending.map((i) => `#${i}`).join(" ")}`;
  return line;
}

/**
 * The whole trace, one line per entry, then the leak count.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatTrace, generateSequence, runSequence } from "@winpipe/testing";
 * const trace = await runSequence(createModelKernel(), generateSequence(5, { length: 8 }));
 * console.log(formatTrace(trace));
 * ```
 */
export function formatTrace(trace: Trace): string {
  return [
    `trace of ${trace.kernel} (${trace.entries.length} steps, ${Math.round(trace.elapsedMs)} ms)`,
    ...trace.entries.map(formatEntry),
    `handles left open: ${trace.leakedHandles}`,
  ].join("\n");
}

interface Running {
  index: number;
  slot: number | undefined;
  done: boolean;
  outcome: string;
  reported: boolean;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A pipe name prefix no other run uses.
 *
 * @example
 * ```ts
 * import { randomPrefix } from "@winpipe/testing";
 * randomPrefix().startsWith(String.raw`\\.\pipe\winpipe-diff-`); // true
 * ```
 */
export function randomPrefix(): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(36) + Math.floor(Math.random() * 2 ** 32).toString(36);
  return `\\\\.\\pipe\\winpipe-diff-${random}`;
}

/**
 * Runs `ops` on `kernel` and records what happened (see the module
 * documentation for how pending operations are recorded). Never throws for
 * what a kernel does: every result, error and exception goes into the
 * trace. Cancels what is still pending and closes every handle it opened
 * before it returns.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatEntry, generateSequence, runSequence } from "@winpipe/testing";
 * const trace = await runSequence(createModelKernel(), generateSequence(99), { settleMs: 5 });
 * trace.leakedHandles; // 0
 * console.log(trace.entries.map(formatEntry).join("\n"));
 * ```
 */
export async function runSequence(
  kernel: PipeKernel,
  ops: readonly DiffOp[],
  options: RunOptions = {},
): Promise<Trace> {
  const started = Date.now();
  const settleMs = options.settleMs ?? 10;
  const maxRounds = options.maxSettleRounds ?? 4;
  const prefix = options.pipePrefix ?? randomPrefix();
  const baseline = kernel.liveHandles();
  const handles: (KernelHandle | undefined)[] = [];
  const running: Running[] = [];
  const entries: TraceEntry[] = [];
  const pendingRecords = () => running.filter((r) => !r.done);
  const doneCount = () => running.filter((r) => r.done).length;

  const step = async (op: DiffOp, cleanup: boolean) => {
    const index = entries.length;
    const performed = perform(kernel, handles, op, index, (pipe) => pipeNameFor(prefix, pipe));
    let own: Running | undefined;
    if (typeof performed !== "string") {
      own = { index, slot: "slot" in op ? op.slot : undefined, done: false, outcome: "pending", reported: false };
      const record = own;
      running.push(record);
      performed.then((outcome) => {
        record.done = true;
        record.outcome = outcome;
      });
    }
    // What completes at once has settled after one turn of the event loop;
    // what is still pending gets `settleMs` (again while operations settle).
    await macrotask();
    if (pendingRecords().length > 0) {
      for (let round = 0; round < maxRounds; round++) {
        const before = doneCount();
        await sleep(settleMs);
        if (doneCount() === before || pendingRecords().length === 0) break;
      }
    }
    let outcome: string;
    if (own === undefined) outcome = performed as string;
    else if (own.done) {
      outcome = own.outcome;
      own.reported = true;
    } else outcome = "pending";
    const settled: [number, string][] = [];
    for (const r of running) {
      if (r.done && !r.reported) {
        r.reported = true;
        settled.push([r.index, r.outcome]);
      }
    }
    const pending = pendingRecords().map((r) => r.index);
    entries.push({ index, op, ...(cleanup ? { cleanup } : {}), outcome, settled, pending });
  };

  for (const op of ops) await step(op, false);
  // Clean-up: cancel what is pending, handle by handle, then close everything.
  const cancelled = new Set<number>();
  for (const r of running) {
    if (r.done || r.slot === undefined || cancelled.has(r.slot) || handles[r.slot] === undefined) continue;
    cancelled.add(r.slot);
    await step({ kind: "cancelIo", slot: r.slot }, true);
  }
  for (let slot = 0; slot < handles.length; slot++) {
    if (handles[slot] !== undefined) await step({ kind: "close", slot }, true);
  }
  return {
    kernel: kernel.name,
    entries,
    leakedHandles: kernel.liveHandles() - baseline,
    elapsedMs: Date.now() - started,
  };
}
