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
    // One output(): it takes the child's stdout and stderr, so a second call would throw "'stdout' is locked".
    const output = child.output();
    const outcome = await Promise.race([output, timedOut]);
    clearTimeout(timer);
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    if (outcome === "timeout") {
      child.kill();
      const late = await output;
      assert.fail(
        `the child did not exit within ${TIMEOUT_MS} ms of starting; ` +
          `its stdout: ${JSON.stringify(text(late.stdout))}, its stderr: ${JSON.stringify(text(late.stderr))}`,
      );
    }
    const stdout = text(outcome.stdout);
    const stderr = text(outcome.stderr);
    assert.equal(outcome.code, 0, `child failed: ${stderr}`);
    assert.match(stdout, /child done/);
    console.log(`child exited by itself after ${(performance.now() - started).toFixed(0)} ms`);
  },
});
