// Self-test of the Windows test bed (scripts/wine): Deno's FFI reaches
// kernel32 under Wine. Run it with
//   scripts/wine/run.sh -- wine /win/deno.exe test -A --no-config scripts/wine/selftest/ffi_test.ts
// It is ignored off Windows, and registers nothing outside Deno, so other
// test runners that find the file pass over it.

if ("Deno" in globalThis) {
  Deno.test({
    name: "kernel32 GetCurrentProcessId via Deno.dlopen equals Deno.pid",
    ignore: Deno.build.os !== "windows",
    fn() {
      const kernel32 = Deno.dlopen("kernel32.dll", {
        GetCurrentProcessId: { parameters: [], result: "u32" },
      });
      try {
        const pid = kernel32.symbols.GetCurrentProcessId();
        if (typeof pid !== "number" || !(pid > 0)) {
          throw new Error(`GetCurrentProcessId returned ${pid}`);
        }
        if (pid !== Deno.pid) {
          throw new Error(`GetCurrentProcessId ${pid} != Deno.pid ${Deno.pid}`);
        }
      } finally {
        kernel32.close();
      }
    },
  });
}
