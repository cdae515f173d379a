/**
 * Deno entry of the @winpipe/streams suites:
 * `deno test -A packages/streams/test/streams_test.ts`.
 *
 * @module
 */
import type { RegisterTest } from "./helpers.ts";
import { streamsSuites } from "./suites.ts";

const register: RegisterTest = (name, fn, skip) =>
  Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: skip !== undefined, fn });

streamsSuites(register);
