/**
 * Deno entry of the model's own tests: `deno test -A packages/core/test/model/`.
 *
 * @module
 */
import type { RegisterTest } from "../../src/testing/harness.ts";
import { modelSuites } from "./suites.ts";

const register: RegisterTest = (name, fn, skip) =>
  Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: skip !== undefined, fn });

modelSuites(register);
