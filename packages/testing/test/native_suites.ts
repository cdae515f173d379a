/**
 * Every suite that runs natively, on the in-memory model: the model's own
 * tests, the API's unit suites, the conformance suite (and its coverage of
 * every behaviour id), the differential machinery, and the robustness
 * and security suites the kernel32 backends run under Wine. One list for the Deno entry
 * (native_test.ts) and the Bun entry (native.bun.test.ts).
 *
 * @module
 */
import { createModelKernel, type ModelKernel } from "@winpipe/core/model";
import {
  bufferOwnershipSuite,
  conformanceSuite,
  messageEndingSuite,
  nonblockingWriteSuite,
  type RegisterTest,
  securitySuite,
  serverNameSuite,
} from "../mod.ts";
import { BEHAVIOUR_IDS, checkCoverage } from "./conformance/behaviour_ids.ts";
import { differentialTests } from "./differential/suite.ts";
import { modelSuites } from "./model/suites.ts";
import { modelSecurityTests } from "./model/security.ts";
import { sddlTests } from "./suites/sddl.ts";
import { unitSuites } from "./unit_suites.ts";

export function nativeSuites(register: RegisterTest): void {
  const model = () => createModelKernel();
  unitSuites(register);
  modelSuites(register);
  register(`conformance suite covers all ${BEHAVIOUR_IDS.length} behaviour ids`, () => checkCoverage());
  conformanceSuite(model, { register, pendingDelayMs: 5 });
  differentialTests(register);
  bufferOwnershipSuite(model, { register, pendingDelayMs: 5 });
  serverNameSuite(model, { register });
  nonblockingWriteSuite(model, { register, pendingDelayMs: 5 });
  messageEndingSuite(model, { register });
  securitySuite(model, { register, processId: (kernel) => (kernel as ModelKernel).process.processId });
  modelSecurityTests(register);
  sddlTests(register);
}
