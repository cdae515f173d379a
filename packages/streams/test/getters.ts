/**
 * The readable / writable getters of core's handles, through createWinpipe's `streams` option.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { streams } from "../mod.ts";
import { collect, scenario, type StreamsSuite, utf8 } from "./helpers.ts";

/** Registers the getter suites. */
export function getterTests(suite: StreamsSuite): void {
  suite.register("getters without injected stream factories throw a clear error", async () => {
    const kernel = suite.backend.kernel();
    const baseline = kernel.liveHandles();
    const pipes = createWinpipe(kernel);
    const expected = (what: string) =>
      `${what} needs stream factories: pass { streams } from "@winpipe/streams" to createWinpipe(kernel, { streams }), ` +
      `or call ${what.endsWith("readable") ? "readableFrom" : "writableTo"}(handle) of "@winpipe/streams"`;
    {
      using pipe = pipes.createPipe();
      assert.throws(() => pipe.reader.readable, { name: "Error", message: expected("PipeReader.readable") });
      assert.throws(() => pipe.writer.writable, { name: "Error", message: expected("PipeWriter.writable") });
    }
    const name = String.raw`\\.\pipe\winpipe-streams-no-factories-${crypto.randomUUID()}`;
    {
      await using server = pipes.createServer(name);
      const accepted = server.accept();
      await using client = await pipes.connect(name);
      await using conn = await accepted;
      assert.throws(() => client.readable, { message: expected("PipeConnection.readable") });
      assert.throws(() => conn.writable, { message: expected("ServerInstance.writable") });
    }
    assert.equal(kernel.liveHandles(), baseline);
  });

  suite.register("createWinpipe refuses streams that are not stream factories", () => {
    const kernel = suite.backend.kernel();
    // @ts-expect-error: not factories
    assert.throws(() => createWinpipe(kernel, { streams: {} }), {
      name: "TypeError",
      message:
        'streams must be an object with readable() and writable() methods (streams of "@winpipe/streams"): got object',
    });
  });

  scenario(suite, "every handle the binding hands out has cached streams", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    assert.ok(pipe.reader.readable instanceof ReadableStream);
    assert.equal(pipe.reader.readable, pipe.reader.readable, "made once, then cached");
    assert.ok(pipe.writer.writable instanceof WritableStream);
    assert.equal(pipe.writer.writable, pipe.writer.writable);

    const name = ctx.name();
    await using server = ctx.pipes.createServer(name, { type: "message", readMode: "message" });
    const iterator = server[Symbol.asyncIterator]();
    const viaIterator = iterator.next();
    await using first = await ctx.pipes.connect(name, { readMode: "message" });
    await using second = await ctx.pipes.connect(name, { readMode: "message" });
    const a = (await viaIterator).value;
    assert.ok(a);
    await using viaAccept = await server.accept();
    await using instanceA = a;
    for (const conn of [first, second, instanceA, viaAccept]) {
      assert.ok(conn.readable instanceof ReadableStream);
      assert.equal(conn.writable, conn.writable);
    }
    // They work: first -> instanceA, second -> viaAccept.
    const w = first.writable.getWriter();
    await w.write(utf8("m"));
    await w.close();
    assert.deepEqual(await collect(instanceA.readable), [utf8("m")]);
    await iterator.return?.();

    await using single = ctx.pipes.createNamedPipe(ctx.name(), { maxInstances: 1 });
    assert.ok(single.readable instanceof ReadableStream);
  });

  suite.register("the streams object is frozen and is readableFrom / writableTo", async () => {
    const { readableFrom, writableTo } = await import("../mod.ts");
    assert.equal(streams.readable, readableFrom);
    assert.equal(streams.writable, writableTo);
    assert.ok(Object.isFrozen(streams));
  });
}
