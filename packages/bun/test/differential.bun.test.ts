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
import { differentialSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { windowsRegister } from "./util.ts";

differentialSuite(() => createModelKernel(), () => new Kernel32(), {
  register: windowsRegister,
  env: (name) => process.env[name] || undefined,
  replayCommand: (seed) =>
    `bash scripts/wine/run.sh --env NO_COLOR=1 --env WINPIPE_DIFF_SEED=${seed} -- ` +
    `bun test ./packages/bun/test/differential.bun.test.ts`,
  label: "bun",
});
