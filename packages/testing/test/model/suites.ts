/**
 * Every suite of the model's own tests, for the runtime entries
 * (`model_test.ts` for Deno, `model.bun.test.ts` for Bun).
 *
 * @module
 */
import type { RegisterTest } from "../../src/harness.ts";
import { cancellationTests } from "./cancellation.ts";
import { differentialFindingTests } from "./differential_findings.ts";
import { handleTests } from "./handles.ts";
import { lifecycleTests } from "./lifecycle.ts";
import { nonblockingTests } from "./nonblocking.ts";
import { quotaTests } from "./quota.ts";
import { readModeTests } from "./read_modes.ts";
import { transactTests } from "./transact.ts";
import { waitingTests } from "./waiting.ts";

/** Registers all model suites with `register`. */
export function modelSuites(register: RegisterTest): void {
  lifecycleTests(register);
  readModeTests(register);
  quotaTests(register);
  nonblockingTests(register);
  transactTests(register);
  cancellationTests(register);
  waitingTests(register);
  handleTests(register);
  differentialFindingTests(register);
}
