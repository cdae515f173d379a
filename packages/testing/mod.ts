/**
 * `@winpipe/testing`: the conformance suite that every backend runs
 * (one case per behaviour id), the backend suites every kernel32 backend runs
 * (abort, concurrency, event loop, handle release), the robustness and
 * security suites, and the harness they are built on.
 *
 * @example In a Deno test file (not run as a doc test: it registers tests)
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 *
 * conformanceSuite(() => createModelKernel(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   skip: { A7: "Wine 10 ignores FILE_FLAG_FIRST_PIPE_INSTANCE (docs/behaviours.md, Known Wine deviations)" },
 * });
 * ```
 *
 * @module
 */
export * from "./src/harness.ts";
export * from "./src/conformance.ts";
export * from "./src/differential.ts";
export * from "./src/backend.ts";
export * from "./src/process.ts";
export * from "./src/buffers.ts";
export * from "./src/server_name.ts";
export * from "./src/nonblocking_write.ts";
export * from "./src/message_endings.ts";
export * from "./src/error_wording.ts";
export * from "./src/immediate_failures.ts";
export * from "./src/security.ts";
export * from "./src/peer_identity.ts";
export * from "./src/robustness.ts";
export * from "./src/status_lines.ts";
