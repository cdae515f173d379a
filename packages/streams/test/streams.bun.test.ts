/**
 * Bun entry of the @winpipe/streams suites:
 * `bun test ./packages/streams/test/streams.bun.test.ts`.
 *
 * @module
 */
import { test } from "bun:test";
import type { RegisterTest } from "./helpers.ts";
import { streamsSuites } from "./suites.ts";

const register: RegisterTest = (name, fn, skip) =>
  skip ? test.skip(`${name} (skipped: ${skip})`, fn) : test(name, fn, 30_000);

streamsSuites(register);
