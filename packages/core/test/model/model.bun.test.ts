/**
 * Bun entry of the model's own tests: `bun test packages/core/test/model/`.
 *
 * @module
 */
import { test } from "bun:test";
import type { RegisterTest } from "../../src/testing/harness.ts";
import { modelSuites } from "./suites.ts";

const register: RegisterTest = (
  name,
  fn,
  skip,
) => (skip ? test.skip(`${name} (skipped: ${skip})`, fn) : test(name, fn));

modelSuites(register);
