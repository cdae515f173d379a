#!/usr/bin/env bun
/**
 * `@winpipe/cli/bun`: the `winpipe` command-line tool, for Bun: the
 * program `bunx @winpipe/cli` runs (the package's `bin`). Importing this
 * module runs nothing; running it as the main module runs the tool with
 * the process's arguments over `@winpipe/bun`.
 *
 * ```sh
 * bunx @winpipe/cli ls
 * bunx @winpipe/cli listen my-test --echo
 * ```
 *
 * @example Running the tool from code (here: its help)
 * ```ts ignore
 * import { bunEnvironment, runCli } from "@winpipe/cli/bun";
 * const code = await runCli(["help"], bunEnvironment());
 * ```
 *
 * @module
 */
import * as winpipe from "@winpipe/bun";
import type { CliEnvironment } from "./src/environment.ts";
import { main, processEnvironment } from "./src/process_environment.ts";
import { runCli } from "./src/run.ts";

export type { CliEnvironment, CliPipes } from "./src/environment.ts";
export { runCli } from "./src/run.ts";

/**
 * The tool's environment in this Bun process: `@winpipe/bun` over kernel32,
 * the standard streams, Ctrl+C.
 *
 * @example
 * ```ts ignore
 * import { bunEnvironment, runCli } from "@winpipe/cli/bun";
 * await runCli(["help", "ls"], bunEnvironment()); // 0, the help of ls on standard output
 * ```
 */
export function bunEnvironment(): CliEnvironment {
  return processEnvironment(winpipe);
}

if (import.meta.main) await main(winpipe, runCli);
