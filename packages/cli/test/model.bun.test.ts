// Bun entry of the CLI cases, in-process over the model (cli_suite.ts).
import { register } from "@winpipe/testing/bun";
import { cliSuite } from "./cli_suite.ts";
import { modelHarness } from "./model_harness.ts";

cliSuite(register, modelHarness());
