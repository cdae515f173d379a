/**
 * The options of the command-line tool, parsed with `parseArgs` of
 * `node:util` (Node's own parser, which Deno and Bun implement: strict, no
 * dependency, no permission asked). docs/toolkit.md says why this one.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./exit_codes.ts";

/** Every option any command takes; each command allows some of them. */
export const OPTIONS = {
  json: { type: "boolean", description: "print JSON (one value, or one per line for streams of events)" },
  message: { type: "boolean", description: "message pipe: send the input as one message / one message per line" },
  echo: { type: "boolean", description: "send back to each client what it sent" },
  once: { type: "boolean", description: "stop after the first client has gone" },
  wait: { type: "boolean", description: "wait for the pipe to be created (connect's waitForCreation)" },
  timeout: { type: "string", description: "MS: how long to wait for a busy (or, with --wait, missing) pipe" },
  "max-reply": { type: "string", description: "BYTES: the largest reply accepted (default 16 MiB)" },
  "max-instances": { type: "string", description: "N: instances the server may have, 1 to 254 (default unlimited)" },
  method: { type: "string", short: "X", description: "METHOD: the HTTP method (default GET, or POST with --data)" },
  header: { type: "string", short: "H", multiple: true, description: '"NAME: VALUE": a request header (repeatable)' },
  data: { type: "string", short: "d", description: "DATA: the request body as UTF-8 text; - reads standard input" },
  include: { type: "boolean", short: "i", description: "print the status line and the headers before the body" },
  protocol: { type: "string", multiple: true, description: "P: a WebSocket subprotocol to offer (repeatable)" },
  count: { type: "string", description: "N: close after N messages came (default: when the server closes)" },
  help: { type: "boolean", short: "h", description: "show the command's help" },
} as const;

/** An option's name. */
export type OptionName = keyof typeof OPTIONS;

/** The parsed options: booleans and strings by name. */
export type OptionValues = {
  [N in OptionName]?: (typeof OPTIONS)[N] extends { multiple: true } ? string[]
    : (typeof OPTIONS)[N]["type"] extends "boolean" ? boolean
    : string;
};

/** The positionals and options of one command's arguments. */
export interface ParsedArguments {
  positionals: string[];
  values: OptionValues;
}

/** Parses a command's arguments, allowing only `allowed` options; mistakes are UsageErrors. */
export function parseCommandArguments(
  command: string,
  args: string[],
  allowed: readonly OptionName[],
): ParsedArguments {
  const options = Object.fromEntries(
    [...allowed, "help" as const].map((name) => {
      const { description: _, ...option } = OPTIONS[name];
      return [name, option];
    }),
  );
  try {
    const { positionals, values } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { positionals, values: values as OptionValues };
  } catch (err) {
    // parseArgs' own wording ("Unknown option '--x'"), with the command it was given to.
    throw new UsageError(`${command}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, "")}`);
  }
}

/** A whole number option (`--timeout 500`), or `fallback` when it is absent. */
export function numberOption(
  values: OptionValues,
  name: OptionName,
  min: number,
  max: number,
  fallback: number,
): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (typeof text !== "string" || !/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}: got "${text}"`);
  }
  return value;
}
