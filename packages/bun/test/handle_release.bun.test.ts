/**
 * Handles are released: a pipe name with max instances 1 is created,
 * connected, used and closed 1000 times in a row (a leaked instance would
 * make the next CreateNamedPipe fail with ERROR_PIPE_BUSY), and the live
 * handle count comes back to where it started.
 *
 * @module
 */
import { expect } from "bun:test";
import { connect, createNamedPipe, kernel32, liveHandles } from "../mod.ts";
import { uniqueName, windowsTest } from "./util.ts";

const ROUNDS = 1000;

windowsTest(`handle release: a max-instances-1 pipe created, connected, used and closed ${ROUNDS} times`, async () => {
  const name = uniqueName("release");
  const baseline = liveHandles();
  const request = new TextEncoder().encode("ping");
  const buf = new Uint8Array(16);
  for (let i = 0; i < ROUNDS; i++) {
    const instance = createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
    const accepting = instance.connect();
    const client = await connect(name, { readMode: "message" });
    await accepting;
    await client.write(request);
    const got = await instance.read(buf);
    expect(got?.bytesRead).toBe(request.length);
    await instance.write(buf.subarray(0, got!.bytesRead));
    expect((await client.read(buf))?.bytesRead).toBe(request.length);
    // Alternate who closes first, and leave a read pending on the other end half the time.
    if (i % 2 === 0) {
      const pending = instance.read(buf); // ends with the client's close
      client.close();
      expect(await pending).toBe(null);
      instance.close();
    } else {
      instance.close();
      client.close();
    }
    if (liveHandles() !== baseline) throw new Error(`round ${i}: ${liveHandles()} handles, baseline ${baseline}`);
  }
  expect(kernel32.liveHandles()).toBe(baseline);
});
