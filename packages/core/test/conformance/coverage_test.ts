// The coverage check under Deno (model.bun.test.ts runs it under Bun).
import { checkCoverage, SPEC_IDS } from "./spec_ids.ts";

Deno.test(`conformance suite covers all ${SPEC_IDS.length} SPEC ids`, () => {
  checkCoverage();
});
