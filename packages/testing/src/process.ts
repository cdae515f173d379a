/**
 * The process suite: child processes whose standard handles are pipe ends,
 * run against a kernel that can start them (kernel32), through the public
 * API. The children are the runtime's own executable running two scripts:
 * a runtime-agnostic one (packages/testing/fixtures/child.ts: prints
 * lines, echoes, holds, exits with a code) and one of the runtime's package
 * that opens a pipe end it inherited.
 *
 * @example
 * ```ts ignore
 * import { processSuite } from "@winpipe/testing";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * processSuite(() => kernel32, {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   childScript: "packages/testing/fixtures/child.ts",
 *   inheritedScript: "packages/deno/test/fixtures/inherited_child.ts",
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERROR_DIRECTORY, ERROR_FILE_NOT_FOUND, ERROR_INVALID_HANDLE } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import type { StreamFactories } from "@winpipe/core";
import type { ChildProcess } from "@winpipe/core";
import { createWinpipe, type Winpipe } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, type TestBody, uniquePipeName } from "./harness.ts";

/**
 * Options of {@linkcode processSuite}.
 *
 * @example
 * ```ts ignore
 * import { processSuite, type ProcessSuiteOptions } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/bun";
 * import { kernel32 } from "@winpipe/bun";
 * import { streams } from "@winpipe/streams";
 * const options: ProcessSuiteOptions = {
 *   register,
 *   streams,
 *   runtime: process.execPath,
 *   script: (path, args) => [path, ...args],
 *   childScript: "packages/testing/fixtures/child.ts",
 *   inheritedScript: "packages/bun/test/fixtures/inherited_child.ts",
 * };
 * processSuite(() => kernel32, options);
 * ```
 */
export interface ProcessSuiteOptions extends SuiteOptions {
  /** The `streams` of `@winpipe/streams` (core does not depend on it). */
  streams: StreamFactories;
  /** The program the children run: the runtime's own executable (Deno.execPath(), process.execPath). */
  runtime: string;
  /** The arguments that make `runtime` run the script at `path` with `args`. */
  script(path: string, args: string[]): string[];
  /** The runtime-agnostic child (packages/testing/fixtures/child.ts), as a path `runtime` resolves. */
  childScript: string;
  /**
   * The runtime's child that opens inherited handles: arguments
   * `write VALUE TEXT` (opens VALUE as a writer, writes TEXT, closes),
   * `read VALUE` (opens VALUE as a reader, prints what it reads until the
   * end) and `call NAME TEXT` (prints what {@linkcode callTwiceBlocking}
   * returns).
   */
  inheritedScript: string;
  /** How many lines the big output case prints. Default 100,000. */
  lines?: number;
  /**
   * Lines the runtime itself prints to a child's standard error, which the
   * stderr cases leave out (bun.exe under Wine reports "Internal error:
   * directory mismatch" while resolving packages: docs/windows-test-bed.md).
   */
  runtimeNoise?: RegExp;
}

/**
 * The inherited-handle child's `call NAME TEXT`: sends TEXT to the message
 * pipe NAME twice, each time waiting for the reply in the calling thread,
 * first with `callNamedPipeSync`, then on a synchronous client
 * (`writeSync`, `readSync`); returns the two replies, a line each, for the
 * child to print.
 *
 * @example
 * ```ts ignore
 * import { callTwiceBlocking } from "@winpipe/testing";
 * import * as winpipe from "@winpipe/deno";
 * const [, name, text] = Deno.args;
 * Deno.stdout.writeSync(new TextEncoder().encode(await callTwiceBlocking(winpipe, name, text)));
 * ```
 */
export async function callTwiceBlocking(
  api: Pick<Winpipe, "callNamedPipeSync" | "connect">,
  name: string,
  text: string,
): Promise<string> {
  const request = new TextEncoder().encode(text);
  const replies = [new TextDecoder().decode(api.callNamedPipeSync(name, request, { timeout: 20_000 }))];
  using client = await api.connect(name, { synchronous: true, readMode: "message", timeout: 20_000 });
  client.writeSync(request);
  const reply = new Uint8Array(256);
  const read = client.readSync(reply);
  replies.push(new TextDecoder().decode(reply.subarray(0, read?.bytesRead ?? 0)));
  return replies.join("\n") + "\n";
}

/** Splits a text stream into lines (without their line ends). */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of text) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) yield line.endsWith("\r") ? line.slice(0, -1) : line;
  }
  if (rest !== "") yield rest;
}

/** All of a byte stream as text. */
function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/**
 * Registers the process tests (named with their behaviour ids: S2, a pipe end
 * reaches a child by inheritance; S4, a reader sees the end once every
 * write end is closed; S8, a child's handles close when it ends).
 *
 * @example
 * ```ts ignore
 * import { processSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * processSuite(() => kernel32, {
 *   register,
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   childScript: "packages/testing/fixtures/child.ts",
 *   inheritedScript: "packages/deno/test/fixtures/inherited_child.ts",
 * });
 * ```
 */
export function processSuite(factory: KernelFactory, options: ProcessSuiteOptions): void {
  const count = options.lines ?? 100_000;
  const add = (name: string, fn: (api: Winpipe) => Promise<void>): void => {
    const body: TestBody = async () => {
      const api = createWinpipe(await factory(), { streams: options.streams });
      const before = api.liveHandles();
      await fn(api);
      assert.equal(api.liveHandles(), before, "every handle the test made is closed");
    };
    options.register(name, body, options.skip?.[name]);
  };
  const child = (...args: string[]) => options.script(options.childScript, args);
  const stderrText = async (stream: ReadableStream<Uint8Array>) => {
    const all = await text(stream);
    const noise = options.runtimeNoise;
    return noise === undefined ? all : all.split(/(?<=\n)/).filter((line) => !noise.test(line)).join("");
  };
  const inherited = (...args: string[]) => options.script(options.inheritedScript, args);

  add(
    `S2 a child's ${count} lines arrive complete and in order on its stdout stream, which ends when it exits`,
    async ({ spawn }) => {
      await using proc = spawn(options.runtime, child("lines", String(count)));
      let n = 0;
      for await (const line of lines(proc.stdout!.readable.pipeThrough(new TextDecoderStream()))) {
        if (line !== `line ${n}`) assert.fail(`line ${n} arrived as ${JSON.stringify(line)}`);
        n++;
      }
      assert.equal(n, count);
      assert.equal(await proc.wait(), 0);
    },
  );

  add("S4 a second, unrelated pipe is not inherited: its reader sees the end while the child lives", async (api) => {
    // An inheritable write end: the kind a child started with bInheritHandles alone would inherit.
    using other = api.createPipe({ inheritable: "writer" });
    await using proc = api.spawn(options.runtime, child("hold"), { stdin: "pipe" });
    other.writer.close();
    // With the write end inherited, this read would wait for as long as the child lives (it waits for stdin).
    const read = await other.reader.read(new Uint8Array(8), { signal: AbortSignal.timeout(20_000) });
    assert.equal(read, null, "the reader sees the end of the data");
    assert.equal(proc.exitCode, null, "the child is still running");
    proc.stdin!.close();
    assert.equal(await proc.wait(), 0);
  });

  add("S2 stdin, stdout and stderr as pipes: what the parent writes, the child echoes back", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("echo"), { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
    const echoed = new Response(proc.stdout!.readable).arrayBuffer();
    const errors = stderrText(proc.stderr!.readable);
    await proc.stdin!.write(data);
    proc.stdin!.close();
    assert.deepEqual(new Uint8Array(await echoed), data);
    assert.equal(await errors, "");
    assert.equal(await proc.wait(), 0);
  });

  add("S4 readSync blocks the calling thread until a child writes, then reads the end once it exits", async (api) => {
    await using proc = api.spawn(options.runtime, child("echo"), { stdin: "pipe", stdout: "pipe" });
    const data = new TextEncoder().encode("ping through a child");
    assert.equal(proc.stdin!.writeSync(data), data.length);
    // The child takes a while to start under any runtime: the first readSync waits in this thread for its echo.
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const got = new Uint8Array(64);
    let total = 0;
    while (total < data.length) {
      const n = proc.stdout!.readSync(got.subarray(total));
      assert.notEqual(n, null, `the child's output ended after ${total} bytes`);
      total += n!;
    }
    assert.equal(timerRan, false, "no timer ran while readSync waited: it blocked the event loop");
    assert.deepEqual(got.subarray(0, total), data);
    proc.stdin!.close();
    assert.equal(proc.stdout!.readSync(got), null, "the end of the data once the child has exited");
    assert.equal(await proc.wait(), 0);
  });

  add("S2 stderr as a pipe of its own", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("stderr", "to stderr"), { stderr: "pipe" });
    const [out, err] = await Promise.all([text(proc.stdout!.readable), stderrText(proc.stderr!.readable)]);
    assert.equal(out, "");
    assert.match(err, /^to stderr\r?\n$/);
    assert.equal(await proc.wait(), 0);
  });

  add("S8 the exit code is reported and the child's ends close when it exits", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("exit", "7"));
    assert.equal(await proc.stdout!.read(new Uint8Array(16)), null);
    assert.equal(await proc.wait(), 7);
    assert.equal(proc.exitCode, 7);
    assert.equal(await proc.wait(), 7, "waiting again gives the same code");
  });

  add("S2 a pipe end passed in handles reaches the child, which opens it by value and writes", async (api) => {
    using pipe = api.createPipe({ inheritable: "writer" });
    const value = String(pipe.writer.handleValue());
    await using proc = api.spawn(options.runtime, inherited("write", value, "hello from the child"), {
      handles: [pipe.writer],
    });
    pipe.writer.close(); // the child holds the only write end now
    assert.equal(await text(pipe.reader.readable), "hello from the child");
    assert.equal(await proc.wait(), 0);
  });

  add("S2 a read end passed in handles reaches the child, which reads it to the end", async (api) => {
    using pipe = api.createPipe({ inheritable: "reader" });
    const value = String(pipe.reader.handleValue());
    await using proc = api.spawn(options.runtime, inherited("read", value), { handles: [pipe.reader] });
    pipe.reader.close();
    const output = text(proc.stdout!.readable);
    await pipe.writer.write(new TextEncoder().encode("from the parent"));
    pipe.writer.close();
    assert.equal(await output, "from the parent");
    assert.equal(await proc.wait(), 0);
  });

  add("a child's synchronous calls on synchronous handles get the replies of a server here", async (api) => {
    const name = uniquePipeName("sync-child");
    await using server = api.createServer(name, { type: "message", readMode: "message" });
    await using proc = api.spawn(options.runtime, inherited("call", name, "ping"));
    const output = text(proc.stdout!.readable);
    // callNamedPipeSync (a synchronous handle, one TransactNamedPipe), then a synchronous client's writeSync and readSync.
    for (let i = 0; i < 2; i++) {
      await using conn = await server.accept({ signal: AbortSignal.timeout(20_000) });
      const request = await conn.readMessage();
      await conn.write(new TextEncoder().encode(`${new TextDecoder().decode(request!)} ${i}`));
      if (i === 1) await conn.read(new Uint8Array(1)); // the child's close ends the data
    }
    assert.match(await output, /^ping 0\r?\nping 1\r?\n$/);
    assert.equal(await proc.wait(), 0);
  });

  add(
    "S2 a synchronous client connection is a child's stdout, and what it prints reaches the server here",
    async (api) => {
      const name = uniquePipeName("child-stdout");
      await using server = api.createServer(name);
      const accepted = server.accept();
      const client = await api.connect(name, { synchronous: true });
      await using conn = await accepted;
      assert.throws(() => api.spawn(options.runtime, child("exit", "0"), { stdout: conn }), {
        name: "TypeError",
        message: /overlapped I\/O/,
      }, "an overlapped connection is refused before CreateProcessW");
      await using proc = api.spawn(options.runtime, child("lines", "3"), { stdout: client });
      client.close(); // the child holds the only client end now
      assert.match(await text(conn.readable), /^line 0\r?\nline 1\r?\nline 2\r?\n$/);
      assert.equal(await proc.wait(), 0);
    },
  );

  add(
    "S2 a synchronous server instance is a child's stdin, and the child reads what a client here writes",
    async (api) => {
      const name = uniquePipeName("child-stdin");
      await using server = api.createServer(name, { synchronous: true });
      const accepted = server.accept();
      await using client = await api.connect(name);
      const conn = await accepted;
      await using proc = api.spawn(options.runtime, child("echo"), { stdin: conn, stdout: "pipe" });
      conn.close(); // the child holds the only server end now
      const output = text(proc.stdout!.readable);
      await client.write(new TextEncoder().encode("from the client"));
      client.close();
      assert.equal(await output, "from the client");
      assert.equal(await proc.wait(), 0);
    },
  );

  add(
    "output() reads stdout and stderr side by side to their end, closes stdin first, and gives the exit code",
    async ({ spawn }) => {
      // 20,000 lines to each (about 200 kB, far past a pipe's buffer): read one after the other, the child would
      // block on the unread pipe and never exit.
      const lines = 20_000;
      await using proc = spawn(options.runtime, child("both", String(lines)), { stdout: "pipe", stderr: "pipe" });
      const { code, stdout, stderr } = await proc.output();
      assert.equal(code, 0);
      const out = new TextDecoder().decode(stdout!).split(/\r?\n/).filter((line) => line !== "");
      const err = new TextDecoder().decode(stderr!).split(/\r?\n/).filter((line) =>
        line !== "" && !(options.runtimeNoise?.test(line + "\n") ?? false)
      );
      assert.equal(out.length, lines);
      assert.equal(out[lines - 1], `out ${lines - 1}`);
      assert.equal(err.length, lines);
      assert.equal(err[lines - 1], `err ${lines - 1}`);
      assert.equal(proc.exitCode, 0);

      // The input is written, then output() closes stdin: a child that reads to the end of its input finishes.
      await using echo = spawn(options.runtime, child("echo"), { stdin: "pipe", stdout: "pipe" });
      await echo.stdin!.write(new TextEncoder().encode("the whole input"));
      const echoed = await echo.output();
      assert.deepEqual([echoed.code, new TextDecoder().decode(echoed.stdout!), echoed.stderr], [
        0,
        "the whole input",
        null,
      ]);

      // An aborted signal rejects at once and leaves the child running.
      await using held = spawn(options.runtime, child("hold"), { stdin: "pipe" });
      await assert.rejects(held.output({ signal: AbortSignal.abort() }), { name: "AbortError" });
      assert.equal(held.stdin!.closed, false, "nothing was closed");
    },
  );

  add("env reaches the child", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("env", "WINPIPE_PROCESS_TEST"), {
      env: { ...inheritedEnvironment(), WINPIPE_PROCESS_TEST: "value with spaces" },
    });
    assert.match(await text(proc.stdout!.readable), /^value with spaces\r?\n$/);
    assert.equal(await proc.wait(), 0);
  });

  add("env: of two names that differ only in case, the later one reaches the child", async ({ spawn }) => {
    // `{ ...Deno.env.toObject(), PATH: x }` where this process has "Path": the spread's own value must not win.
    await using proc = spawn(options.runtime, child("env", "WINPIPE_PROCESS_TEST"), {
      env: { ...inheritedEnvironment(), winpipe_process_test: "inherited", WINPIPE_PROCESS_TEST: "given later" },
    });
    assert.match(await text(proc.stdout!.readable), /^given later\r?\n$/);
    assert.equal(await proc.wait(), 0);
  });

  add(
    "a batch file gets its arguments as given, and none of them runs a command of its own (BatBadBut)",
    async ({ spawn }) => {
      // A .cmd that hands its arguments (%*) on to a child that prints them: what cmd.exe made of them, exactly.
      const dir = mkdtempSync(join(tmpdir(), "winpipe-batch-"));
      const forward = [options.runtime, ...child("args")].map((part) => `"${part}"`).join(" ");
      const script = join(dir, "forward.cmd");
      writeFileSync(script, `@${forward} %*\r\n`);
      try {
        const args = [
          "plain",
          "two words",
          "",
          '"&echo INJECTED',
          "a&echo INJECTED",
          "|<>^",
          "%PATH%",
          "100%",
          "!PATH!",
          "trailing\\",
          '\\"quoted\\"',
          'a"b"c',
          "é ü €",
        ];
        // Also when the name ends in a dot or a space, which Windows drops: still a batch file.
        for (const name of [script, script.toUpperCase(), script + "."]) {
          await using proc = spawn(name, args);
          const output = await text(proc.stdout!.readable);
          assert.doesNotMatch(output, /^INJECTED/m, `an argument ran a command in ${name}`);
          assert.deepEqual(JSON.parse(output), args, `what ${name} got`);
          assert.equal(await proc.wait(), 0);
        }
        assert.throws(() => spawn(script, ["line\nbreak"]), {
          name: "TypeError",
          message: /args\[0\] holds a line break/,
        });
        // Named without its extension, CreateProcessW looks for an .exe only: the error says what to give instead.
        assert.throws(
          () => spawn(join(dir, "forward"), []),
          (err) =>
            isPipeError(err, ERROR_FILE_NOT_FOUND) &&
            /forward\.cmd is a batch file on the search path/.test(err.message),
        );
        // A missing one fails as a missing program does, not as a cmd.exe that cannot find it.
        assert.throws(
          () => spawn(join(dir, "missing.cmd"), ["x"], { stdout: "pipe" }),
          (err) => isPipeError(err, ERROR_FILE_NOT_FOUND) && /the program was not found/.test(err.message),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  add("cwd reaches the child", async ({ spawn }) => {
    const windows = inheritedEnvironment().SystemRoot ?? String.raw`C:\windows`;
    await using proc = spawn(options.runtime, child("cwd"), { cwd: windows });
    assert.equal((await text(proc.stdout!.readable)).trim().toLowerCase(), windows.toLowerCase());
    assert.equal(await proc.wait(), 0);
  });

  add("kill terminates a running child with the given exit code", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("hold"), { stdin: "pipe" });
    proc.kill(3);
    assert.equal(await proc.wait(), 3);
    proc.kill(4); // after the exit: nothing happens
    assert.equal(await proc.wait(), 3);
  });

  add(
    "kill after a child exited with 259 (what GetExitCodeProcess says of a running one) does nothing",
    async ({ spawn }) => {
      // cmd.exe, since bun.exe's process.exit keeps only the low 8 bits of a code.
      await using proc = spawn("cmd.exe", ["/c", "exit", "259"]);
      assert.equal(await proc.stdout!.read(new Uint8Array(16)), null); // its ends closed: it is exiting
      await new Promise((resolve) => setTimeout(resolve, 500)); // and has exited; nobody has waited for it
      proc.kill(); // TerminateProcess fails (ERROR_ACCESS_DENIED): the process is gone, whatever its exit code says
      assert.equal(await proc.wait(), 259);
    },
  );

  add("an aborted wait rejects with the signal's reason and leaves the child running", async ({ spawn }) => {
    await using proc = spawn(options.runtime, child("hold"), { stdin: "pipe" });
    const controller = new AbortController();
    const waiting = proc.wait({ signal: controller.signal });
    controller.abort(new Error("stop waiting"));
    await assert.rejects(waiting, { message: "stop waiting" });
    assert.equal(proc.exitCode, null);
    proc.stdin!.close();
    assert.equal(await proc.wait(), 0);
  });

  add("several children are waited for at once", async ({ spawn }) => {
    const procs = [0, 1, 2, 3, 4].map((i) => spawn(options.runtime, child("exit", String(10 + i))));
    try {
      assert.deepEqual(await Promise.all(procs.map((p) => p.wait())), [10, 11, 12, 13, 14]);
    } finally {
      for (const p of procs) await p[Symbol.asyncDispose]();
    }
  });

  add("await using terminates a child still running and closes its ends", async ({ spawn }) => {
    let kept: ChildProcess;
    {
      await using proc = spawn(options.runtime, child("sleep", "60000"), { stdin: "pipe", stdout: "pipe" });
      kept = proc;
    }
    assert.equal(kept.exitCode, 1, "terminated with exit code 1");
    assert.ok(kept.stdin!.closed && kept.stdout!.closed, "its pipe ends are closed");
  });

  add("a program that does not exist fails with ERROR_FILE_NOT_FOUND, says so, and leaks nothing", ({ spawn }) => {
    assert.throws(
      () => spawn("winpipe-no-such-program-" + crypto.randomUUID(), [], { stdin: "pipe", stderr: "pipe" }),
      (err) =>
        isPipeError(err, ERROR_FILE_NOT_FOUND) && err.call === "CreateProcessW" &&
        /the program was not found/.test(err.message) && !/pipe/.test(err.message),
    );
    return Promise.resolve();
  });

  add("a working directory that does not exist fails with ERROR_DIRECTORY, worded for the directory", ({ spawn }) => {
    assert.throws(
      () => spawn(options.runtime, child("exit", "0"), { cwd: "C:\\winpipe-no-such-directory-" + crypto.randomUUID() }),
      (err) =>
        isPipeError(err, ERROR_DIRECTORY) && err.codeName === "ERROR_DIRECTORY" &&
        /the working directory does not exist or is not a directory/.test(err.message),
    );
    return Promise.resolve();
  });

  add("a handle this process uses for overlapped I/O is refused before any call", ({ createPipe, spawn }) => {
    using pipe = createPipe(); // neither end inheritable: both overlapped
    assert.throws(() => spawn(options.runtime, child("exit", "0"), { stdout: pipe.writer }), {
      name: "TypeError",
      message: /stdout is a handle this process uses for overlapped I\/O/,
    });
    assert.throws(() => spawn(options.runtime, child("exit", "0"), { handles: [pipe.reader] }), {
      name: "TypeError",
      message: /inherit\[0\]/,
    });
    return Promise.resolve();
  });

  add("openInheritedHandle refuses a value that is not a pipe handle", ({ openInheritedHandle }) => {
    assert.throws(
      () => openInheritedHandle(0x7fff_fff0, "reader"),
      (err) => isPipeError(err, ERROR_INVALID_HANDLE) && err.call === "GetFileType",
    );
    assert.throws(() => openInheritedHandle("abc", "reader"), TypeError);
    return Promise.resolve();
  });
}

/** This process's environment, read through whichever runtime runs the suite. */
function inheritedEnvironment(): Record<string, string> {
  // deno-lint-ignore no-explicit-any
  const runtime = globalThis as any;
  if (runtime.Deno !== undefined) return runtime.Deno.env.toObject();
  return { ...runtime.process.env };
}
