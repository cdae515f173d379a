/**
 * `@winpipe/cli`: the `winpipe` command-line tool, for Deno: list pipes,
 * show one, send, call, listen and cat, with `--json` for scripts. Run it
 * without installing:
 *
 * ```sh
 * deno run --allow-ffi jsr:@winpipe/cli ls
 * deno run --allow-ffi jsr:@winpipe/cli call my-service "ping"
 * ```
 *
 * Under Bun: `bunx @winpipe/cli ...` (the `./bun` entry point). Importing
 * this module runs nothing; running it as the main module runs the tool
 * with the process's arguments over `@winpipe/deno`.
 *
 * @example Running the tool from code (here: its help)
 * ```ts
 * import { denoEnvironment, runCli } from "@winpipe/cli";
 * const code = await runCli(["help"], denoEnvironment()); // prints the help; 0
 * ```
 *
 * @module
 */
import * as winpipe from "@winpipe/deno";
import type { CliEnvironment } from "./src/environment.ts";
import { main, processEnvironment } from "./src/process_environment.ts";
import { runCli } from "./src/run.ts";

export type { CliEnvironment, CliPipes } from "./src/environment.ts";
export { runCli } from "./src/run.ts";

/**
 * The tool's environment in this Deno process: `@winpipe/deno` over
 * kernel32, the standard streams, Ctrl+C.
 *
 * @example
 * ```ts
 * import { denoEnvironment, runCli } from "@winpipe/cli";
 * await runCli(["help", "ls"], denoEnvironment()); // 0, the help of ls on standard output
 * ```
 */
export function denoEnvironment(): CliEnvironment {
  return processEnvironment(winpipe);
}

if (import.meta.main) await main(winpipe, runCli);
