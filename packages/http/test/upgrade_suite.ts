/**
 * pipeUpgrade (PipeHttpClient.upgrade): requests that switch protocols,
 * against a server that answers as the Docker Engine answers `attach` and
 * `exec` (`101 UPGRADED` on a message pipe, then a raw stream each way,
 * each side ending its own with go-winio's CloseWrite), and against servers
 * that do not switch.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_FILE_NOT_FOUND, isPipeError } from "@winpipe/core";
import { PipeHttpClient, type UpgradedConnection } from "@winpipe/http";
import { closeWriteAndHold, messagePipeServer } from "./go_winio_peer.ts";
import { type HttpBackend, rawServer, type RegisterTest, streamOf, uniqueName, utf8 } from "./helpers.ts";

const latin1 = new TextDecoder("latin1");

/** What the engine saw of one connection. */
interface EngineSeen {
  /** The request head and body, as Latin-1 text. */
  request?: string;
  /** The raw bytes the client sent after the switch, until its CloseWrite. */
  received: string;
  /** Whether the client's CloseWrite (a zero-length message) came. */
  clientClosedWrite: boolean;
  /** Who ended the connection after the engine's own CloseWrite: the client, or the engine after its hold. */
  endedBy?: "client" | "server";
}

/**
 * A stand-in of the Docker Engine's attach on a message pipe, written as
 * go-winio and Go's net/http serve it: reads the request (head, and a body
 * of Content-Length), answers `101 UPGRADED` with the first raw bytes in
 * the same message, echoes what the client sends upper-cased until the
 * client's CloseWrite, then sends "bye", does its own CloseWrite (flush, a
 * zero-length message) and holds the connection until the client closes it.
 */
function dockerStyleEngine(b: HttpBackend, name: string, holdMs = 10_000) {
  const newRecord = (): EngineSeen => ({ received: "", clientClosedWrite: false });
  return messagePipeServer(b, name, newRecord, async (c, s) => {
    const buf = new Uint8Array(65536);
    let text = "";
    for (;;) {
      const r = await c.read(buf);
      if (r === null || r.bytesRead === 0) return;
      text += latin1.decode(buf.subarray(0, r.bytesRead));
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) continue;
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (text.length >= end + 4 + length) break;
    }
    s.request = text;
    await c.write(utf8(
      "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\n" +
        "Upgrade: tcp\r\n\r\nready\n",
    ));
    for (;;) {
      const r = await c.read(buf);
      if (r === null) return;
      if (r.bytesRead === 0) break;
      const got = latin1.decode(buf.subarray(0, r.bytesRead));
      s.received += got;
      await c.write(utf8(got.toUpperCase()));
    }
    s.clientClosedWrite = true;
    await c.write(utf8("bye"));
    s.endedBy = await closeWriteAndHold(c, holdMs);
  });
}

/** The text of the next chunks of `reader` until it holds `expected`'s length (or the stream ends). */
async function readText(
  reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> },
  expected: string,
): Promise<string> {
  let text = "";
  while (text.length < expected.length) {
    const { done, value } = await reader.read();
    if (done) break;
    text += latin1.decode(value!);
  }
  return text;
}

/** A server answering each request head with `reply` (raw), recording the heads. */
function replyingServer(b: HttpBackend, name: string, reply: string) {
  const heads: string[] = [];
  const server = rawServer(b, name, (head) => {
    heads.push(head);
    return reply;
  });
  return { heads, [Symbol.asyncDispose]: server[Symbol.asyncDispose] };
}

export function upgradeSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http upgrade (${b.name}): ${name}`, fn);

  t(
    "pipeUpgrade against a Docker-style engine on a message pipe: 101, a raw stream each way, CloseWrite each way",
    async () => {
      const name = uniqueName("docker-attach");
      await using engine = dockerStyleEngine(b, name);
      const result = await b.http.pipeUpgrade(name, "/v1.47/exec/4f1c/start", {
        method: "POST",
        headers: { upgrade: "tcp", "content-type": "application/json" },
        body: JSON.stringify({ Detach: false, Tty: false }),
      });
      assert.ok(!(result instanceof Response), "the engine switched");
      const upgraded: UpgradedConnection = result;
      assert.equal(upgraded.status, 101);
      assert.equal(upgraded.statusText, "UPGRADED");
      assert.equal(upgraded.headers.get("upgrade"), "tcp");
      assert.equal(upgraded.headers.get("content-type"), "application/vnd.docker.raw-stream");
      // The request went out whole, with the fields an upgrade needs, before the switch.
      const request = engine.seen[0].request!;
      assert.match(request, /^POST \/v1\.47\/exec\/4f1c\/start HTTP\/1\.1\r\n/);
      assert.match(request, /\r\nupgrade: tcp\r\n/i);
      assert.match(request, /\r\nconnection: upgrade\r\n/i);
      assert.match(request, /\r\n\r\n\{"Detach":false,"Tty":false\}$/);
      const reader = upgraded.readable.getReader();
      // The bytes that came in the 101's own message come first.
      assert.equal(await readText(reader, "ready\n"), "ready\n");
      const writer = upgraded.writable.getWriter();
      await writer.write(utf8("hello"));
      assert.equal(await readText(reader, "HELLO"), "HELLO");
      await writer.write(new Uint8Array(0)); // nothing: an empty message would end this side
      await writer.write(utf8(" again"));
      assert.equal(await readText(reader, " AGAIN"), " AGAIN");
      // Closing the writable is the CloseWrite: the engine sees the end of what we send and answers.
      await writer.close();
      assert.equal(await readText(reader, "bye"), "bye");
      // The engine's CloseWrite ends the readable while the engine still holds the connection.
      assert.equal((await reader.read()).done, true);
      assert.equal(upgraded.connection.closed, false);
      await upgraded[Symbol.asyncDispose]();
      assert.equal(upgraded.connection.closed, true);
      await engine.closed();
      assert.equal(engine.seen.length, 1);
      assert.equal(engine.seen[0].received, "hello again");
      assert.equal(engine.seen[0].clientClosedWrite, true);
      assert.equal(engine.seen[0].endedBy, "client");
    },
  );

  t("a server that does not switch: its Response, as pipeFetch gives it, and the connection is reused", async () => {
    const name = uniqueName("no-switch");
    const body = JSON.stringify({ message: "No such container: nope" });
    await using server = replyingServer(
      b,
      name,
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    using client = new PipeHttpClient(b.pipes);
    const result = await client.upgrade(name, "/containers/nope/attach?stream=1", {
      method: "POST",
      headers: { upgrade: "tcp" },
    });
    assert.ok(result instanceof Response);
    assert.equal(result.status, 404);
    assert.deepEqual(await result.json(), { message: "No such container: nope" });
    assert.equal(client.idleConnections(name), 1);
    assert.equal((await client.fetch(name, "/again")).status, 404);
    assert.equal(server.heads.length, 2);
    assert.match(server.heads[0], /\r\nconnection: upgrade(\r\n|$)/i);
    assert.doesNotMatch(server.heads[1], /upgrade/i);
  });

  t("pipeFetch still refuses a 101: it does not switch protocols", async () => {
    const name = uniqueName("unasked-101");
    await using _server = replyingServer(
      b,
      name,
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n",
    );
    await assert.rejects(
      b.http.pipeFetch(name, "/", { headers: { upgrade: "x" } }),
      (err: unknown) => err instanceof TypeError && /switched protocols/.test(err.message),
    );
  });

  t("bad requests are TypeErrors before the pipe is opened; a signal aborts the wait for the 101", async () => {
    const missing = uniqueName("never-created");
    await assert.rejects(b.http.pipeUpgrade(missing, "/attach"), /needs an Upgrade field/);
    await assert.rejects(
      b.http.pipeUpgrade(missing, "/attach", {
        method: "POST",
        headers: { upgrade: "tcp" },
        body: streamOf([utf8("x")]),
      }),
      /must be all there/,
    );
    await assert.rejects(
      b.http.pipeUpgrade(missing, "/attach", { headers: { upgrade: "tcp" } }),
      (err: unknown) => isPipeError(err, ERROR_FILE_NOT_FOUND),
    );
    // A server that never answers: the signal ends the wait, with its reason.
    const name = uniqueName("silent");
    using server = b.pipes.createServer(name);
    const accepted = server.accept();
    const controller = new AbortController();
    const upgrading = b.http.pipeUpgrade(name, "/attach", { headers: { upgrade: "tcp" }, signal: controller.signal });
    const conn = await accepted;
    await conn.read(new Uint8Array(4096)); // the request
    controller.abort(new Error("gave up"));
    await assert.rejects(upgrading, /gave up/);
    conn.close();
  });
}

/** A serveHttp handler's side of an upgrade: echoes upper-cased what comes, and ends its side when the client's ends. */
async function shout(upgraded: UpgradedConnection): Promise<void> {
  const writer = upgraded.writable.getWriter();
  try {
    for await (const chunk of upgraded.readable) await writer.write(utf8(latin1.decode(chunk).toUpperCase()));
    // The client's side ended: on a message pipe it still reads (its CloseWrite); on a byte pipe it closed.
    await writer.write(utf8("bye"));
    await writer.close();
  } catch {
    // the client closed the connection
  } finally {
    upgraded.close();
  }
}

export function serverUpgradeSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http upgrade (${b.name}): ${name}`, fn);

  for (const type of ["byte", "message"] as const) {
    t(
      `serveHttp on a ${type} pipe: info.upgrade() answers 101 and hands the connection over, after the request body`,
      async () => {
        const name = uniqueName(`serve-upgrade-${type}`);
        const switched: Promise<void>[] = [];
        const server = b.http.serveHttp(name, (_request, info) => {
          const upgrade = info.upgrade({ headers: { "x-protocol": "shout/1", "content-length": "5" } });
          switched.push(upgrade.connection.then(shout));
          return upgrade.response;
        }, { type });
        try {
          // One write: a request whose body the handler does not read, and the first bytes of the new protocol.
          await using conn = await b.pipes.connect(name);
          const body = JSON.stringify({ Detach: false });
          await conn.write(utf8(
            `POST /exec/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: shout\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}early`,
          ));
          const buf = new Uint8Array(4096);
          let text = "";
          while (!text.includes("EARLY")) {
            const r = await conn.read(buf, { signal: AbortSignal.timeout(10_000) });
            assert.ok(r !== null, `the connection ended after ${JSON.stringify(text)}`);
            text += latin1.decode(buf.subarray(0, r.bytesRead));
          }
          const [head, rest] = text.split("\r\n\r\n");
          assert.equal(
            head,
            "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: shout\r\nx-protocol: shout/1",
          );
          // The body went before the switch: the new protocol starts with what followed it.
          assert.equal(rest, "EARLY");
          // The connection is the handler's now: the server does not count it, and stops without waiting for it.
          assert.equal(server.connections, 0);
          await server.shutdown();
          await conn.write(utf8("still here"));
          text = "";
          while (text.length < "STILL HERE".length) {
            const r = await conn.read(buf, { signal: AbortSignal.timeout(10_000) });
            assert.ok(r !== null);
            text += latin1.decode(buf.subarray(0, r.bytesRead));
          }
          assert.equal(text, "STILL HERE");
          if (type === "message") {
            // go-winio's CloseWrite from this side: the handler's readable ends, it says bye and ends its own side.
            await conn.flush();
            await conn.write(new Uint8Array(0));
            text = "";
            for (;;) {
              const r = await conn.read(buf, { signal: AbortSignal.timeout(10_000) });
              assert.ok(r !== null, "the handler's side ended with a zero-length message, not a close");
              if (r.bytesRead === 0) break;
              text += latin1.decode(buf.subarray(0, r.bytesRead));
            }
            assert.equal(text, "bye");
          }
          conn.close();
          await Promise.all(switched);
        } finally {
          await server.shutdown();
        }
      },
    );
  }

  t(
    "pipeUpgrade to serveHttp: both sides' streams, the 101's fields; a declined upgrade, none asked, one not offered",
    async () => {
      const name = uniqueName("serve-upgrade-pair");
      const refusals: string[] = [];
      await using _server = b.http.serveHttp(name, async (request, info) => {
        const path = new URL(request.url).pathname;
        if (path === "/plain") {
          try {
            info.upgrade();
          } catch (err) {
            refusals.push(`${(err as Error).name}: ${(err as Error).message}`);
          }
          return new Response("plain");
        }
        if (path === "/unoffered") {
          for (const protocol of ["websocket", "t c p"]) {
            try {
              info.upgrade({ protocol });
            } catch (err) {
              refusals.push(`${(err as Error).name}: ${(err as Error).message}`);
            }
          }
          return new Response("not switched", { status: 426 });
        }
        const upgrade = info.upgrade({ headers: { "content-type": "application/vnd.docker.raw-stream" } });
        if (path === "/declined") {
          upgrade.connection.catch((err: Error) => refusals.push(`${err.name}: ${err.message}`));
          return new Response("no such exec", { status: 404 });
        }
        void upgrade.connection.then(shout);
        await request.arrayBuffer();
        return upgrade.response;
      });
      using client = new PipeHttpClient(b.pipes);
      const result = await client.upgrade(name, "/exec", {
        method: "POST",
        headers: { upgrade: "tcp" },
        body: "{}",
      });
      assert.ok(!(result instanceof Response));
      assert.equal(result.status, 101);
      assert.equal(result.statusText, "Switching Protocols");
      assert.equal(result.headers.get("upgrade"), "tcp");
      assert.equal(result.headers.get("content-type"), "application/vnd.docker.raw-stream");
      const writer = result.writable.getWriter();
      const reader = result.readable.getReader();
      await writer.write(utf8("abc"));
      assert.equal(await readText(reader, "ABC"), "ABC");
      result.close();
      const declined = await client.upgrade(name, "/declined", { headers: { upgrade: "tcp" } });
      assert.ok(declined instanceof Response);
      assert.equal(declined.status, 404);
      assert.equal(await declined.text(), "no such exec");
      assert.equal(await (await client.fetch(name, "/plain")).text(), "plain");
      const unoffered = await client.upgrade(name, "/unoffered", { headers: { upgrade: "tcp" } });
      assert.ok(unoffered instanceof Response);
      assert.equal(unoffered.status, 426);
      await unoffered.body?.cancel();
      assert.deepEqual(refusals, [
        "TypeError: upgrade: the connection was not switched: the handler answered otherwise",
        "TypeError: upgrade: the request asks for no upgrade (HTTP/1.1 with an Upgrade field listed in its Connection field)",
        'TypeError: upgrade: the request offers tcp, not "websocket"',
        'TypeError: upgrade: "t c p" is not a protocol name (token or token/version)',
      ]);
    },
  );

  t(
    "a framework's copy of the marker Response (a field added after the handler, as Hono's middleware does) still switches; the Response's fields go into the 101",
    async () => {
      const name = uniqueName("serve-upgrade-copied");
      const switched: Promise<void>[] = [];
      await using _server = b.http.serveHttp(name, (_request, info) => {
        const upgrade = info.upgrade({ headers: { "x-protocol": "shout/1" } });
        switched.push(upgrade.connection.then(shout));
        upgrade.response.headers.set("x-set-on-the-marker", "1"); // as on Deno.upgradeWebSocket's response
        // What Hono's c.header() does once the handler returned: a new Response with the old one's parts.
        const copy = new Response(upgrade.response.body, upgrade.response);
        copy.headers.set("x-powered-by", "middleware");
        copy.headers.set("x-protocol", "from the copy"); // options.headers named it: theirs goes out
        copy.headers.set("connection", "close"); // the connection's own fields are the server's
        return copy;
      });
      await using conn = await b.pipes.connect(name);
      await conn.write(utf8("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhi"));
      const buf = new Uint8Array(4096);
      let text = "";
      while (!text.includes("HI")) {
        const r = await conn.read(buf, { signal: AbortSignal.timeout(10_000) });
        assert.ok(r !== null, `the connection ended after ${JSON.stringify(text)}`);
        text += latin1.decode(buf.subarray(0, r.bytesRead));
      }
      assert.equal(
        text,
        "HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: shout\r\nx-protocol: shout/1\r\n" +
          "x-powered-by: middleware\r\nx-set-on-the-marker: 1\r\n\r\nHI",
      );
      conn.close();
      await Promise.all(switched);
    },
  );
}
