/**
 * `@winpipe/core/testing`: the conformance suite that every backend runs
 * (one case per SPEC id), the backend suites every kernel32 backend runs
 * (abort, concurrency, event loop, handle release), and the harness they are
 * built on.
 *
 * @example In a Deno test file (not run as a doc test: it registers tests)
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/core/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 *
 * conformanceSuite(() => createModelKernel(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   skip: { A7: "Wine 10 ignores FILE_FLAG_FIRST_PIPE_INSTANCE (SPEC.md, Known Wine deviations)" },
 * });
 * ```
 *
 * @module
 */
export * from "./src/testing/harness.ts";
export * from "./src/testing/conformance.ts";
export * from "./src/testing/differential.ts";
export * from "./src/testing/backend.ts";
export * from "./src/testing/process.ts";
export * from "./src/testing/buffers.ts";
export * from "./src/testing/server_name.ts";
export * from "./src/testing/nonblocking_write.ts";
export * from "./src/testing/message_endings.ts";
export * from "./src/testing/error_wording.ts";
