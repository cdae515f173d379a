// Self-test of the Windows test bed (scripts/wine): Bun's FFI reaches
// kernel32 under Wine. Run it with
//   scripts/wine/run.sh -- wine /win/bun.exe test scripts/wine/selftest/ffi_bun.test.ts
// It is skipped off Windows. The bun: modules are loaded by a computed name
// so that Deno's test runner, if it finds this file, neither resolves nor
// type-checks them, and it registers nothing outside Bun.

if ("Bun" in globalThis) {
  const bun = (name: string) => import(`bun:${name}`);
  const { test, expect } = await bun("test");
  const { dlopen, FFIType } = await bun("ffi");

  test.skipIf(process.platform !== "win32")(
    "kernel32 GetCurrentProcessId via bun:ffi equals process.pid",
    () => {
      const kernel32 = dlopen("kernel32.dll", {
        GetCurrentProcessId: { args: [], returns: FFIType.u32 },
      });
      try {
        const pid = kernel32.symbols.GetCurrentProcessId();
        expect(typeof pid).toBe("number");
        expect(pid).toBeGreaterThan(0);
        expect(pid).toBe(process.pid);
      } finally {
        kernel32.close();
      }
    },
  );
}
