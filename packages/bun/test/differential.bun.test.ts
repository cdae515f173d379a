/**
 * Differential test under Bun: random operation sequences replayed on the
 * in-memory model and on kernel32 through this backend, every result and
 * Win32 error code compared (`@winpipe/testing`, differential.ts; the
 * same runner as packages/deno/test/differential_test.ts). Run under the
 * Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- bun test ./packages/bun/test/differential.bun.test.ts
 *
 * Environment (pass with `--env NAME=VALUE` to run.sh):
 * - WINPIPE_DIFF_SEED: replay only this seed and print both traces in full;
 * - WINPIPE_DIFF_BASE_SEED, WINPIPE_DIFF_COUNT: which seeds run (default
 *   1..200, in batches of 25, one test per batch; each batch prints its seeds);
 * - WINPIPE_DIFF_SETTLE_MS: kernel32's checkpoint wait (default 120).
 *
 * Shapes kernel32 under Wine is known to get wrong are not generated
 * (WINE_EXCLUSIONS, each backed by docs/behaviours.md's list or docs/wine-findings.md).
 *
 * @module
 */
import { createModelKernel } from "@winpipe/core/model";
import { compareKernels, type CompareOptions, formatMismatch, type Mismatch, replaySequence } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { windowsRegister } from "./util.ts";

const env = (name: string): string | undefined => process.env[name] || undefined;

/** Sequences per test. */
const BATCH = 25;
const BASE_SEED = Number(env("WINPIPE_DIFF_BASE_SEED") ?? 1);
const COUNT = Number(env("WINPIPE_DIFF_COUNT") ?? 200);
const REPLAY_SEED = env("WINPIPE_DIFF_SEED");
/** A batch of 25 takes 7-10 s under Wine; a loaded machine gets ample room. */

/**
 * How the sequences run: as the Deno test runs them (120 ms per kernel32
 * checkpoint, 4 sequences at once, each on its own pipe names).
 */
const OPTIONS: Omit<CompareOptions, "seed"> = {
  length: 40,
  runA: { settleMs: 10 },
  runB: { settleMs: Number(env("WINPIPE_DIFF_SETTLE_MS") ?? 120) },
  concurrency: 4,
};

const model = () => createModelKernel();
const kernel32 = () => new Kernel32();

function replayCommand(seed: number): string {
  return `bash scripts/wine/run.sh --env NO_COLOR=1 --env WINPIPE_DIFF_SEED=${seed} -- ` +
    `bun test ./packages/bun/test/differential.bun.test.ts`;
}

function report(mismatches: Mismatch[]): string {
  return mismatches.map((m) => `${formatMismatch(m)}\n  replay: ${replayCommand(m.seed)}`).join("\n\n");
}

if (REPLAY_SEED !== undefined) {
  const seed = Number(REPLAY_SEED);
  windowsRegister(`differential (bun): replay seed ${seed}, model vs kernel32`, async () => {
    const replay = await replaySequence(model, kernel32, seed, OPTIONS);
    console.log(replay.report);
    if (replay.mismatch) throw new Error(`seed ${seed}: the kernels differ (see the traces above)`);
  });
} else {
  for (let start = 0; start < COUNT; start += BATCH) {
    const seed = BASE_SEED + start;
    const count = Math.min(BATCH, COUNT - start);
    windowsRegister(`differential (bun): model vs kernel32, seeds ${seed}..${seed + count - 1}`, async () => {
      const result = await compareKernels(model, kernel32, { ...OPTIONS, seed, count });
      console.log(
        `seeds ${result.seeds[0]}..${result.seeds[result.seeds.length - 1]}: ${count} sequences, ` +
          `${result.steps} steps each side, ${(result.elapsedMs / 1000).toFixed(1)} s, ` +
          `${result.mismatches.length} mismatch(es)`,
      );
      if (result.mismatches.length > 0) {
        throw new Error(`${result.mismatches.length} sequence(s) differ:\n\n${report(result.mismatches)}`);
      }
    });
  }
}
