// Quoting of command lines and environment blocks for CreateProcessW.
import assert from "node:assert/strict";
import { quoteWindowsArgument, windowsCommandLine, windowsEnvironmentBlock } from "@winpipe/core";
import { isBatchFile, windowsBatchCommandLine } from "@winpipe/core/internal";
import type { RegisterTest } from "../../mod.ts";

/**
 * The Microsoft C runtime's splitting rules (as documented for
 * CommandLineToArgvW / "Parsing C command-line arguments"), to check that
 * quoting round-trips. Written from the documented rules, independently of
 * the quoting code.
 */
function splitLikeMsvcrt(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let arg = "";
    let quoted = false;
    for (; i < line.length; i++) {
      const ch = line[i];
      if (!quoted && (ch === " " || ch === "\t")) break;
      if (ch === "\\") {
        let n = 0;
        while (line[i] === "\\") n++, i++;
        if (line[i] === '"') {
          arg += "\\".repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          else quoted = !quoted;
        } else {
          arg += "\\".repeat(n);
          i--;
        }
        continue;
      }
      if (ch === '"') {
        quoted = !quoted;
        continue;
      }
      arg += ch;
    }
    args.push(arg);
  }
  return args;
}

export function commandLineTests(register: RegisterTest): void {
  register("quoteWindowsArgument leaves plain arguments alone and quotes the rest", () => {
    assert.equal(quoteWindowsArgument("plain"), "plain");
    assert.equal(quoteWindowsArgument(String.raw`C:\dir\file.txt`), String.raw`C:\dir\file.txt`);
    assert.equal(quoteWindowsArgument(""), '""');
    assert.equal(quoteWindowsArgument("two words"), '"two words"');
    assert.equal(quoteWindowsArgument('say "hi"'), String.raw`"say \"hi\""`);
    assert.equal(quoteWindowsArgument("my dir\\"), '"my dir\\\\"');
    assert.equal(quoteWindowsArgument(String.raw`a\"b`), String.raw`"a\\\"b"`);
    assert.throws(() => quoteWindowsArgument("a\0b"), TypeError);
    assert.throws(() => quoteWindowsArgument(1 as never), TypeError);
  });

  register("command lines split back into the same arguments by the C runtime's rules", () => {
    const samples = [
      ["prog.exe"],
      ["prog.exe", ""],
      ["prog.exe", "a b", "c"],
      ["prog.exe", "\\\\server\\share\\", "trailing\\\\", String.raw`x\\"y`, "with space\\"],
      ["prog.exe", '"', '""', String.raw`\"`, "tab\there", "new\nline"],
      [String.raw`C:\Program Files\app.exe`, "--flag=some value"],
    ];
    for (const [program, ...args] of samples) {
      const line = windowsCommandLine(program, args);
      assert.deepEqual(splitLikeMsvcrt(line), [program, ...args], line);
    }
  });

  register("windowsCommandLine validates its input", () => {
    assert.throws(() => windowsCommandLine("", []), TypeError);
    assert.throws(() => windowsCommandLine("x", "a" as never), TypeError);
    assert.throws(() => windowsCommandLine("x", [1 as never]), {
      name: "TypeError",
      message: "args[0] must be a string: got number",
    });
  });

  register("windowsEnvironmentBlock sorts names without case and ends with two NULs", () => {
    const decode = (b: Uint8Array) => new TextDecoder("utf-16le").decode(b);
    assert.equal(
      decode(windowsEnvironmentBlock({ b: "2", A: "1", "=C:": String.raw`C:\x` })),
      "=C:=C:\\x\0A=1\0b=2\0\0",
    );
    assert.equal(decode(windowsEnvironmentBlock({})), "\0\0");
    assert.equal(decode(windowsEnvironmentBlock({ K: "ü€" })), "K=ü€\0\0");
    assert.throws(() => windowsEnvironmentBlock({ "A=B": "x" }), TypeError);
    assert.throws(() => windowsEnvironmentBlock({ "": "x" }), TypeError);
    assert.throws(() => windowsEnvironmentBlock({ A: "x\0" }), TypeError);
    assert.throws(() => windowsEnvironmentBlock({ A: 1 as never }), TypeError);
  });

  register("windowsEnvironmentBlock keeps the later of two names that differ only in case, as Deno.Command", () => {
    const decode = (b: Uint8Array) => new TextDecoder("utf-16le").decode(b);
    // Windows names are one name whatever their case; a block with both would give a child the first.
    assert.equal(decode(windowsEnvironmentBlock({ Path: "old", B: "2", PATH: "new" })), "B=2\0PATH=new\0\0");
    assert.equal(decode(windowsEnvironmentBlock({ PATH: "old", path: "new" })), "path=new\0\0");
    // Windows upcases one character at a time: "ß" stays "ß", so these are two variables, both kept.
    assert.equal(decode(windowsEnvironmentBlock({ straße: "1", STRASSE: "2" })), "STRASSE=2\0straße=1\0\0");
    // Nor does it upcase a character outside the BMP (a surrogate pair): Deseret's small and capital long I differ.
    assert.equal(
      decode(windowsEnvironmentBlock({ "\u{10428}": "small", "\u{10400}": "capital" })).split("\0").length,
      4,
    );
  });

  register("windowsBatchCommandLine writes a command line for cmd.exe as Rust's std does; isBatchFile", () => {
    const script = String.raw`C:\x\t.bat`;
    // Each expected line worked out by hand from Rust's make_bat_command_line (library/std/src/sys/args/windows.rs).
    const cases: [string[], string][] = [
      [[], String.raw`cmd.exe /e:ON /v:OFF /d /c ""C:\x\t.bat""`],
      [
        ["plain", "C:\\dir\\f.txt", "-x=1"],
        String.raw`cmd.exe /e:ON /v:OFF /d /c ""C:\x\t.bat" plain C:\dir\f.txt "-x=1""`,
      ],
      [["a b", '"&calc', ""], String.raw`cmd.exe /e:ON /v:OFF /d /c ""C:\x\t.bat" "a b" """&calc" """`],
      [["100%", "%PATH%"], String.raw`cmd.exe /e:ON /v:OFF /d /c ""C:\x\t.bat" "100%%cd:~,%" "%%cd:~,%PATH%%cd:~,%""`],
      [["x\\", 'a\\"b'], String.raw`cmd.exe /e:ON /v:OFF /d /c ""C:\x\t.bat" "x\\" "a\\""b""`],
      [["\u0007"], 'cmd.exe /e:ON /v:OFF /d /c ""C:\\x\\t.bat" "\u0007""'],
    ];
    for (const [args, line] of cases) assert.equal(windowsBatchCommandLine(script, args), line, JSON.stringify(args));
    assert.throws(() => windowsBatchCommandLine(script, ["a\rb"]), /args\[0\] holds a line break/);
    // A hole of a sparse array is no argument to drop quietly.
    // deno-lint-ignore no-sparse-arrays
    assert.throws(() => windowsBatchCommandLine(script, ["a", , "b"] as string[]), /args\[1\] must be a string/);
    assert.throws(() => windowsBatchCommandLine('C:\\x\\"t.bat', []), TypeError);
    assert.throws(() => windowsBatchCommandLine("C:\\x\\", []), TypeError);
    for (const name of ["t.bat", "T.BAT", "t.cmd", "t.Cmd", "t.bat.", "t.bat  ", "t.bat. ."]) {
      assert.ok(isBatchFile(name), name);
    }
    for (const name of ["t.exe", "t", "bat", "t.bat.exe", "t.batch", "cmd"]) assert.ok(!isBatchFile(name), name);
  });
}
