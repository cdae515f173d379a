/**
 * The toDenoConn / toDenoListener suite on kernel32 (Windows, or the Wine
 * test bed): part of kernel32-deno.
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/deno/test/deno_adapters_test.ts
 *
 * @module
 */
import { Kernel32 } from "../mod.ts";
import { denoAdapterTests } from "./adapters/deno_adapters.ts";
import { windowsRegister } from "./util.ts";

denoAdapterTests(windowsRegister, { name: "kernel32-deno", kernel: () => new Kernel32() });
