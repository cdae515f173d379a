/**
 * Batch files: how a `.bat` or `.cmd` program is started so that its
 * arguments reach it as given and cannot run commands of their own.
 *
 * CreateProcessW starts a batch file through cmd.exe by itself, with the
 * command line as it was written for a C program. cmd.exe reads that line
 * by its own rules, so an argument quoted for a C program (`"&calc` becomes
 * `"\"&calc"`) ends cmd's quotes early and runs what follows: the BatBadBut
 * class of flaw (CVE-2024-24576 in Rust, the same in Node, Go, Python and
 * others). So winpipe starts cmd.exe itself, from the system directory, with
 * a command line written for cmd, as Rust's std has done since 1.77.2 (and
 * Deno.Command with it): library/std/src/sys/args/windows.rs,
 * `make_bat_command_line`. Node refuses batch files without `shell: true`
 * instead.
 *
 * @module
 */

/** Characters an argument may hold and stay unquoted for cmd.exe (Rust's list; anything else ASCII is quoted). */
const UNQUOTED = /^[A-Za-z0-9#$*+\-./:?@\\_]$/;

/**
 * Whether CreateProcessW would run `command` through cmd.exe: its name ends
 * in `.bat` or `.cmd`, in any case, also when followed by dots or spaces,
 * which Windows drops from file names (Rust's check missed those at first,
 * CVE-2024-43402).
 *
 * @example
 * ```ts
 * import { isBatchFile } from "@winpipe/core/internal";
 * isBatchFile(String.raw`C:\tools\build.CMD`); // true
 * isBatchFile("build.bat. "); // true
 * isBatchFile("build.exe"); // false
 * ```
 */
export function isBatchFile(command: string): boolean {
  const name = command.replace(/[. ]+$/, "").toLowerCase();
  return name.endsWith(".bat") || name.endsWith(".cmd");
}

/**
 * The lpCommandLine that runs the batch file `script` with `args` through
 * cmd.exe: `cmd.exe /e:ON /v:OFF /d /c ""SCRIPT" ARGS"`. Command extensions
 * on (for the `%` guard below), delayed expansion off (so `!` is plain),
 * AutoRun commands off. An argument is quoted when it is empty, ends with a
 * backslash, or holds any ASCII character but letters, digits and
 * `#$*+-./:?@\_` (or a control character); inside quotes a `"` is doubled
 * (with the backslashes before it doubled), and each `%` becomes
 * `%%cd:~,%`, an empty substring of `%cd%` that keeps cmd from expanding
 * `%NAME%`. A script name holding `"` or ending with `\` (no file name
 * does), and an argument holding CR or LF (cmd ends the command there), are
 * TypeErrors.
 *
 * @example
 * ```ts
 * import { windowsBatchCommandLine } from "@winpipe/core/internal";
 * windowsBatchCommandLine("run.cmd", ["a b", '"&calc', "100%"]);
 * // cmd.exe /e:ON /v:OFF /d /c ""run.cmd" "a b" """&calc" "100%%cd:~,%""
 * ```
 */
export function windowsBatchCommandLine(script: string, args: readonly string[]): string {
  if (script.includes('"') || script.endsWith("\\")) {
    throw new TypeError(`a batch file's name must not hold '"' or end with '\\': got ${JSON.stringify(script)}`);
  }
  let line = `cmd.exe /e:ON /v:OFF /d /c ""${script}"`;
  // An index loop, not forEach, which would skip the holes of a sparse array and drop an argument.
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== "string") throw new TypeError(`args[${i}] must be a string: got ${typeof arg}`);
    if (/[\r\n]/.test(arg)) {
      throw new TypeError(
        `args[${i}] holds a line break (CR or LF), where cmd.exe would end the command: ` +
          `a batch file cannot be given one`,
      );
    }
    line += " " + quoteBatchArgument(arg);
  }
  return line + '"';
}

/** One argument as cmd.exe is to read it (see windowsBatchCommandLine). */
function quoteBatchArgument(arg: string): string {
  let quote = arg === "" || arg.endsWith("\\");
  for (const ch of arg) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x80 && !UNQUOTED.test(ch)) || code < 0x20 || (code >= 0x7f && code < 0xa0)) quote = true;
  }
  let out = quote ? '"' : "";
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
    } else {
      if (ch === '"') {
        // The backslashes before it doubled, and the quote doubled: cmd and the C runtime both read one quote.
        out += "\\".repeat(backslashes) + '"';
      } else if (ch === "%") {
        out += "%%cd:~,";
      }
      backslashes = 0;
    }
    out += ch;
  }
  // Backslashes before the closing quote doubled, so that it stays a closing quote.
  return quote ? out + "\\".repeat(backslashes) + '"' : out;
}
