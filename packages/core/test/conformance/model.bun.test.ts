// The conformance suite against the in-memory reference model, under Bun.
import { test } from "bun:test";
import { createModelKernel } from "../../model.ts";
import { conformanceSuite } from "../../src/testing/conformance.ts";
import type { RegisterTest } from "../../src/testing/harness.ts";
import { checkCoverage, SPEC_IDS } from "./spec_ids.ts";

const register: RegisterTest = (name, fn, skip) => {
  if (skip === undefined) test(name, fn);
  else test.skip(`${name} (skipped: ${skip})`, fn);
};

test(`conformance suite covers all ${SPEC_IDS.length} SPEC ids`, () => {
  checkCoverage();
});

conformanceSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
