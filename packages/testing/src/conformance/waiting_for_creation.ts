/**
 * L82. A client that starts before its server: `connect` with
 * `waitForCreation`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, ERROR_FILE_NOT_FOUND, isPipeError, type PipeServer } from "@winpipe/core";
import { type ConformanceCase, defineCase, within } from "./util.ts";

/** Resolves after `ms`. */
function after(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const waitingForCreationCases: readonly ConformanceCase[] = [
  defineCase(
    "L82",
    "connect with waitForCreation reaches servers created 0, 0.3 and 2 s after the client started",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const servers: PipeServer[] = [];
      try {
        await Promise.all([0, 300, 2000].map(async (ms) => {
          const name = s.pipeName(`k70-${ms}`);
          const connecting = pipes.connect(name, { waitForCreation: true, timeout: 60_000 });
          await after(ms);
          const server = pipes.createServer(name);
          servers.push(server);
          const accepted = server.accept();
          await using client = await within(connecting, `connect to a server created after ${ms} ms`);
          await using conn = await accepted;
          await client.write(new Uint8Array([ms & 0xff]));
          const got = new Uint8Array(4);
          assert.deepEqual(await conn.read(got), { bytesRead: 1, messageComplete: true });
          assert.equal(got[0], ms & 0xff);
        }));
      } finally {
        for (const server of servers) server.close();
      }
    },
  ),
  defineCase(
    "L82",
    "connect with waitForCreation fails with ERROR_FILE_NOT_FOUND at its timeout, and rejects at once on abort",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const name = s.pipeName("k70-never");
      await assert.rejects(
        pipes.connect(name),
        (err) => isPipeError(err, ERROR_FILE_NOT_FOUND),
        "no waiting by default",
      );
      await assert.rejects(
        within(pipes.connect(name, { waitForCreation: true, timeout: 200 }), "connect with a 200 ms timeout"),
        (err) => isPipeError(err, ERROR_FILE_NOT_FOUND) && /within the timeout of 200 ms/.test(err.message),
      );
      const ac = new AbortController();
      const waiting = pipes.connect(name, { waitForCreation: true, signal: ac.signal });
      await s.assertPending(waiting, "connect waiting for the pipe to be created");
      ac.abort();
      await assert.rejects(within(waiting, "an aborted connect"), { name: "AbortError" });
      await assert.rejects(pipes.connect(name, { waitForCreation: "yes" as unknown as boolean }), TypeError);
    },
  ),
];
