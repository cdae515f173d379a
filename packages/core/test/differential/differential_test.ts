/**
 * Deno entry of the differential machinery's tests:
 * `deno test -A packages/core/test/differential/`.
 *
 * @module
 */
import type { RegisterTest } from "../../src/testing/harness.ts";
import { differentialTests } from "./suite.ts";

const register: RegisterTest = (name, fn, skip) =>
  Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: skip !== undefined, fn });

differentialTests(register);
