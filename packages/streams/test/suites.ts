/**
 * Every suite of @winpipe/streams, for the runtime entries
 * (`streams_test.ts` for Deno, `streams.bun.test.ts` for Bun). They run over
 * `createWinpipe(createModelKernel(), { streams })`.
 *
 * @module
 */
import { backpressureTests } from "./backpressure.ts";
import { getterTests } from "./getters.ts";
import type { RegisterTest } from "./helpers.ts";
import { pipeToTests } from "./pipe_to.ts";
import { readableTests } from "./readable.ts";
import { writableTests } from "./writable.ts";

/** Registers all @winpipe/streams suites with `register`. */
export function streamsSuites(register: RegisterTest): void {
  readableTests(register);
  writableTests(register);
  pipeToTests(register);
  backpressureTests(register);
  getterTests(register);
}
