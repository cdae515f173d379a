// The unit suites of @winpipe/core's API (errors, validation, inputs, behaviour, command lines).
import type { RegisterTest } from "../mod.ts";
import { apiBehaviourTests } from "./suites/api_behaviour.ts";
import { apiInputTests } from "./suites/api_inputs.ts";
import { commandLineTests } from "./suites/command_line.ts";
import { errorTests } from "./suites/errors.ts";
import { statusLinesTests } from "./suites/status_lines.ts";
import { validationTests } from "./suites/validation.ts";

export function unitSuites(register: RegisterTest): void {
  errorTests(register);
  validationTests(register);
  apiInputTests(register);
  apiBehaviourTests(register);
  commandLineTests(register);
  statusLinesTests(register);
}
