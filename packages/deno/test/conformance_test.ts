/**
 * The conformance suite of `@winpipe/testing` against the kernel32
 * backend. Run under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh -- wine /win/deno.exe test -A packages/deno/test/conformance_test.ts
 *
 * Each skip names a Wine deviation listed in docs/behaviours.md ("Known Wine
 * deviations") or a finding recorded with its evidence in docs/wine-findings.md.
 *
 * @module
 */
import { conformanceSuite, WINE_KNOWN_DEVIATIONS } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { onWindows, PENDING_DELAY_MS, register, underWine } from "./util.ts";

if (onWindows) {
  conformanceSuite(() => new Kernel32(), {
    register,
    pendingDelayMs: PENDING_DELAY_MS,
    skip: underWine ? WINE_KNOWN_DEVIATIONS : {},
  });
}
