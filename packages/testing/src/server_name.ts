/**
 * The server name suite: while a {@linkcode PipeServer} is open its name
 * exists. Clients arrive at random moments relative to the server's
 * `accept()` and `close()` of each connection, for many cycles, with
 * `maxInstances` 1 and 4 and more clients than instances (so that every
 * instance is sometimes connected): every client gets through, waiting on
 * ERROR_PIPE_BUSY when it must, and none ever gets ERROR_FILE_NOT_FOUND.
 * And the last instance, kept for the next client, does not hold on to a
 * client blocked in a large write.
 *
 * @example
 * ```ts ignore
 * import { serverNameSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * serverNameSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_FILE_NOT_FOUND } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import { createWinpipe } from "@winpipe/core";
import type { ServerInstance } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";

/**
 * Options of {@linkcode serverNameSuite}.
 *
 * @example
 * ```ts ignore
 * import { serverNameSuite, type ServerNameSuiteOptions } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: ServerNameSuiteOptions = { register, cycles: 100 };
 * serverNameSuite(() => createModelKernel(), options);
 * ```
 */
export interface ServerNameSuiteOptions extends SuiteOptions {
  /** How many client connections each case makes. Default 1000. */
  cycles?: number;
}

/** Resolves after 0 to `ms - 1` milliseconds, or at once half of the time. */
function randomPause(ms: number): Promise<void> {
  if (Math.random() < 0.5) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * ms)));
}

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { serverNameSuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * serverNameSuite(() => new Kernel32(), { register: windowsRegister }); // skipped off Windows
 * ```
 */
export function serverNameSuite(factory: KernelFactory, options: ServerNameSuiteOptions): void {
  const cycles = options.cycles ?? 1000;
  for (const maxInstances of [1, 4]) {
    const name = `server name: ${cycles} clients at random moments, maxInstances ${maxInstances}: ` +
      `none finds the name missing`;
    options.register(name, async () => {
      const kernel = await factory();
      const baseline = kernel.liveHandles();
      const pipes = createWinpipe(kernel);
      const pipeName = uniquePipeName(`name-max${maxInstances}`);
      const server = pipes.createServer(pipeName, { maxInstances });
      let started = 0;
      let answered = 0;
      let missing = 0;
      const serving: Promise<void>[] = [];

      /** One connection, server side: the request, its reply, then a close at a random moment. */
      const serve = async (conn: ServerInstance) => {
        const request = new Uint8Array(4);
        const got = await conn.read(request);
        if (got !== null) {
          await conn.write(request.subarray(0, got.bytesRead).map((b) => b ^ 0xff));
          await randomPause(3);
        }
        conn.close();
      };
      const accepting = (async () => {
        for await (const conn of server) {
          serving.push(serve(conn));
          await randomPause(3); // the next accept() comes at a random moment too
        }
      })();

      const client = async (id: number) => {
        while (started < cycles) {
          started++;
          await randomPause(3);
          try {
            await using conn = await pipes.connect(pipeName, { timeout: 60_000 });
            await conn.write(new Uint8Array([id]));
            const reply = new Uint8Array(4);
            const got = await conn.read(reply);
            assert.deepEqual(reply.subarray(0, got?.bytesRead ?? 0), new Uint8Array([id ^ 0xff]));
            answered++;
            await randomPause(2); // the client closes at a random moment relative to the server
          } catch (err) {
            if (!isPipeError(err, ERROR_FILE_NOT_FOUND)) throw err;
            missing++;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: maxInstances + 2 }, (_, id) => client(id)));
      } finally {
        server.close();
        await accepting;
        await Promise.all(serving);
      }
      assert.equal(missing, 0, `${missing} of ${cycles} clients got ERROR_FILE_NOT_FOUND`);
      assert.equal(answered, cycles);
      assert.equal(kernel.liveHandles(), baseline, "every handle closed");
    }, options.skip?.[name]);
  }

  const blocked = "server name: the kept last instance lets a client blocked in a write finish it, " +
    "read the answer and see the end; the next client gets through";
  options.register(blocked, async () => {
    const kernel = await factory();
    const baseline = kernel.liveHandles();
    const pipes = createWinpipe(kernel);
    const pipeName = uniquePipeName("name-blocked");
    const server = pipes.createServer(pipeName, { maxInstances: 1, inBufferSize: 1024, outBufferSize: 1024 });
    try {
      const accepted = server.accept();
      const client = await pipes.connect(pipeName);
      const conn = await accepted;
      const request = client.write(new Uint8Array(300_000)); // more than the server's buffer: it waits
      await conn.write(new TextEncoder().encode("413 too large")); // answered before the request was read
      conn.close(); // the last instance: kept for the next client, its client's writes read and dropped
      await request;
      const answer = new Uint8Array(64);
      const got = await client.read(answer);
      assert.equal(new TextDecoder().decode(answer.subarray(0, got?.bytesRead ?? 0)), "413 too large");
      assert.equal(await client.read(answer), null, "the instance was disconnected: the end of the data");
      client.close();
      const next = server.accept();
      await using _client = await pipes.connect(pipeName, { timeout: 10_000 });
      await using _conn = await next;
    } finally {
      server.close();
    }
    assert.equal(kernel.liveHandles(), baseline, "every handle closed");
  }, options.skip?.[blocked]);
}
