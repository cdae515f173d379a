/**
 * Building what CreateProcessW takes from a program and its arguments: the
 * command line (quoted so that the child's C runtime, CommandLineToArgvW and
 * most Windows programs split it back into the same arguments) and the
 * environment block.
 *
 * @module
 */
import { upcase } from "../upcase.ts";
import { requireString } from "../validate.ts";

/** Characters that make an argument need quotes (as libuv and Rust's std decide). */
const NEEDS_QUOTES = /[\s"]/;

/**
 * Quotes one argument by the rules of the Microsoft C runtime's argument
 * parser: an argument with white space or quotes is wrapped in quotes;
 * inside, `"` becomes `\"` and backslashes are doubled where they precede a
 * quote (including the closing one). An empty argument becomes `""`.
 *
 * @example
 * ```ts
 * import { quoteWindowsArgument } from "@winpipe/core";
 * quoteWindowsArgument("plain");          // plain
 * quoteWindowsArgument("two words");      // "two words"
 * quoteWindowsArgument(String.raw`a\"b`); // "a\\\"b"
 * quoteWindowsArgument("dir\\"); // dir\ (no quotes needed)
 * quoteWindowsArgument("my dir\\"); // "my dir\\"
 * ```
 */
export function quoteWindowsArgument(arg: string): string {
  requireString(arg, "argument");
  if (arg.includes("\0")) throw new TypeError(`argument must not contain NUL characters: got "${arg}"`);
  if (arg !== "" && !NEEDS_QUOTES.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      // 2n+1 backslashes then the quote: n literal backslashes and a literal quote.
      out += "\\".repeat(backslashes * 2 + 1) + '"';
    } else {
      out += "\\".repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  // Backslashes before the closing quote are doubled so it stays a closing quote.
  return out + "\\".repeat(backslashes * 2) + '"';
}

/**
 * The lpCommandLine for `program` and `args`: each quoted with
 * {@linkcode quoteWindowsArgument}, joined with spaces. The program name
 * follows the same rule (CreateProcessW splits it off by quotes).
 *
 * @example
 * ```ts
 * import { windowsCommandLine } from "@winpipe/core";
 * windowsCommandLine("cmd.exe", ["/c", "echo hello"]); // cmd.exe /c "echo hello"
 * ```
 */
export function windowsCommandLine(program: string, args: readonly string[]): string {
  requireString(program, "program");
  if (program === "") throw new TypeError("program must not be empty");
  if (!Array.isArray(args)) throw new TypeError(`args must be an array of strings: got ${typeof args}`);
  return [program, ...args].map((a, i) => {
    if (typeof a !== "string") throw new TypeError(`args[${i - 1}] must be a string: got ${typeof a}`);
    return quoteWindowsArgument(a);
  }).join(" ");
}

/**
 * The lpEnvironment block for CREATE_UNICODE_ENVIRONMENT: `NAME=value`
 * strings sorted by name without regard to case (as Windows expects), each
 * NUL-terminated, and a final NUL, in UTF-16LE. Names must be non-empty and
 * contain no `=` after the first character (Windows keeps `=C:`-style names)
 * and no NUL; values no NUL. Of two names that differ only in case (one
 * variable to Windows) the later in `env` is kept, name and value.
 *
 * @example
 * ```ts
 * import { windowsEnvironmentBlock } from "@winpipe/core";
 * const block = windowsEnvironmentBlock({ B: "2", a: "1" });
 * new TextDecoder("utf-16le").decode(block); // "a=1\0B=2\0\0"
 * ```
 */
export function windowsEnvironmentBlock(env: Readonly<Record<string, string>>): Uint8Array {
  if (env === null || typeof env !== "object") throw new TypeError(`env must be an object: got ${env}`);
  // One entry per name without regard to case, the later one kept (as Deno.Command and Rust's std do): Windows
  // has one variable whatever the case, and a child finds the first of two in the block. So
  // `{ ...Deno.env.toObject(), PATH: x }`, where this process has "Path", gives the child x.
  const byName = new Map<string, [string, string]>();
  for (const entry of Object.entries(env)) {
    const key = upcase(entry[0]);
    byName.delete(key);
    byName.set(key, entry);
  }
  const entries = [...byName.values()];
  for (const [name, value] of entries) {
    if (name === "" || name.includes("\0") || name.indexOf("=", 1) !== -1) {
      throw new TypeError(`env name must be non-empty without "=" or NUL: got "${name}"`);
    }
    if (typeof value !== "string") throw new TypeError(`env value of "${name}" must be a string: got ${typeof value}`);
    if (value.includes("\0")) throw new TypeError(`env value of "${name}" must not contain NUL characters`);
  }
  entries.sort(([a], [b]) => {
    const x = upcase(a), y = upcase(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const text = entries.map(([n, v]) => `${n}=${v}\0`).join("") + "\0";
  const block = new Uint8Array(text.length * 2 + (entries.length === 0 ? 2 : 0));
  const view = new DataView(block.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), true);
  return block;
}
