/**
 * Bun entry of the @winpipe/http suites on kernel32 (the
 * `http-kernel32-bun` suite): serveHttp and pipeFetch as `@winpipe/bun`
 * exports them, the corpus sent raw over real pipes, big bodies, 50
 * clients, and interop with node.exe's http module. Windows only; under
 * the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- bun test ./packages/http/test/kernel32.bun.test.ts
 *
 * @module
 */
import * as winpipe from "@winpipe/bun";
import { onWindows, register } from "@winpipe/testing/bun";
import { backend } from "./helpers.ts";
import { httpKernel32Suites } from "./suites.ts";

if (onWindows) {
  // 64 MiB each way: under Wine every pipe operation is a wineserver round trip (1 GiB runs on the model).
  httpKernel32Suites(register, backend("kernel32-bun", winpipe, 64 * 1024 * 1024, winpipe));
} else {
  register("http: kernel32-bun", () => {}, "Windows only; run it under the Wine test bed");
}
