/**
 * pipeFetch against HTTP servers on message pipes, served the way go-winio
 * serves them with `PipeConfig.MessageMode` (the Docker Engine's
 * `\\.\pipe\docker_engine`, containerd's and BuildKit's pipes): the pipe is
 * of message type and read in byte mode; every write is a message of its
 * own; `CloseWrite` flushes (FlushFileBuffers, which waits until the reader
 * took everything) and then writes a zero-length message, and Go's net/http
 * server does that before it closes a connection. The server here does the
 * same through winpipe (microsoft/go-winio pipe.go, `win32MessageBytePipe`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { PipeHttpClient } from "@winpipe/http";
import { closeWriteAndHold, messagePipeServer } from "./go_winio_peer.ts";
import { type HttpBackend, type RegisterTest, streamOf, uniqueName, utf8 } from "./helpers.ts";

/** What the go-winio-style server answers to one request: its messages, and whether it then closes its side. */
interface Answer {
  messages: string[];
  closeWrite?: boolean;
}

/** One connection as the server saw it. */
interface SeenConnection {
  /** The requests read, each its head and whatever body came with it, as Latin-1 text. */
  requests: string[];
  /** Reads that returned 0 bytes: zero-length messages from the client (its CloseWrite). */
  emptyMessages: number;
  /** After a CloseWrite: who ended the connection, the client (closing its end) or the server (after `holdMs`). */
  endedBy?: "client" | "server";
}

/**
 * A server on a message pipe that reads requests as go-winio's
 * win32MessageBytePipe does and answers each with `answer(request)`, where
 * `request` is the head and the body bytes that came with it (a body is
 * complete once `complete(request)` says so). After a CloseWrite it keeps
 * the connection until the client closes it or `holdMs` passed, as Go's
 * server waits before it closes.
 */
function goWinioStyleServer(
  b: HttpBackend,
  name: string,
  answer: (request: string) => Answer,
  complete: (request: string) => boolean = (request) => request.endsWith("\r\n\r\n"),
  holdMs = 10_000,
) {
  const latin1 = new TextDecoder("latin1");
  return messagePipeServer(b, name, (): SeenConnection => ({ requests: [], emptyMessages: 0 }), async (c, seen) => {
    const buf = new Uint8Array(65536);
    let pending = "";
    for (;;) {
      const r = await c.read(buf);
      if (r === null) return;
      if (r.bytesRead === 0) {
        seen.emptyMessages++;
        continue;
      }
      pending += latin1.decode(buf.subarray(0, r.bytesRead));
      if (!complete(pending)) continue;
      seen.requests.push(pending);
      const { messages, closeWrite } = answer(pending);
      pending = "";
      for (const message of messages) await c.write(utf8(message));
      if (closeWrite) {
        seen.endedBy = await closeWriteAndHold(c, holdMs);
        return;
      }
    }
  });
}

/** A JSON response in several messages: the head, then the body cut in three. */
function jsonInMessages(body: string): string[] {
  const third = Math.ceil(body.length / 3);
  return [
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body.slice(0, third),
    body.slice(third, 2 * third),
    body.slice(2 * third),
  ];
}

export function messagePipeSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http message pipes (${b.name}): ${name}`, fn);

  t("pipeFetch reads a go-winio-style server on a message pipe: responses in many messages, kept alive", async () => {
    const name = uniqueName("go-winio");
    await using server = goWinioStyleServer(b, name, (request) => {
      const path = request.slice(request.indexOf(" ") + 1, request.indexOf(" HTTP/"));
      return { messages: jsonInMessages(JSON.stringify({ path, padding: "x".repeat(100) })) };
    });
    using client = new PipeHttpClient(b.pipes);
    for (const path of ["/v1.47/version", "/v1.47/containers/json"]) {
      const response = await client.fetch(name, path);
      assert.equal(response.status, 200);
      assert.equal((await response.json() as { path: string }).path, path);
    }
    // One connection carried both requests, and it is back in the pool.
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0].requests.length, 2);
    assert.equal(client.idleConnections(name), 1);
  });

  t("a request body goes out in messages none of which is empty (an empty one is go-winio's CloseWrite)", async () => {
    const name = uniqueName("go-winio-body");
    const ended = (request: string) =>
      request.endsWith("\r\n0\r\n\r\n") || /content-length: 5\r\n\r\n.{5}$/is.test(request);
    await using server = goWinioStyleServer(
      b,
      name,
      () => ({ messages: ["HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"] }),
      ended,
    );
    using client = new PipeHttpClient(b.pipes);
    // A streamed body with empty chunks among its parts, and a whole one.
    const chunks = [utf8("ab"), new Uint8Array(0), utf8("c"), new Uint8Array(0)];
    const streamed = await client.fetch(name, "/v1.47/build", { method: "POST", body: streamOf(chunks) });
    assert.equal(streamed.status, 201);
    const whole = await client.fetch(name, "/v1.47/images/load", { method: "POST", body: "hello" });
    assert.equal(whole.status, 201);
    assert.equal(server.seen.length, 1);
    const [first, second] = server.seen[0].requests;
    assert.match(first, /transfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n$/i);
    assert.match(second, /\r\n\r\nhello$/);
    assert.equal(server.seen[0].emptyMessages, 0);
  });

  t(
    "a response read to its end ends at the server's CloseWrite (a zero-length message), not at its close",
    async () => {
      const name = uniqueName("go-winio-close-write");
      // Docker's attach without Upgrade answers so: 200, no length, the stream, then CloseWrite.
      await using server = goWinioStyleServer(b, name, () => ({
        messages: [
          "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: close\r\n\r\n",
          "first ",
          "second",
        ],
        closeWrite: true,
      }));
      const response = await b.http.pipeFetch(name, "/v1.47/containers/x/attach?stream=1&stdout=1", { method: "POST" });
      assert.equal(await response.text(), "first second");
      // The body ended while the server still held its end, and the client then closed the connection (had the
      // body waited for the server to close, the server would have ended it after its hold).
      await server.closed();
      assert.equal(server.seen[0].endedBy, "client");
    },
  );

  t("a CloseWrite before any response is the server closing the connection", async () => {
    const name = uniqueName("go-winio-no-answer");
    await using server = goWinioStyleServer(b, name, () => ({ messages: [], closeWrite: true }));
    await assert.rejects(
      b.http.pipeFetch(name, "/v1.47/info"),
      (err: unknown) => err instanceof TypeError && /closed the connection/.test(err.message),
    );
    // At the CloseWrite, not after the server gave up holding the connection.
    await server.closed();
    assert.equal(server.seen[0].endedBy, "client");
  });
}

export function messagePipeServerSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http message pipes (${b.name}): ${name}`, fn);

  t('serveHttp({ type: "message" }) makes a message pipe read in byte mode, as go-winio\'s MessageMode', async () => {
    const name = uniqueName("serve-message");
    await using server = b.http.serveHttp(name, async (request) => {
      const body = request.body === null ? "" : await request.text();
      return new Response(streamOf([utf8("got "), utf8(`${request.method} ${body.length}`)]));
    }, { type: "message" });
    using client = new PipeHttpClient(b.pipes);
    assert.equal(await (await client.fetch(name, "/a")).text(), "got GET 0");
    const upload = streamOf([utf8("x".repeat(1000)), new Uint8Array(0), utf8("y")]);
    assert.equal(await (await client.fetch(name, "/b", { method: "POST", body: upload })).text(), "got POST 1001");
    assert.equal(client.idleConnections(name), 1);
    await using raw = await b.pipes.connect(name);
    assert.equal(raw.info().type, "message");
    assert.ok(server.connections >= 1);
  });

  t(
    "a client's CloseWrite (a zero-length message) after its request: the response comes, then the server closes",
    async () => {
      const name = uniqueName("serve-message-close-write");
      // The keep-alive timeout is longer than the read's: the connection must end at the CloseWrite.
      await using _server = b.http.serveHttp(name, () => new Response("answer"), {
        type: "message",
        keepAliveTimeout: 60_000,
      });
      await using conn = await b.pipes.connect(name);
      await conn.write(utf8("GET /x HTTP/1.1\r\nHost: docker\r\n\r\n"));
      await conn.flush();
      await conn.write(new Uint8Array(0));
      const buf = new Uint8Array(4096);
      let text = "";
      for (;;) {
        const r = await conn.read(buf, { signal: AbortSignal.timeout(10_000) });
        if (r === null) break;
        text += new TextDecoder().decode(buf.subarray(0, r.bytesRead));
      }
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(text, /\r\n\r\nanswer$/);
    },
  );
}
