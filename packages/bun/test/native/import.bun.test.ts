/**
 * Off Windows (run natively: `node_modules/.bin/bun test
 * ./packages/bun/test/native/import.bun.test.ts`): importing `@winpipe/bun`
 * does not throw, and using it throws one clear Error naming the platform.
 *
 * @module
 */
import { expect, test } from "bun:test";

const onWindows = process.platform === "win32";
const CLEAR_ERROR = new RegExp(
  `^winpipe: kernel32 is only available on Windows \\(process.platform is "${process.platform}"\\)$`,
);

/** The message of what `fn` throws (fails the test if it does not throw). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("expected an Error, but the call returned");
}

/** The message of what `promise` rejects with. */
async function rejected(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error("expected a rejection, but the call resolved");
}

test("import: importing @winpipe/bun does not throw", async () => {
  const mod = await import("../../mod.ts");
  expect(typeof mod.createPipe).toBe("function");
  expect(typeof mod.createServer).toBe("function");
  expect(typeof mod.connect).toBe("function");
  expect(typeof mod.callNamedPipe).toBe("function");
  expect(typeof mod.waitNamedPipe).toBe("function");
  expect(mod.kernel32.name).toBe("kernel32-bun");
  // The core API is re-exported.
  expect(typeof mod.PipeError).toBe("function");
  expect(mod.ERROR_PIPE_BUSY).toBe(231);
});

test.skipIf(onWindows)("import: using it off Windows throws a clear Error", async () => {
  const mod = await import("../../mod.ts");
  expect(thrown(() => mod.createPipe())).toMatch(CLEAR_ERROR);
  expect(thrown(() => mod.createServer(String.raw`\\.\pipe\x`))).toMatch(CLEAR_ERROR);
  expect(thrown(() => mod.kernel32.createPipe(0, false, false))).toMatch(CLEAR_ERROR);
  expect(await rejected(mod.connect(String.raw`\\.\pipe\x`))).toMatch(CLEAR_ERROR);
  expect(await rejected(mod.waitNamedPipe(String.raw`\\.\pipe\x`))).toMatch(CLEAR_ERROR);
  expect(await rejected(mod.callNamedPipe(String.raw`\\.\pipe\x`, new Uint8Array(1)))).toMatch(CLEAR_ERROR);
  const kernel = new mod.Kernel32();
  expect(kernel.liveHandles()).toBe(0); // counting handles loads nothing
  expect(thrown(() => kernel.openPipe({ name: String.raw`\\.\pipe\x`, access: 0, inheritable: false }))).toMatch(
    CLEAR_ERROR,
  );
  expect(thrown(() => mod.bunBinding.load())).toMatch(CLEAR_ERROR);
});

test("import: INVALID_HANDLE_VALUE is recognised in every encoding", async () => {
  const { isInvalidHandleValue } = await import("../../mod.ts");
  expect(isInvalidHandleValue(-1n)).toBe(true);
  expect(isInvalidHandleValue(0xffff_ffff_ffff_ffffn)).toBe(true);
  expect(isInvalidHandleValue(-1)).toBe(true);
  expect(isInvalidHandleValue(Number(0xffff_ffff_ffff_ffffn))).toBe(true);
  expect(isInvalidHandleValue(null)).toBe(false); // NULL is not INVALID_HANDLE_VALUE
  expect(isInvalidHandleValue(0x1c4n)).toBe(false);
  expect(isInvalidHandleValue(0x1c4)).toBe(false);
  expect(isInvalidHandleValue(0xffff_fffen)).toBe(false);
});
