// All runtime-agnostic unit suites of @winpipe/core, for the Deno and Bun entries.
import type { RegisterTest } from "../testing.ts";
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
}
