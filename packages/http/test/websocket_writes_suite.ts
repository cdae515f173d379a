/**
 * How a WebSocket writes, seen on the model through a kernel that records
 * the server's WriteFile calls: frames sent while a write is in flight go
 * out together (one write, at most 64 KiB unless one frame is larger), in
 * order, and the first frame of a quiet socket goes alone at once
 * (docs/http.md, "Sending"). On the model only: the batching is the
 * socket's own code, the same over every kernel.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { createHttp, type PipeWebSocket } from "@winpipe/http";
import { recordedModel, type RegisterTest, uniqueName, withDeadline } from "./helpers.ts";

/** Small messages sent in one turn. */
const SMALL = 2000;
/** One message larger than a gathered write may be. */
const LARGE = 100 * 1024;

export function webSocketWritesSuite(register: RegisterTest): void {
  register(
    "websocket internals: frames sent while a write is in flight go out together, at most 64 KiB a write, in order",
    async () => {
      const { recorded, plain, writes } = recordedModel();
      const name = uniqueName("ws-writes");
      let writesBefore = 0;
      await using _server = createHttp(createWinpipe(recorded)).serveHttp(name, (_request, info) => {
        const { socket, response } = info.upgradeWebSocket();
        socket.onopen = () => {
          writesBefore = writes.length; // the 101 is out
          for (let i = 0; i < SMALL / 2; i++) socket.send(`m${i}`);
          socket.send(new Uint8Array(LARGE));
          for (let i = SMALL / 2; i < SMALL; i++) socket.send(`m${i}`);
        };
        return response;
      });
      const socket: PipeWebSocket = createHttp(createWinpipe(plain)).pipeWebSocket(name, "/");
      socket.binaryType = "arraybuffer";
      const received: unknown[] = [];
      const all = new Promise<void>((resolve) => {
        socket.onmessage = (event) => {
          received.push(event.data instanceof ArrayBuffer ? event.data.byteLength : event.data);
          if (received.length === SMALL + 1) resolve();
        };
      });
      await withDeadline(all, 10_000, `only ${received.length} messages came`);
      const expected: unknown[] = Array.from({ length: SMALL }, (_, i) => `m${i}`);
      expected.splice(SMALL / 2, 0, LARGE);
      assert.deepEqual(received, expected, "every message, in order");
      const frameWrites = writes.slice(writesBefore);
      // The first alone (4 bytes: "m0" and its header), the rest gathered behind it.
      assert.equal(frameWrites[0], 4);
      const shown = frameWrites.slice(0, 12).join(", ");
      assert.ok(frameWrites.length <= 10, `${frameWrites.length} writes for ${SMALL + 1} messages: ${shown}, ...`);
      const largeFrame = LARGE + 10;
      assert.ok(frameWrites.includes(largeFrame), `the large frame went alone: ${shown}`);
      for (const size of frameWrites) {
        assert.ok(size <= 64 * 1024 || size === largeFrame, `a write of ${size} bytes: ${shown}`);
      }
      socket.close();
    },
  );
}
