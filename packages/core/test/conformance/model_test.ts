// The conformance suite against the in-memory reference model, under Deno
// (model.bun.test.ts runs it under Bun).
import { createModelKernel } from "../../model.ts";
import { conformanceSuite } from "../../src/testing/conformance.ts";
import type { RegisterTest } from "../../src/testing/harness.ts";

const register: RegisterTest = (name, fn, skip) =>
  Deno.test({ name: skip === undefined ? name : `${name} (skipped: ${skip})`, ignore: skip !== undefined, fn });
conformanceSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
