/**
 * The workload of the child process of a backend's exit test.
 *
 * @module
 */
import { type Winpipe } from "@winpipe/core";

/**
 * The body of the child process of a backend's exit test: pipe I/O of every
 * kind through `api`, including operations that were pending when their pipe
 * closed or that were aborted, a flush (a call without an overlapped form),
 * and reads on synchronous handles; then every pipe closed and nothing else.
 * The process must then exit by itself. Prints "child done" at the end.
 *
 * @example
 * ```ts ignore
 * import { exitChildWorkload } from "@winpipe/testing";
 * import * as winpipe from "@winpipe/deno";
 * await exitChildWorkload(winpipe, String.raw`\\.\pipe\winpipe-exit-child-` + crypto.randomUUID());
 * ```
 */
export async function exitChildWorkload(
  api: Pick<Winpipe, "callNamedPipe" | "connect" | "createNamedPipe" | "createPipe" | "createServer" | "waitNamedPipe">,
  name: string,
): Promise<void> {
  const { callNamedPipe, connect, createNamedPipe, createPipe, createServer, waitNamedPipe } = api;

  // An anonymous pipe with a read that waits for data, then for the end.
  {
    const pipe = createPipe();
    const buf = new Uint8Array(8);
    const reading = pipe.reader.read(buf);
    await pipe.writer.write(new Uint8Array([1, 2]));
    await reading;
    const end = pipe.reader.read(buf);
    pipe.writer.close();
    await end;
    pipe.reader.close();
  }

  // An inheritable anonymous pipe (synchronous ends): a read pending when its writer closes.
  {
    const pipe = createPipe({ inheritable: "both" });
    const reading = pipe.reader.read(new Uint8Array(8)).catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    pipe.writer.close();
    await reading;
    pipe.reader.close();
  }

  // A server with a pending accept, a client, a flush, a read left pending when the handle closes, an aborted read.
  {
    const server = createServer(name, { type: "message", readMode: "message", maxInstances: 2 });
    const serving = (async () => {
      for await (const conn of server) {
        const message = await conn.readMessage().catch(() => null);
        if (message !== null) await conn.write(message).catch(() => {});
        conn.close();
      }
    })();
    await waitNamedPipe(name, { timeout: 5000 });
    const reply = await callNamedPipe(name, new Uint8Array([9]));
    if (reply[0] !== 9) throw new Error("bad reply");

    const client = await connect(name, { readMode: "message" });
    await client.write(new Uint8Array([1]));
    await client.flush(); // waits until the server has read it
    await client.readMessage();
    const controller = new AbortController();
    const aborted = client.read(new Uint8Array(4), { signal: controller.signal }).catch(() => null);
    controller.abort();
    await aborted;
    const left = client.read(new Uint8Array(4)).catch(() => null); // pending when the client closes
    client.close();
    await left;
    server.close();
    await serving;
  }

  // A lone instance with a ConnectNamedPipe pending when it closes.
  {
    const instance = createNamedPipe(name + "-lone");
    const pending = instance.connect().catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    instance.close();
    await pending;
  }

  console.log("child done");
}
