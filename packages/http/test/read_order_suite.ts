/**
 * When a server connection issues its reads, seen on the model through a
 * kernel that records the server's ReadFile and WriteFile calls in order: a
 * handler that answers at once has its response written before the
 * connection's next read, so that no read that stays pending (under Wine a
 * wineserver request) lies between a request and its response; one that
 * waits has the watch's read first (docs/http.md, "The client going
 * away").
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { createHttp } from "@winpipe/http";
import { bytes, delay, rawExchange, recordedModel, type RegisterTest, uniqueName } from "./helpers.ts";

export function readOrderSuite(register: RegisterTest): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http server internals: ${name}`, fn);

  t(
    "a handler that answers at once has its response written before the next read; one that waits, after the watch's read",
    async () => {
      const { recorded, plain, calls } = recordedModel();
      const name = uniqueName("read-order");
      await using _server = createHttp(createWinpipe(recorded)).serveHttp(name, async (request) => {
        const body = request.method === "POST" ? await request.text() : "";
        if (new URL(request.url).pathname === "/wait") await delay(20);
        return new Response(`ok${body}`);
      });
      const client = createWinpipe(plain); // the same pipes, its calls not recorded
      const order: Record<string, string[]> = {};
      for (const method of ["GET", "POST"]) {
        for (const path of ["/now", "/wait"]) {
          calls.length = 0;
          const rest = method === "POST" ? "Content-Length: 2\r\n\r\nhi" : "\r\n";
          const request = bytes(`${method} ${path} HTTP/1.1\r\nHost: a\r\n${rest}`);
          const ending = method === "POST" ? "okhi" : "ok";
          const reply = await rawExchange(client, name, request, (text) => text.endsWith(ending));
          assert.match(reply.text, /^HTTP\/1\.1 200 OK\r\n/);
          await delay(20); // the server's loop issues its next read after the response
          order[`${method} ${path}`] = [...calls];
        }
      }
      // A request body read to its end by a handler that then answers at once starts no watch either.
      assert.deepEqual(order, {
        "GET /now": ["read", "write", "read"],
        "GET /wait": ["read", "read", "write"],
        "POST /now": ["read", "write", "read"],
        "POST /wait": ["read", "read", "write"],
      });
    },
  );
}
