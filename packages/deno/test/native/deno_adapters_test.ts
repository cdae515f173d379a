/**
 * The toDenoConn / toDenoListener suite on the in-memory model (any OS):
 * `deno test -A packages/deno/test/native/deno_adapters_test.ts`. The same
 * suite runs on kernel32 in ../deno_adapters_test.ts.
 *
 * @module
 */
import { createModelKernel } from "@winpipe/core/model";
import { register } from "@winpipe/testing/deno";
import { denoAdapterTests } from "../adapters/deno_adapters.ts";

denoAdapterTests(register, { name: "model", kernel: () => createModelKernel() });
