/**
 * {@linkcode Command}: what each command of the tool declares (its usage,
 * options and arguments) and the connect options they share.
 *
 * @module
 */
import type { ConnectOptions } from "@winpipe/core";
import type { CliEnvironment } from "./environment.ts";
import { numberOption, type OptionName, type OptionValues } from "./options.ts";

/** One command of `winpipe`. */
export interface Command {
  /** The word that selects it. */
  readonly name: string;
  /** Its arguments and options, after `winpipe NAME`. */
  readonly usage: string;
  /** One line on what it does. */
  readonly summary: string;
  /** More lines for `winpipe help NAME`. */
  readonly details: readonly string[];
  /** The options it takes (besides --help). */
  readonly options: readonly OptionName[];
  /** How many positional arguments it takes: at least, at most. */
  readonly positionals: readonly [number, number];
  /** Runs it; what it throws becomes the message and exit code (exit_codes.ts). */
  run(positionals: string[], values: OptionValues, env: CliEnvironment): Promise<void>;
}

/** The default wait for a busy pipe: a tool should not hang unseen. */
const DEFAULT_TIMEOUT_MS = 5000;

/** The connect options of --wait and --timeout, and the user's interrupt. */
export function waitOptions(values: OptionValues, env: CliEnvironment): ConnectOptions {
  const waitForCreation = values.wait === true;
  const timeout = numberOption(values, "timeout", 0, 0xfffffffe, waitForCreation ? Infinity : DEFAULT_TIMEOUT_MS);
  return { timeout, waitForCreation, signal: env.interrupted };
}
