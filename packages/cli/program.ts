/**
 * `@winpipe/cli/program`: the `winpipe` command-line tool as a function,
 * {@linkcode runCli}, runtime-neutral: the Deno and Bun entry points give
 * it their winpipe binding and their standard streams; tests give it the
 * in-memory model.
 *
 * @example On the model, with standard output collected
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { runCli } from "@winpipe/cli/program";
 *
 * const pipes = createWinpipe(createModelKernel());
 * using server = pipes.createServer(String.raw`\\.\pipe\demo`, { maxInstances: 2 });
 * let out = "";
 * const code = await runCli(["ls", "de*", "--json"], {
 *   pipes,
 *   stdin: async function* () {},
 *   stdout: (data) => Promise.resolve(void (out += typeof data === "string" ? data : new TextDecoder().decode(data))),
 *   stderr: () => {},
 * });
 * code; // 0
 * JSON.parse(out); // [{ name: "\\\\.\\pipe\\demo", instances: 1, maxInstances: 2 }]
 * ```
 *
 * @module
 */
export type { CliEnvironment, CliPipes } from "./src/environment.ts";
export {
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_NOT_FOUND,
  EXIT_OK,
  EXIT_TIMED_OUT,
  EXIT_USAGE,
} from "./src/exit_codes.ts";
export { runCli } from "./src/run.ts";
export { VERSION } from "./src/version.ts";
