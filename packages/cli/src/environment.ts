/**
 * {@linkcode CliEnvironment}: what the command-line tool needs from the
 * outside, so that one program runs under Deno and Bun (over kernel32) and
 * in tests (over the model).
 *
 * @module
 */
import type { Winpipe } from "@winpipe/core";

/**
 * The winpipe calls the tool makes: `@winpipe/deno`'s or `@winpipe/bun`'s exports, or `createWinpipe(kernel)`.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { CliPipes } from "@winpipe/cli/program";
 * const pipes: CliPipes = createWinpipe(createModelKernel()); // or: import * as pipes from "@winpipe/deno"
 * typeof pipes.listPipes; // "function"
 * ```
 */
export type CliPipes = Pick<Winpipe, "listPipes" | "connect" | "createServer" | "callNamedPipe" | "currentUser">;

/**
 * The tool's world: the pipes, its standard streams, and the user's interrupt.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type CliEnvironment, runCli } from "@winpipe/cli/program";
 * const errors: string[] = [];
 * const env: CliEnvironment = {
 *   pipes: createWinpipe(createModelKernel()),
 *   stdin: async function* () {},
 *   stdout: () => Promise.resolve(),
 *   stderr: (line) => void errors.push(line),
 * };
 * await runCli(["send", "missing", "hello"], env); // 3: no such pipe (EXIT_NOT_FOUND)
 * errors.length > 0; // true: a message that says what to do
 * ```
 */
export interface CliEnvironment {
  /** The winpipe API the commands use. */
  readonly pipes: CliPipes;
  /** Standard input, read to its end by `send -` and `call -`. */
  stdin(): AsyncIterable<Uint8Array>;
  /** Writes to standard output; resolves once the bytes were taken (backpressure). */
  stdout(data: Uint8Array | string): Promise<void>;
  /** Writes a line of text to standard error (messages, `listen`'s events). */
  stderr(line: string): void;
  /** Aborts when the user interrupts (Ctrl+C): `listen` stops listening and exits 0. */
  readonly interrupted?: AbortSignal;
}
