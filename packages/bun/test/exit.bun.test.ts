/**
 * No worker, callback or timer keeps the process alive once its pipes are
 * closed: a child bun.exe does pipe I/O (pending, aborted and completed
 * operations of every kind, through the completion port's worker and pool
 * workers), closes everything, and must exit by itself in time.
 *
 * @module
 */
import { expect } from "bun:test";
import { windowsRegister } from "./util.ts";

const TIMEOUT_MS = 60_000;

windowsRegister("exit: a process exits by itself once all its pipes are closed", async () => {
  const script = new URL("./fixtures/exit_child.ts", import.meta.url);
  const started = performance.now();
  const child = Bun.spawn([process.execPath, Bun.fileURLToPath(script)], { stdout: "pipe", stderr: "pipe" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), TIMEOUT_MS)));
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    child.kill();
    await child.exited;
    const [stdout, stderr] = [await new Response(child.stdout).text(), await new Response(child.stderr).text()];
    throw new Error(
      `the child did not exit within ${TIMEOUT_MS} ms of starting; ` +
        `its stdout: ${JSON.stringify(stdout)}, its stderr: ${JSON.stringify(stderr)}`,
    );
  }
  const stdout = await new Response(child.stdout).text();
  const stderr = await new Response(child.stderr).text();
  expect(outcome, `child failed: ${stderr}`).toBe(0);
  expect(stdout).toMatch(/child done/);
  console.log(`child exited by itself after ${(performance.now() - started).toFixed(0)} ms`);
});
