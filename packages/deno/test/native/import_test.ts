/**
 * Off Windows (run natively: `npx deno test -A packages/deno/test/native/`):
 * importing `@winpipe/deno` does not throw, and using it throws one clear
 * Error naming the platform.
 *
 * @module
 */
import assert from "node:assert/strict";

const onWindows = Deno.build.os === "windows";
const CLEAR_ERROR = new RegExp(
  `^winpipe: kernel32 is only available on Windows \\(Deno.build.os is "${Deno.build.os}"\\)$`,
);

Deno.test("import: importing @winpipe/deno does not throw", async () => {
  const mod = await import("../../mod.ts");
  assert.equal(typeof mod.createPipe, "function");
  assert.equal(typeof mod.createServer, "function");
  assert.equal(typeof mod.connect, "function");
  assert.equal(typeof mod.callNamedPipe, "function");
  assert.equal(typeof mod.waitNamedPipe, "function");
  assert.equal(mod.kernel32.name, "kernel32-deno");
  // The core API is re-exported.
  assert.equal(typeof mod.PipeError, "function");
  assert.equal(mod.ERROR_PIPE_BUSY, 231);
});

Deno.test({
  name: "import: using it off Windows throws a clear Error",
  ignore: onWindows,
  async fn() {
    const mod = await import("../../mod.ts");
    const isClear = (err: unknown) => err instanceof Error && CLEAR_ERROR.test(err.message);
    assert.throws(() => mod.createPipe(), isClear);
    assert.throws(() => mod.createServer(String.raw`\\.\pipe\x`), isClear);
    assert.throws(() => mod.kernel32.createPipe(0, false, false), isClear);
    await assert.rejects(mod.connect(String.raw`\\.\pipe\x`), isClear);
    await assert.rejects(mod.waitNamedPipe(String.raw`\\.\pipe\x`), isClear);
    await assert.rejects(mod.callNamedPipe(String.raw`\\.\pipe\x`, new Uint8Array(1)), isClear);
    const kernel = new mod.Kernel32();
    assert.equal(kernel.liveHandles(), 0, "counting handles loads nothing");
    assert.throws(() => kernel.openPipe({ name: String.raw`\\.\pipe\x`, access: 0, inheritable: false }), isClear);
  },
});

Deno.test("import: INVALID_HANDLE_VALUE is recognised in every encoding", async () => {
  const { isInvalidHandleValue } = await import("../../mod.ts");
  assert.ok(isInvalidHandleValue(-1n));
  assert.ok(isInvalidHandleValue(0xffff_ffff_ffff_ffffn));
  assert.ok(isInvalidHandleValue(-1));
  assert.ok(isInvalidHandleValue(Number(0xffff_ffff_ffff_ffffn)));
  assert.ok(isInvalidHandleValue(Deno.UnsafePointer.create(0xffff_ffff_ffff_ffffn)));
  assert.ok(!isInvalidHandleValue(null), "NULL is not INVALID_HANDLE_VALUE");
  assert.ok(!isInvalidHandleValue(0x1c4n));
  assert.ok(!isInvalidHandleValue(0x1c4));
  assert.ok(!isInvalidHandleValue(Deno.UnsafePointer.create(0x1c4n)));
  assert.ok(!isInvalidHandleValue(0xffff_fffen));
});
