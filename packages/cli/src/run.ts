/**
 * {@linkcode runCli}: one run of `winpipe`: the command chosen, its
 * arguments parsed, its errors worded with what to do, and the exit code.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { call } from "./commands/call.ts";
import { cat } from "./commands/cat.ts";
import { fetch } from "./commands/fetch.ts";
import { info } from "./commands/info.ts";
import { listen } from "./commands/listen.ts";
import { ls } from "./commands/ls.ts";
import { send } from "./commands/send.ts";
import { ws } from "./commands/ws.ts";
import type { CliEnvironment } from "./environment.ts";
import { adviceFor, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exitCodeOf, UsageError } from "./exit_codes.ts";
import { OPTIONS, parseCommandArguments } from "./options.ts";
import { VERSION } from "./version.ts";

const COMMANDS: readonly Command[] = [ls, info, send, call, listen, cat, fetch, ws];

const EXIT_CODES = [
  "exit codes: 0 done, 1 a pipe call failed, 2 wrong command line, 3 no such pipe,",
  "4 timed out (busy pipe, --timeout), 130 interrupted",
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "winpipe: Windows named pipes from the command line",
    "",
    "usage: winpipe COMMAND [ARGUMENTS] [OPTIONS]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "NAME is \\\\.\\pipe\\NAME, \\\\SERVER\\pipe\\NAME, or just NAME for \\\\.\\pipe\\NAME.",
    "`winpipe help COMMAND` (or COMMAND --help) tells more; `winpipe --version` prints the version.",
    ...EXIT_CODES,
  ].join("\n") + "\n";
}

function commandHelp(command: Command): string {
  const options = command.options.map((name) => {
    const option: { short?: string; description: string } = OPTIONS[name];
    return `  ${option.short ? `-${option.short}, ` : "    "}--${name.padEnd(14)} ${option.description}`;
  });
  return [
    `usage: winpipe ${command.usage}`,
    "",
    command.summary,
    ...command.details,
    ...(options.length > 0 ? ["", "options:", ...options] : []),
    "",
    ...EXIT_CODES,
  ].join("\n") + "\n";
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(`unknown command "${name}": the commands are ${COMMANDS.map((c) => c.name).join(", ")}`);
  }
  return command;
}

/**
 * Runs `winpipe` with `args` (the words after the program's name) in `env`
 * and resolves with its exit code; it never throws. Errors go to standard
 * error as `winpipe: MESSAGE`, with a line on what to do where there is
 * one.
 *
 * @example A missing pipe, on the model
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { runCli } from "@winpipe/cli/program";
 * const errors: string[] = [];
 * const code = await runCli(["info", "nobody-serves-this"], {
 *   pipes: createWinpipe(createModelKernel()),
 *   stdin: async function* () {},
 *   stdout: () => Promise.resolve(),
 *   stderr: (line) => void errors.push(line),
 * });
 * code; // 3 (EXIT_NOT_FOUND)
 * errors[1]; // "  no pipe has this name: check the name (`winpipe ls` lists pipes where Windows can), or pass --wait ..."
 * ```
 */
export async function runCli(args: readonly string[], env: CliEnvironment): Promise<number> {
  const [name, ...rest] = args;
  let command: Command | undefined;
  try {
    if (name === undefined) {
      env.stderr(overview().trimEnd());
      return EXIT_USAGE;
    }
    if (name === "--version") {
      if (rest.length > 0) {
        throw new UsageError(`--version takes no arguments: got ${rest.map((a) => `"${a}"`).join(", ")}`);
      }
      await env.stdout(`winpipe ${VERSION}\n`);
      return EXIT_OK;
    }
    if (name === "help" || name === "--help" || name === "-h") {
      await env.stdout(rest[0] === undefined ? overview() : commandHelp(findCommand(rest[0])));
      return EXIT_OK;
    }
    command = findCommand(name);
    const { positionals, values } = parseCommandArguments(name, [...rest], command.options);
    if (values.help) {
      await env.stdout(commandHelp(command));
      return EXIT_OK;
    }
    const [min, max] = command.positionals;
    if (positionals.length < min) throw new UsageError(`${name}: NAME is missing`);
    if (positionals.length > max) {
      throw new UsageError(`${name}: too many arguments (${positionals.slice(max).map((p) => `"${p}"`).join(", ")})`);
    }
    await command.run(positionals, values, env);
    return EXIT_OK;
  } catch (err) {
    if (env.interrupted?.aborted) return EXIT_INTERRUPTED;
    env.stderr(`winpipe: ${err instanceof Error ? err.message : String(err)}`);
    const advice = err instanceof UsageError
      ? (command ? `usage: winpipe ${command.usage}` : "`winpipe help` lists the commands")
      : adviceFor(err);
    if (advice !== undefined) env.stderr(`  ${advice}`);
    return exitCodeOf(err);
  }
}
