/**
 * The handle release suite: handles are released, round after round.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { type KernelFactory, uniquePipeName } from "../harness.ts";

import { add, type HandleReleaseSuiteOptions } from "./helpers.ts";

/**
 * Registers the handle release test: a pipe name with max instances 1 is
 * created, connected, used and closed 1000 times in a row (a leaked instance
 * would make the next CreateNamedPipe fail with ERROR_PIPE_BUSY), and the
 * live handle count comes back to where it started after every round.
 *
 * @example
 * ```ts ignore
 * import { handleReleaseSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * handleReleaseSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 */
export function handleReleaseSuite(factory: KernelFactory, options: HandleReleaseSuiteOptions): void {
  const rounds = options.rounds ?? 1000;
  add(
    options,
    `handle release: a max-instances-1 pipe created, connected, used and closed ${rounds} times`,
    async () => {
      const k = await factory();
      const { connect, createNamedPipe, liveHandles } = createWinpipe(k);
      const name = uniquePipeName("release");
      const baseline = liveHandles();
      const request = new TextEncoder().encode("ping");
      const buf = new Uint8Array(16);
      for (let i = 0; i < rounds; i++) {
        const instance = createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
        const accepting = instance.connect();
        const client = await connect(name, { readMode: "message" });
        await accepting;
        await client.write(request);
        const got = await instance.read(buf);
        assert.equal(got?.bytesRead, request.length);
        await instance.write(buf.subarray(0, got!.bytesRead));
        assert.equal((await client.read(buf))?.bytesRead, request.length);
        // Alternate who closes first, and leave a read pending on the other end half the time.
        if (i % 2 === 0) {
          const pending = instance.read(buf); // ends with the client's close
          client.close();
          assert.equal(await pending, null, "end of data once the client closed");
          instance.close();
        } else {
          instance.close();
          client.close();
        }
        assert.equal(liveHandles(), baseline, `round ${i}: handles back to the baseline`);
      }
      assert.equal(k.liveHandles(), baseline);
    },
  );
}
