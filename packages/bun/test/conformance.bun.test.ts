/**
 * The conformance suite of `@winpipe/testing` against the Bun kernel32
 * backend. Run under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- bun test ./packages/bun/test/conformance.bun.test.ts
 *
 * Under Wine the cases in WINE_KNOWN_DEVIATIONS are skipped, each with its
 * reason: a Wine deviation listed in docs/behaviours.md ("Known Wine deviations") or a
 * finding recorded with its evidence in docs/wine-findings.md (W-S15). Off
 * Windows nothing is registered but the note below.
 *
 * @module
 */
import { test } from "bun:test";
import { conformanceSuite, WINE_KNOWN_DEVIATIONS } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { onWindows, PENDING_DELAY_MS, register, underWine } from "./util.ts";

if (onWindows) {
  conformanceSuite(() => new Kernel32(), {
    register,
    pendingDelayMs: PENDING_DELAY_MS,
    skip: underWine ? WINE_KNOWN_DEVIATIONS : {},
  });
} else {
  test.skip("conformance: kernel32 (skipped: Windows only; run it under the Wine test bed)", () => {});
}
