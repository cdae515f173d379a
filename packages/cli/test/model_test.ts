// Deno entry of the CLI cases, in-process over the model (cli_suite.ts).
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { register } from "@winpipe/testing/deno";
import { runCli } from "../program.ts";
import { cliSuite } from "./cli_suite.ts";
import { modelHarness } from "./model_harness.ts";

cliSuite(register, modelHarness());

Deno.test("cli (model): Ctrl+C while send, send --message or call waits for standard input exits 130 at once", async () => {
  const pipes = createWinpipe(createModelKernel());
  const name = String.raw`\\.\pipe\winpipe-cli-ctrl-c`;
  using server = pipes.createServer(name, { type: "message", readMode: "message", maxInstances: 4 });
  const accepting = (async () => {
    for await (const conn of server) conn.readMessage().catch(() => {}).finally(() => conn.close());
  })();
  for (const args of [["send", name], ["send", name, "--message"], ["call", name]]) {
    const interrupt = new AbortController();
    const code = runCli(args, {
      pipes,
      stdin: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }) }), // a terminal, silent
      stdout: () => Promise.resolve(),
      stderr: () => {},
      interrupted: interrupt.signal,
    });
    setTimeout(() => interrupt.abort(), 20);
    const timeout = new Promise((resolve) => setTimeout(() => resolve("still running 2 s after Ctrl+C"), 2000));
    assert.equal(await Promise.race([code, timeout]), 130, args.join(" "));
  }
  server.close();
  await accepting;
});
