// All runtime-agnostic unit suites of @winpipe/core, for the Deno and Bun entries.
import {
  bufferOwnershipSuite,
  messageEndingSuite,
  nonblockingWriteSuite,
  type RegisterTest,
  serverNameSuite,
} from "../testing.ts";
import { createModelKernel } from "../model.ts";
import { apiBehaviourTests } from "./suites/api_behaviour.ts";
import { apiInputTests } from "./suites/api_inputs.ts";
import { commandLineTests } from "./suites/command_line.ts";
import { errorTests } from "./suites/errors.ts";
import { validationTests } from "./suites/validation.ts";

export function unitSuites(register: RegisterTest): void {
  errorTests(register);
  validationTests(register);
  apiInputTests(register);
  apiBehaviourTests(register);
  commandLineTests(register);
  // The suites the kernel32 backends run under Wine, here on the model.
  const model = () => createModelKernel();
  bufferOwnershipSuite(model, { register, pendingDelayMs: 5 });
  serverNameSuite(model, { register });
  nonblockingWriteSuite(model, { register, pendingDelayMs: 5 });
  messageEndingSuite(model, { register });
}
