/**
 * No callback or thread keeps the process alive once its pipes are closed:
 * a child deno.exe does pipe I/O (pending, aborted and completed operations
 * of every kind), closes everything, and must exit by itself in time.
 *
 * @module
 */
import assert from "node:assert/strict";
import { onWindows } from "./util.ts";

const TIMEOUT_MS = 60_000;

Deno.test({
  name: "exit: a process exits by itself once all its pipes are closed",
  ignore: !onWindows,
  async fn() {
    const script = new URL("./fixtures/exit_child.ts", import.meta.url);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-check", script.href],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), TIMEOUT_MS));
    const started = performance.now();
    const outcome = await Promise.race([child.output(), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      child.kill();
      await child.output();
      assert.fail(`the child did not exit within ${TIMEOUT_MS} ms of starting`);
    }
    const stdout = new TextDecoder().decode(outcome.stdout);
    const stderr = new TextDecoder().decode(outcome.stderr);
    assert.equal(outcome.code, 0, `child failed: ${stderr}`);
    assert.match(stdout, /child done/);
    console.log(`child exited by itself after ${(performance.now() - started).toFixed(0)} ms`);
  },
});
