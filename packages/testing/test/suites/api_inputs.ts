// Every public function rejects bad input with TypeError or RangeError
// before any system call: a spy kernel records the calls that reach it.
import assert from "node:assert/strict";
import { createWinpipe, type PipeKernel } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import type { RegisterTest } from "../../mod.ts";

/** The model kernel, with every call recorded in `calls`. */
export function spyKernel(): { kernel: PipeKernel; calls: string[] } {
  const inner = createModelKernel();
  const calls: string[] = [];
  const kernel = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop !== "liveHandles") calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  return { kernel, calls };
}

const NAME = String.raw`\\.\pipe\winpipe-inputs`;

export function apiInputTests(register: RegisterTest): void {
  register("createPipe rejects bad options before CreatePipe", () => {
    const { kernel, calls } = spyKernel();
    const { createPipe } = createWinpipe(kernel);
    assert.throws(() => createPipe({ bufferSize: -1 }), { name: "RangeError", message: /bufferSize/ });
    assert.throws(() => createPipe({ bufferSize: 2 ** 32 }), RangeError);
    assert.throws(() => createPipe({ bufferSize: "1" as unknown as number }), TypeError);
    assert.throws(() => createPipe({ inheritable: "yes" as never }), {
      name: "TypeError",
      message: 'inheritable must be one of "none", "reader", "writer", "both": got "yes"',
    });
    assert.throws(() => createPipe(null as never), TypeError);
    assert.deepEqual(calls, []);
  });

  register("createServer and createNamedPipe reject bad names and options before CreateNamedPipe", () => {
    const { kernel, calls } = spyKernel();
    const { createServer, createNamedPipe } = createWinpipe(kernel);
    for (const create of [createServer, createNamedPipe]) {
      assert.throws(() => create("app"), TypeError);
      assert.throws(() => create(String.raw`\\host\pipe\x`), /local pipe name/);
      assert.throws(() => create(NAME, { type: "byte", readMode: "message" }), {
        name: "TypeError",
        message: 'readMode "message" needs type "message": a byte pipe can only be read as bytes',
      });
      assert.throws(() => create(NAME, { type: "stream" as never }), TypeError);
      assert.throws(() => create(NAME, { wait: "sometimes" as never }), TypeError);
      assert.throws(() => create(NAME, { access: "both" as never }), TypeError);
      assert.throws(() => create(NAME, { maxInstances: 0 }), RangeError);
      assert.throws(() => create(NAME, { maxInstances: 256 }), RangeError);
      assert.throws(() => create(NAME, { inBufferSize: -5 }), RangeError);
      assert.throws(() => create(NAME, { outBufferSize: 1.5 }), TypeError);
      assert.throws(() => create(NAME, { defaultTimeout: -1 }), RangeError);
      assert.throws(() => create(NAME, { firstInstance: 1 as never }), TypeError);
      assert.throws(() => create(NAME, { rejectRemoteClients: "no" as never }), TypeError);
      assert.throws(() => create(NAME, { inheritable: "yes" as never }), TypeError);
      assert.throws(() => create(NAME, { synchronous: 1 as never }), { name: "TypeError", message: /synchronous/ });
      assert.throws(() => create(NAME, 5 as never), TypeError);
    }
    assert.deepEqual(calls, []);
  });

  register(
    "synchronous: true reaches CreateNamedPipe and CreateFile; callNamedPipeSync always asks for it",
    async () => {
      const inner = createModelKernel();
      const opened = new Set<string>();
      const kernel = new Proxy(inner, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== "function") return value;
          if (prop !== "createNamedPipe" && prop !== "openPipe") return value.bind(target);
          return (params: { name: string; synchronous?: boolean }) => {
            opened.add(`${prop} ${params.name.slice(params.name.lastIndexOf("\\") + 1)} ${params.synchronous}`);
            return value.call(target, params);
          };
        },
      });
      const { createServer, connect, callNamedPipeSync } = createWinpipe(kernel);
      const name = (suffix: string) => `${NAME}-${suffix}`;
      await using blocking = createServer(name("sync"), { synchronous: true });
      await using overlapped = createServer(name("overlapped"));
      await using message = createServer(name("call"), { type: "message", readMode: "message" });
      const accepted = [blocking.accept(), overlapped.accept(), message.accept()];
      await using _client = await connect(name("sync"), { synchronous: true });
      await using _other = await connect(name("overlapped"));
      // The model cannot wait in this thread for the reply; the handle was opened all the same.
      assert.throws(() => callNamedPipeSync(name("call"), new Uint8Array(1)), /would wait/);
      for (const conn of await Promise.all(accepted)) conn.close();
      assert.deepEqual([...opened].sort(), [
        "createNamedPipe winpipe-inputs-call undefined",
        "createNamedPipe winpipe-inputs-overlapped undefined",
        "createNamedPipe winpipe-inputs-sync true",
        "openPipe winpipe-inputs-call true",
        "openPipe winpipe-inputs-overlapped undefined",
        "openPipe winpipe-inputs-sync true",
      ]);
    },
  );

  register("connect, waitNamedPipe and callNamedPipe reject bad input before any call", async () => {
    const { kernel, calls } = spyKernel();
    const { connect, waitNamedPipe, callNamedPipe } = createWinpipe(kernel);
    await assert.rejects(connect("nope"), TypeError);
    await assert.rejects(connect(NAME, { access: "rw" as never }), TypeError);
    await assert.rejects(connect(NAME, { readMode: "lines" as never }), TypeError);
    await assert.rejects(connect(NAME, { wait: "maybe" as never }), TypeError);
    await assert.rejects(connect(NAME, { timeout: -1 }), RangeError);
    await assert.rejects(connect(NAME, { timeout: 2 ** 32 }), RangeError);
    await assert.rejects(connect(NAME, { signal: {} as never }), {
      name: "TypeError",
      message: /signal must be an AbortSignal/,
    });
    await assert.rejects(connect(NAME, { inheritable: "x" as never }), TypeError);
    await assert.rejects(connect(NAME, { synchronous: "yes" as never }), { name: "TypeError", message: /synchronous/ });
    await assert.rejects(waitNamedPipe("x"), TypeError);
    await assert.rejects(waitNamedPipe(NAME, { timeout: 1.5 }), TypeError);
    await assert.rejects(callNamedPipe(NAME, "text" as never), {
      name: "TypeError",
      message: 'request must be a Uint8Array: got "text" (encode text with TextEncoder first)',
    });
    await assert.rejects(callNamedPipe(NAME, new Uint8Array(1), { maxReplySize: -1 }), RangeError);
    await assert.rejects(callNamedPipe("bad", new Uint8Array(1)), TypeError);
    assert.deepEqual(calls, []);
  });

  register("the synchronous calls reject bad arguments before any system call", () => {
    const { kernel, calls } = spyKernel();
    const { createNamedPipe, createPipe, callNamedPipeSync } = createWinpipe(kernel);
    using instance = createNamedPipe(NAME, { type: "message", readMode: "message" });
    using pipe = createPipe();
    calls.length = 0;
    assert.throws(() => instance.readSync("x" as never), TypeError);
    assert.throws(() => instance.readSync(new Uint16Array(2) as never), TypeError);
    assert.throws(() => instance.writeSync("text" as never), /TextEncoder/);
    assert.throws(() => instance.transactSync(undefined as never), TypeError);
    assert.throws(() => instance.transactSync(new Uint8Array(1), { maxReplySize: -1 }), RangeError);
    assert.throws(() => instance.transactSync(new Uint8Array(1), { maxReplySize: 1.5 }), TypeError);
    assert.throws(() => instance.transactSync(new Uint8Array(1), 5 as never), TypeError);
    assert.throws(() => pipe.reader.readSync([1] as never), TypeError);
    assert.throws(() => pipe.writer.writeSync(null as never), TypeError);
    assert.throws(() => callNamedPipeSync("bad", new Uint8Array(1)), TypeError);
    assert.throws(() => callNamedPipeSync(NAME, "text" as never), /TextEncoder/);
    assert.throws(() => callNamedPipeSync(NAME, new Uint8Array(1), { maxReplySize: -1 }), RangeError);
    assert.throws(() => callNamedPipeSync(NAME, new Uint8Array(1), { timeout: -1 }), RangeError);
    assert.deepEqual(calls, []);
  });

  register("the synchronous calls throw a PipeError with the code once the system call failed", () => {
    const { kernel } = spyKernel();
    const { createNamedPipe, callNamedPipeSync, createPipe } = createWinpipe(kernel);
    using instance = createNamedPipe(NAME, { type: "byte" });
    assert.throws(() => instance.transactSync(new Uint8Array(1)), { name: "PipeError", code: 230 }); // ERROR_BAD_PIPE
    assert.throws(() => callNamedPipeSync(String.raw`\\.\pipe\winpipe-inputs-none`, new Uint8Array(1)), {
      name: "PipeError",
      code: 2, // ERROR_FILE_NOT_FOUND
    });
    using pipe = createPipe();
    pipe.writer.close();
    assert.equal(pipe.reader.readSync(new Uint8Array(4)), null); // ERROR_BROKEN_PIPE: the end of the data
    // The model cannot wait in the calling thread: it says so instead of hanging.
    using other = createPipe();
    assert.throws(() => other.reader.readSync(new Uint8Array(4)), /would wait/);
  });

  register("handle methods reject bad arguments before the kernel sees them", async () => {
    const { kernel, calls } = spyKernel();
    const { createNamedPipe, createPipe } = createWinpipe(kernel);
    using instance = createNamedPipe(NAME, { type: "message", readMode: "message" });
    using pipe = createPipe();
    calls.length = 0;
    await assert.rejects(instance.read("buf" as never), TypeError);
    await assert.rejects(instance.read(new ArrayBuffer(4) as never), TypeError);
    await assert.rejects(instance.tryRead(null as never), TypeError);
    await assert.rejects(instance.write([1, 2] as never), TypeError);
    await assert.rejects(instance.tryWrite(undefined as never), TypeError);
    await assert.rejects(instance.transact("x" as never), TypeError);
    await assert.rejects(instance.readMessage({ maxSize: -1 }), RangeError);
    await assert.rejects(instance.transact(new Uint8Array(1), { maxReplySize: 1.5 }), TypeError);
    assert.throws(() => instance.peek({ maxBytes: -1 }), RangeError);
    assert.throws(() => instance.setState({ readMode: "lines" as never }), TypeError);
    assert.throws(() => instance.setState({ wait: 1 as never }), TypeError);
    assert.throws(() => instance.setState(undefined as never), TypeError);
    await assert.rejects(instance.flush({ signal: "x" as never }), TypeError);
    await assert.rejects(instance.connect({ signal: 1 as never }), TypeError);
    await assert.rejects(pipe.reader.read(new Uint16Array(2) as never), TypeError);
    await assert.rejects(pipe.writer.write("text" as never), /TextEncoder/);
    assert.deepEqual(calls, []);
  });

  register("an already aborted signal rejects with its AbortError before any call", async () => {
    const { kernel, calls } = spyKernel();
    const { connect } = createWinpipe(kernel);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(connect(NAME, { signal: ac.signal }), { name: "AbortError" });
    assert.deepEqual(calls, []);
  });

  register("spawn rejects bad input before any call, and the model says it cannot start processes", () => {
    const { kernel, calls } = spyKernel();
    const { spawn, createPipe, openInheritedHandle } = createWinpipe(kernel);
    using pipe = createPipe({ inheritable: "both" });
    const other = createWinpipe(createModelKernel()).createPipe();
    calls.length = 0;
    assert.throws(() => spawn(""), { name: "TypeError", message: "command must be a non-empty string without NUL" });
    assert.throws(() => spawn(1 as never), TypeError);
    assert.throws(() => spawn("x", "a b" as never), { name: "TypeError", message: /args must be an array/ });
    assert.throws(() => spawn("x", [1 as never]), /args\[0\]/);
    // deno-lint-ignore no-sparse-arrays
    assert.throws(() => spawn("run.bat", ["a", , "b"] as string[]), /args\[1\] must be a string/); // not dropped
    assert.throws(() => spawn("x", ["a\0b"]), /NUL/);
    assert.throws(() => spawn("x", ["y".repeat(40_000)]), { name: "RangeError", message: /command line/ });
    assert.throws(() => spawn("x", [], { cwd: "" }), TypeError);
    assert.throws(() => spawn("x", [], { env: { "A=B": "1" } }), /env name/);
    assert.throws(() => spawn("x", [], { env: { A: 1 as never } }), TypeError);
    assert.throws(() => spawn("x", [], { stdin: "piped" as never }), {
      name: "TypeError",
      message: 'stdin must be one of "pipe", "inherit", "null": got "piped"',
    });
    assert.throws(() => spawn("x", [], { stdin: pipe.writer as never }), {
      name: "TypeError",
      message: "stdin must be a PipeReader or a PipeConnection (the child reads it)",
    });
    assert.throws(() => spawn("x", [], { stdout: pipe.reader as never }), /stdout must be a PipeWriter/);
    assert.throws(() => spawn("x", [], { stdout: other.writer }), /another kernel/);
    assert.throws(() => spawn("x", [], { handles: [{}] as never }), /handles\[0\] must be a PipeReader or PipeWriter/);
    assert.throws(() => spawn("x", [], { handles: pipe.reader as never }), /handles must be an array/);
    assert.throws(() => spawn("x", [], { bufferSize: -1 }), RangeError);
    assert.throws(() => spawn("x", [], { signal: {} as never }), TypeError);
    assert.throws(() => spawn("x", [], { signal: AbortSignal.abort() }), { name: "AbortError" });
    assert.throws(() => openInheritedHandle(0, "reader"), RangeError);
    assert.throws(() => openInheritedHandle("12x", "reader"), TypeError);
    assert.throws(() => openInheritedHandle(12, "both" as never), TypeError);
    assert.deepEqual(calls, []);
    assert.throws(() => spawn("x", ["y"], { stdin: pipe.reader, stdout: "pipe" }), {
      name: "Error",
      message: "winpipe: the model kernel cannot start processes (kernel32 can)",
    });
    assert.throws(() => openInheritedHandle(12, "reader"), /the model kernel cannot start processes/);
    assert.throws(() => pipe.writer.handleValue(), /the model kernel has no handle values/);
    assert.deepEqual(calls, [], "nothing was created for the process that could not start");
    other.reader.close();
    other.writer.close();
  });

  register("spawn takes a connection as any standard handle, of its own kernel only", async () => {
    const { spawn, createServer, connect } = createWinpipe(createModelKernel());
    const name = String.raw`\\.\pipe\winpipe-inputs-spawn-connection`;
    await using server = createServer(name);
    const accepted = server.accept();
    await using client = await connect(name, { synchronous: true });
    await using conn = await accepted;
    for (const options of [{ stdin: client }, { stdout: client }, { stderr: conn }]) {
      assert.throws(() => spawn("x", [], options), /the model kernel cannot start processes/, "past validation");
    }
    const another = createWinpipe(createModelKernel());
    await using otherServer = another.createServer(name);
    const otherAccepted = otherServer.accept();
    await using otherClient = await another.connect(name);
    await using _otherConn = await otherAccepted;
    assert.throws(() => spawn("x", [], { stdout: otherClient }), /stdout belongs to another kernel/);
  });
}
