/**
 * Deno entry of the @winpipe/http suites on kernel32 (the
 * `http-kernel32-deno` suite): serveHttp and pipeFetch as `@winpipe/deno`
 * exports them, the corpus sent raw over real pipes, big bodies, 50
 * clients, and interop with node.exe's http module. Windows only; under
 * the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/http/test/kernel32_test.ts
 *
 * @module
 */
import * as winpipe from "@winpipe/deno";
import { onWindows, register } from "@winpipe/testing/deno";
import { backend } from "./helpers.ts";
import { httpKernel32Suites } from "./suites.ts";

if (onWindows) {
  // 64 MiB each way: under Wine every pipe operation is a wineserver round trip (1 GiB runs on the model).
  httpKernel32Suites(register, backend("kernel32-deno", winpipe, 64 * 1024 * 1024, winpipe));
} else {
  register("http: kernel32-deno", () => {}, "Windows only; run it under the Wine test bed");
}
