/**
 * {@linkcode differentialSuite}: the differential test as a backend's test
 * file registers it: the seeds in batches (one test each, so that a runner
 * shows progress and a failure names its seeds), or one seed replayed with
 * both traces printed, chosen by the environment.
 *
 * @module
 */
import type { RegisterTest } from "../harness.ts";
import {
  compareKernels,
  type CompareOptions,
  type DiffKernelFactory,
  formatMismatch,
  type Mismatch,
  replaySequence,
} from "./compare.ts";
import { MODEL_SETTLE_MS } from "./runner.ts";

/**
 * Options of {@linkcode differentialSuite}.
 *
 * @example
 * ```ts ignore
 * import type { DifferentialSuiteOptions } from "@winpipe/testing";
 * const options: DifferentialSuiteOptions = {
 *   register: (name, fn) => Deno.test(name, fn),
 *   env: (name) => Deno.env.get(name) || undefined,
 *   replayCommand: (seed) => `WINPIPE_DIFF_SEED=${seed} deno test -A differential_test.ts`,
 *   label: "my-kernel",
 * };
 * ```
 */
export interface DifferentialSuiteOptions {
  /** Registers each batch with the test runner. */
  register: RegisterTest;
  /** Reads an environment variable (`Deno.env.get`, `process.env[...]`); empty counts as unset. */
  env: (name: string) => string | undefined;
  /** The command that replays one seed, printed beside each mismatch. */
  replayCommand: (seed: number) => string;
  /** Names the tests: `differential (LABEL): ...`. */
  label: string;
  /**
   * The seeds this runner covers unless WINPIPE_DIFF_BASE_SEED and
   * WINPIPE_DIFF_COUNT say otherwise. Default 1 and 200. The Deno and Bun
   * backends take different halves (1..100 and 101..200), so that together
   * they replay 200 different sequences against kernel32 in the time of 100
   * each.
   */
  seeds?: { base: number; count: number };
}

/** Sequences per test. */
const BATCH = 25;

/**
 * How the sequences run. kernel32 under Wine completes a pending operation
 * within a few ms normally; 120 ms per checkpoint leaves room for a loaded
 * machine. Sequences run 16 at a time (each on its own pipe names) so that
 * the checkpoints' waits overlap: a batch of 25 takes 3.5-5 s under Wine on a
 * 2-CPU machine, against 10-14 s 4 at a time (the same steps: a sequence
 * depends only on its seed). The model's checkpoint is
 * {@linkcode MODEL_SETTLE_MS}, for its own timers with 16 sequences in one
 * event loop.
 */
function compareOptions(env: DifferentialSuiteOptions["env"]): Omit<CompareOptions, "seed"> {
  return {
    length: 40,
    runA: { settleMs: MODEL_SETTLE_MS },
    runB: { settleMs: Number(env("WINPIPE_DIFF_SETTLE_MS") ?? 120) },
    concurrency: 16,
  };
}

/** A count per name, as `name n, ...` sorted by name. */
function counts(record: Record<string, number>): string {
  return Object.entries(record).sort().map(([k, n]) => `${k} ${n}`).join(", ");
}

/**
 * Registers the differential test of `kernelB` against `kernelA` (the
 * model). The environment chooses what runs:
 * - WINPIPE_DIFF_SEED: replay only this seed and print both traces in full;
 * - WINPIPE_DIFF_BASE_SEED, WINPIPE_DIFF_COUNT: which seeds run (default
 *   `options.seeds`, else 1..200; in batches of 25, one test per batch);
 * - WINPIPE_DIFF_SETTLE_MS: the second kernel's checkpoint wait (default 120).
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { differentialSuite } from "@winpipe/testing";
 * const names: string[] = [];
 * differentialSuite(createModelKernel, createModelKernel, {
 *   register: (name) => void names.push(name), // Deno.test, bun:test's test
 *   env: () => undefined,
 *   replayCommand: (seed) => `WINPIPE_DIFF_SEED=${seed} deno test my_test.ts`,
 *   label: "model",
 * });
 * names[0]; // "differential (model): model vs kernel32, seeds 1..25"
 * ```
 */
export function differentialSuite(
  kernelA: DiffKernelFactory,
  kernelB: DiffKernelFactory,
  options: DifferentialSuiteOptions,
): void {
  const { register, env, replayCommand, label } = options;
  const compare = compareOptions(env);
  const report = (mismatches: Mismatch[]) =>
    mismatches.map((m) => `${formatMismatch(m)}\n  replay: ${replayCommand(m.seed)}`).join("\n\n");
  const replaySeed = env("WINPIPE_DIFF_SEED");
  if (replaySeed !== undefined) {
    const seed = Number(replaySeed);
    register(`differential (${label}): replay seed ${seed}, model vs kernel32`, async () => {
      const replay = await replaySequence(kernelA, kernelB, seed, compare);
      console.log(replay.report);
      if (replay.mismatch) throw new Error(`seed ${seed}: the kernels differ (see the traces above)`);
    });
    return;
  }
  const baseSeed = Number(env("WINPIPE_DIFF_BASE_SEED") ?? options.seeds?.base ?? 1);
  const total = Number(env("WINPIPE_DIFF_COUNT") ?? options.seeds?.count ?? 200);
  for (let start = 0; start < total; start += BATCH) {
    const seed = baseSeed + start;
    const count = Math.min(BATCH, total - start);
    register(`differential (${label}): model vs kernel32, seeds ${seed}..${seed + count - 1}`, async () => {
      const excluded: Record<string, number> = {};
      const result = await compareKernels(kernelA, kernelB, {
        ...compare,
        seed,
        count,
        onExclude: (id) => (excluded[id] = (excluded[id] ?? 0) + 1),
      });
      console.log(
        `${count} sequences, ${result.steps} steps each side, ${(result.elapsedMs / 1000).toFixed(1)} s, ` +
          `${result.mismatches.length} mismatch(es)\n  steps: ${counts(result.kinds)}\n` +
          `  left out: ${counts(excluded) || "nothing"}`,
      );
      if (result.mismatches.length > 0) {
        throw new Error(`${result.mismatches.length} sequence(s) differ:\n\n${report(result.mismatches)}`);
      }
    });
  }
}
