/**
 * Bun entry of the differential machinery's tests:
 * `bun test ./packages/core/test/differential/differential.bun.test.ts`.
 *
 * @module
 */
import { test } from "bun:test";
import type { RegisterTest } from "../../src/testing/harness.ts";
import { differentialTests } from "./suite.ts";

const register: RegisterTest = (name, fn, skip) =>
  skip ? test.skip(`${name} (skipped: ${skip})`, fn) : test(name, fn, 60_000);

differentialTests(register);
