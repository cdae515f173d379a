/**
 * {@linkcode processEnvironment}: the tool's environment in a real process,
 * from `node:process`, which Deno and Bun both provide (so the two entry
 * points share it, and Deno asks for no permission beyond --allow-ffi).
 *
 * @module
 */
import process from "node:process";
import type { CliEnvironment, CliPipes } from "./environment.ts";

/** This process's standard streams and Ctrl+C, around `pipes` (a runtime's winpipe binding). */
export function processEnvironment(pipes: CliPipes): CliEnvironment {
  const interrupt = new AbortController();
  // The first Ctrl+C asks the command to stop (listen closes its server); a second one ends the process.
  process.once("SIGINT", () => {
    interrupt.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  return {
    pipes,
    stdin: () => process.stdin as AsyncIterable<Uint8Array>,
    stdout: (data) =>
      new Promise<void>((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve()))),
    stderr: (line) => void process.stderr.write(line + "\n"),
    interrupted: interrupt.signal,
  };
}

/** Runs the tool with this process's arguments and ends the process with its exit code. */
export async function main(
  pipes: CliPipes,
  run: (args: string[], env: CliEnvironment) => Promise<number>,
): Promise<never> {
  const code = await run(process.argv.slice(2), processEnvironment(pipes));
  // Let standard output drain before the process ends.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}
