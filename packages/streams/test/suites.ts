/**
 * Every suite of @winpipe/streams, for the runtime entries: over the model
 * (`streams_test.ts` for Deno, `streams.bun.test.ts` for Bun) and over
 * kernel32 on Windows or under Wine (`kernel32_test.ts` for Deno,
 * `kernel32.bun.test.ts` for Bun). They run over
 * `createWinpipe(backend.kernel(), { streams })`.
 *
 * @module
 */
import { backpressureTests } from "./backpressure.ts";
import { framingTests } from "./framing.ts";
import { nodeDuplexTests } from "./node_duplex.ts";
import { getterTests } from "./getters.ts";
import { interopTests } from "./interop.ts";
import { modelBackend, type RegisterTest, type StreamsBackend } from "./helpers.ts";
import { pipeToTests } from "./pipe_to.ts";
import { readableTests } from "./readable.ts";
import { writableTests } from "./writable.ts";

/** Registers all @winpipe/streams suites with `register`, over `backend` (default: the model). */
export function streamsSuites(register: RegisterTest, backend: StreamsBackend = modelBackend): void {
  const suite = { register, backend };
  readableTests(suite);
  writableTests(suite);
  pipeToTests(suite);
  backpressureTests(suite);
  getterTests(suite);
  framingTests(suite);
  nodeDuplexTests(suite);
  interopTests(suite);
}
