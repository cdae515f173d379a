/**
 * Deno entry of the @winpipe/http suites on the in-memory model (the
 * `http-model` suite): `deno test -A packages/http/test/model_test.ts`.
 *
 * @module
 */
import { createWinpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { register } from "@winpipe/testing/deno";
import { exchangeSuite } from "./exchange_suite.ts";
import { framesSuite } from "./frames_suite.ts";
import { backend } from "./helpers.ts";
import { readOrderSuite } from "./read_order_suite.ts";
import { splitSuite } from "./split_suite.ts";
import { httpSuites } from "./suites.ts";
import { webSocketWritesSuite } from "./websocket_writes_suite.ts";

httpSuites(register, backend("model", createWinpipe(createModelKernel()), 1024 * 1024 * 1024));
exchangeSuite(register);
readOrderSuite(register);
splitSuite(register);
framesSuite(register);
webSocketWritesSuite(register);
