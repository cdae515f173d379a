/**
 * serveHttp's behaviour, observed from raw bytes on the pipe and from
 * pipeFetch: the corpus, keep-alive and pipelining, HEAD, 100-continue,
 * Connection: close, handler failures, the limits, shutdown.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileRights, isPipeError, parseSecurityDescriptor } from "@winpipe/core";
import { HttpServer, PipeHttpClient } from "@winpipe/http";
import { INVALID, VALID } from "./corpus.ts";
import {
  bytes,
  delay,
  type HttpBackend,
  rawExchange,
  type RegisterTest,
  statuses,
  streamOf,
  uniqueName,
  utf8,
} from "./helpers.ts";

/** An echo handler that counts its calls. */
function echoServer(b: HttpBackend, name: string, options = {}) {
  const calls: string[] = [];
  const server = b.http.serveHttp(name, async (request) => {
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response(request.body === null ? "" : await request.text(), { headers: { "x-method": request.method } });
  }, { onError: () => {}, ...options });
  return { server, calls };
}

export function serverSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http server (${b.name}): ${name}`, fn);

  t("every invalid request of the corpus gets its status and the connection closed", async () => {
    const name = uniqueName("corpus-invalid");
    const { server, calls } = echoServer(b, name);
    await using _ = server;
    const wrong: string[] = [];
    for (const c of INVALID) {
      const { text, closed } = await rawExchange(b.pipes, name, bytes(c.request));
      const got = statuses(text);
      if (got.length !== 1 || got[0] !== c.status || !closed) {
        wrong.push(`${c.name}: expected ${c.status} and close, got ${JSON.stringify(got)} closed=${closed}`);
      }
    }
    assert.deepEqual(wrong, []);
    // A malformed body shows only once the handler reads it: the server's 400 replaces the handler's answer.
    assert.equal(calls.length, INVALID.filter((c) => c.inBody).length);
  });

  t("every valid request of the corpus is served with its body", async () => {
    const name = uniqueName("corpus-valid");
    const { server, calls } = echoServer(b, name);
    await using _ = server;
    for (const c of VALID) {
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes(c.request),
        (so) => /\r\n\r\n/.test(so) && so.endsWith(c.body!),
      );
      assert.deepEqual(statuses(text), [c.status], `${c.name}: ${JSON.stringify(text)}`);
      assert.ok(text.endsWith(`\r\n\r\n${c.body}`), `${c.name}: ${JSON.stringify(text)}`);
    }
    assert.equal(calls.length, VALID.length);
  });

  t("a chunk-size line or a trailer is held to its limit however its bytes arrive", async () => {
    const name = uniqueName("line-limits");
    const { server, calls } = echoServer(b, name);
    await using _ = server;
    const head = `POST / HTTP/1.1\r\nHost: pipe\r\nTransfer-Encoding: chunked\r\n\r\n`;
    // A chunk-size line of exactly 4096 bytes whose LF comes after its CR, in a read of its own.
    const exact = await rawExchange(
      b.pipes,
      name,
      [bytes(`${head}5;${"e".repeat(4094)}\r`), bytes("\nhello\r\n0\r\n\r\n")],
      (text) => text.endsWith("\r\n\r\nhello"),
      10_000,
      50,
    );
    assert.deepEqual(statuses(exact.text), [200], exact.text);
    // A trailer line over the limit: 431 when it arrives whole (the corpus) and when it arrives in parts.
    const trailer = await rawExchange(
      b.pipes,
      name,
      [bytes(`${head}5\r\nhello\r\n0\r\nX-T: ${"t".repeat(8000)}`), bytes(`${"t".repeat(9000)}\r\n\r\n`)],
      undefined,
      10_000,
      50,
    );
    assert.deepEqual(statuses(trailer.text), [431], trailer.text);
    assert.equal(trailer.closed, true);
    assert.equal(calls.length, 2);
  });

  t("keep-alive: pipelined requests are answered in order on one connection", async () => {
    const name = uniqueName("pipelining");
    const seen: string[] = [];
    await using _server = b.http.serveHttp(name, async (request, info) => {
      const path = new URL(request.url).pathname;
      seen.push(`${info.connection}.${info.request} ${path}`);
      // The first request takes longest: order must still be kept.
      await delay(path === "/1" ? 60 : 0);
      return new Response(`${path}:${request.body ? await request.text() : ""}`);
    });
    const request = `GET /1 HTTP/1.1\r\nHost: a\r\n\r\n` +
      `POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody` +
      `POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nch\r\n0\r\n\r\n` +
      `GET /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
    const { text, closed } = await rawExchange(b.pipes, name, bytes(request));
    assert.deepEqual(statuses(text), [200, 200, 200, 200]);
    const bodies = [...text.matchAll(/\r\n\r\n(\/\d:[a-z]*)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ["/1:", "/2:body", "/3:ch", "/4:"]);
    assert.deepEqual(seen, ["1.1 /1", "1.2 /2", "1.3 /3", "1.4 /4"]);
    assert.equal(closed, true, "Connection: close ends the connection after the last response");
    assert.match(text.slice(text.lastIndexOf("HTTP/1.1")), /\r\nconnection: close\r\n/);
  });

  t("HEAD: the handler's Content-Length, no body, and the connection goes on", async () => {
    const name = uniqueName("head");
    await using _server = b.http.serveHttp(
      name,
      (request) =>
        new Response(request.method === "HEAD" ? null : "twelve bytes", {
          headers: request.method === "HEAD" ? { "content-length": "12" } : {},
        }),
    );
    const { text } = await rawExchange(
      b.pipes,
      name,
      bytes(`HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n`),
      (so) => so.endsWith("twelve bytes"),
    );
    const [headPart, getPart] = text.split(/(?=HTTP\/1\.1 )/);
    assert.match(headPart, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(headPart, /\r\ncontent-length: 12\r\n/);
    assert.ok(headPart.endsWith("\r\n\r\n"), "no body after a HEAD response");
    assert.match(getPart, /\r\ncontent-length: 12\r\n(?:[\s\S]*\r\n)?\r\ntwelve bytes$/);
  });

  t("HEAD: the Content-Length a GET would have, when the body gives it at once; none for a stream", async () => {
    const name = uniqueName("head-length");
    let cancelled = 0;
    await using _server = b.http.serveHttp(name, (request) => {
      switch (new URL(request.url).pathname) {
        case "/text":
          return new Response("twelve bytes");
        case "/bytes":
          return new Response(new Uint8Array(300));
        case "/blob":
          return new Response(new Blob(["abc", "def"]));
        case "/empty":
          return new Response(null);
        default:
          // A stream that produces nothing yet: cancelled, and no length is made up for it.
          return new Response(new ReadableStream({ cancel: () => void cancelled++ }));
      }
    });
    const headOf = async (path: string) => {
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes(`HEAD ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`),
      );
      assert.ok(text.endsWith("\r\n\r\n"), `no body after a HEAD response: ${JSON.stringify(text)}`);
      return /\r\ncontent-length: ([^\r]*)\r\n/i.exec(text)?.[1] ?? null;
    };
    assert.equal(await headOf("/text"), "12");
    assert.equal(await headOf("/bytes"), "300");
    assert.equal(await headOf("/blob"), "6");
    assert.equal(await headOf("/empty"), "0");
    assert.equal(await headOf("/stream"), null);
    assert.equal(cancelled, 1);
  });

  t("Expect: 100-continue: 100 Continue when the handler reads the body, then the response", async () => {
    const name = uniqueName("continue");
    await using _server = b.http.serveHttp(name, async (request) => new Response(`got ${await request.text()}`));
    await using conn = await b.pipes.connect(name);
    await conn.write(bytes(`POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n`));
    const buf = new Uint8Array(4096);
    const first = await conn.read(buf);
    const interim = new TextDecoder().decode(buf.subarray(0, first!.bytesRead));
    assert.equal(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    await conn.write(bytes("hello"));
    const second = await conn.read(buf);
    const final = new TextDecoder().decode(buf.subarray(0, second!.bytesRead));
    assert.match(final, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ngot hello$/);
  });

  t(
    "Expect: 100-continue: a handler that does not read the body answers at once, and the connection closes",
    async () => {
      const name = uniqueName("continue-refused");
      await using _server = b.http.serveHttp(name, () => new Response("no thanks", { status: 413 }));
      const { text, closed } = await rawExchange(
        b.pipes,
        name,
        bytes(`POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n`),
      );
      assert.deepEqual(statuses(text), [413]);
      assert.ok(!text.includes("100 Continue"));
      assert.match(text, /\r\nconnection: close\r\n/);
      assert.equal(closed, true);
    },
  );

  t("Connection: close from the handler ends the connection after its response", async () => {
    const name = uniqueName("close-by-handler");
    await using _server = b.http.serveHttp(name, () => new Response("bye", { headers: { connection: "close" } }));
    const { text, closed } = await rawExchange(
      b.pipes,
      name,
      bytes(`GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /never HTTP/1.1\r\nHost: a\r\n\r\n`),
    );
    assert.deepEqual(statuses(text), [200]);
    assert.equal(closed, true);
  });

  t("a handler that throws gets a 500, the error goes to onError, and the connection goes on", async () => {
    const name = uniqueName("throws");
    const errors: unknown[] = [];
    await using _server = b.http.serveHttp(name, (request) => {
      if (new URL(request.url).pathname === "/boom") throw new Error("boom");
      return new Response("fine");
    }, { onError: (error) => errors.push(error) });
    const { text } = await rawExchange(
      b.pipes,
      name,
      bytes(`GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n`),
      (so) => so.endsWith("fine"),
    );
    assert.deepEqual(statuses(text), [500, 200]);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, "boom");
  });

  t("Response.error(), a body already read or locked, and a status text with CR LF get a 500 and onError", async () => {
    const name = uniqueName("unsendable");
    const errors: string[] = [];
    await using _server = b.http.serveHttp(name, async (request) => {
      switch (new URL(request.url).pathname) {
        case "/error":
          return Response.error();
        case "/used": {
          const response = new Response("read already");
          await response.text();
          return response;
        }
        case "/locked": {
          const response = new Response("locked");
          response.body!.getReader();
          return response;
        }
        default:
          // Deno's Response refuses this status text (a handler failure); Bun's takes it.
          return new Response("injected?", { statusText: "OK\r\nX-Injected: yes" });
      }
    }, { onError: (error) => errors.push((error as Error).message) });
    for (const path of ["/error", "/used", "/locked", "/status-text"]) {
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`),
        (so) => /\r\n\r\n.*\n$/s.test(so),
      );
      assert.deepEqual(statuses(text), [500], `${path}: ${JSON.stringify(text)}`);
      assert.doesNotMatch(text, /x-injected/i, path);
    }
    assert.equal(errors.length, 4, errors.join("; "));
  });

  t("a handler that returns something other than a Response gets a 500 and onError", async () => {
    const name = uniqueName("not-response");
    const errors: unknown[] = [];
    await using _server = b.http.serveHttp(
      name,
      (() => "text") as unknown as () => Response,
      { onError: (error) => errors.push(error) },
    );
    const response = await b.http.pipeFetch(name, "/");
    assert.equal(response.status, 500);
    await response.body?.cancel();
    assert.ok(errors[0] instanceof TypeError);
  });

  t("a header section over maxHeaderSize gets 431 and the connection closed", async () => {
    const name = uniqueName("431");
    const { server, calls } = echoServer(b, name, { maxHeaderSize: 1024 });
    await using _ = server;
    const { text, closed } = await rawExchange(
      b.pipes,
      name,
      bytes(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(2000)}\r\n\r\n`),
    );
    assert.deepEqual(statuses(text), [431]);
    assert.equal(closed, true);
    assert.deepEqual(calls, []);
    // Just under the limit is served.
    const fits = await rawExchange(
      b.pipes,
      name,
      bytes(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(900)}\r\nConnection: close\r\n\r\n`),
    );
    assert.deepEqual(statuses(fits.text), [200]);
  });

  t("a client slower than headerTimeout gets 408 and the connection closed", async () => {
    const name = uniqueName("408");
    const { server, calls } = echoServer(b, name, { headerTimeout: 300 });
    await using _ = server;
    await using conn = await b.pipes.connect(name);
    // From before the write: the server's clock starts when the bytes arrive, which may be before the write's
    // completion reaches this side (a loaded machine can take 100 ms for that).
    const started = performance.now();
    await conn.write(bytes("GET / HTTP/1.1\r\nHost: a\r\n"));
    const buf = new Uint8Array(4096);
    const result = await conn.read(buf);
    const waited = performance.now() - started;
    assert.match(new TextDecoder().decode(buf.subarray(0, result!.bytesRead)), /^HTTP\/1\.1 408 /);
    assert.equal(await conn.read(buf), null, "then the server closes the connection");
    assert.ok(waited >= 250, `408 after ${waited} ms, not before the timeout`);
    assert.deepEqual(calls, []);
  });

  t(
    "an idle keep-alive connection is closed after keepAliveTimeout; 0 is no keep-alive, said in the response",
    async () => {
      const name = uniqueName("idle");
      const { server } = echoServer(b, name, { keepAliveTimeout: 200 });
      await using _ = server;
      await using conn = await b.pipes.connect(name);
      // From before the request: the server's idle clock starts once its response is out, which may be before
      // this side reads the response.
      const started = performance.now();
      await conn.write(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
      const buf = new Uint8Array(4096);
      const first = await conn.read(buf);
      assert.match(new TextDecoder().decode(buf.subarray(0, first!.bytesRead)), /^HTTP\/1\.1 200 /);
      assert.equal(server.connections, 1);
      assert.equal(await conn.read(buf), null, "the server closes the idle connection");
      const waited = performance.now() - started;
      assert.ok(waited >= 150, `closed after ${waited} ms`);
      // keepAliveTimeout 0 is no keep-alive: the response says so before the connection ends.
      const noWait = uniqueName("no-keep-alive");
      await using _none = echoServer(b, noWait, { keepAliveTimeout: 0 }).server;
      const { text, closed } = await rawExchange(b.pipes, noWait, bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
      assert.deepEqual(statuses(text), [200]);
      assert.match(text, /\r\nconnection: close\r\n/);
      assert.equal(closed, true);
    },
  );

  t("an unread small request body is dropped and the connection serves the next request", async () => {
    const name = uniqueName("drain");
    await using _server = b.http.serveHttp(name, (_request, info) => new Response(`request ${info.request}`), {
      maxDrainSize: 1000,
    });
    const { text, closed } = await rawExchange(
      b.pipes,
      name,
      bytes(
        `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789` +
          `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n` +
          `GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nxx` +
          `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n${"y".repeat(5000)}` +
          `GET /never HTTP/1.1\r\nHost: a\r\n\r\n`,
      ),
    );
    assert.deepEqual(statuses(text), [200, 200, 200, 200]);
    assert.deepEqual([...text.matchAll(/request (\d)/g)].map((m) => m[1]), ["1", "2", "3", "4"]);
    assert.equal(closed, true, "a body over maxDrainSize closes the connection after its response");
    // The response before that close says so; the others keep the connection.
    const connectionFields = text.split(/(?=HTTP\/1\.1 )/).map((response) =>
      /\r\nconnection: ([^\r]*)\r\n/i.exec(response)?.[1] ?? null
    );
    assert.deepEqual(connectionFields, [null, null, null, "close"]);
    // A chunked body's size shows only as it is read: the server drops it before the response's head, so that
    // the head can say the connection closes when it was over the limit.
    const chunked = await rawExchange(
      b.pipes,
      name,
      bytes(
        `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n` +
          `${"7d0\r\n" + "z".repeat(2000) + "\r\n"}0\r\n\r\nGET /never HTTP/1.1\r\nHost: a\r\n\r\n`,
      ),
    );
    assert.deepEqual(statuses(chunked.text), [200]);
    assert.match(chunked.text, /\r\nconnection: close\r\n/);
    assert.equal(chunked.closed, true);
  });

  t(
    "a body the handler read to its last byte keeps the connection; one it left unfinished closes it, and the head says so",
    async () => {
      const name = uniqueName("body-read");
      await using _server = b.http.serveHttp(name, async (request) => {
        if (request.body === null) return new Response("no body");
        const reader = request.body.getReader();
        const first = await reader.read(); // one read: all of a small body, or its first part
        reader.releaseLock();
        return new Response(`got ${first.value?.length ?? 0}`);
      });
      // The whole body in one read: the connection goes on to the request behind it.
      const whole = await rawExchange(
        b.pipes,
        name,
        bytes(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello` + `GET / HTTP/1.1\r\nHost: a\r\n\r\n`),
        (text) => statuses(text).length === 2,
      );
      assert.deepEqual(statuses(whole.text), [200, 200]);
      assert.doesNotMatch(whole.text, /\r\nconnection: close\r\n/);
      // Part of a body left unread: the connection ends after the response, which says so.
      const part = await rawExchange(
        b.pipes,
        name,
        [bytes(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello`), bytes("world")],
        undefined,
        10_000,
        50,
      );
      assert.deepEqual(statuses(part.text), [200]);
      assert.match(part.text, /\r\nconnection: close\r\n/);
      assert.equal(part.closed, true);
    },
  );

  t(
    "a body still coming does not hold up a response that does not read it: out at once, with Connection: close",
    async () => {
      const name = uniqueName("slow-upload");
      await using _server = b.http.serveHttp(name, () => new Response("no thanks", { status: 401 }));
      await using conn = await b.pipes.connect(name);
      // A chunked upload that has sent one chunk and goes on later (or never): the answer must not wait for it.
      await conn.write(bytes(`POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`));
      const buf = new Uint8Array(4096);
      let text = "";
      const signal = AbortSignal.timeout(5000);
      for (;;) {
        const result = await conn.read(buf, { signal });
        if (result === null) break;
        text += new TextDecoder().decode(buf.subarray(0, result.bytesRead));
      }
      assert.deepEqual(statuses(text), [401]);
      assert.match(text, /\r\nconnection: close\r\n/);
      assert.ok(text.endsWith("no thanks"), JSON.stringify(text));
    },
  );

  t(
    "pipeFetch after a streamed upload the handler ignored: told to close, the next request goes on a new connection",
    async () => {
      const name = uniqueName("ignored-upload");
      await using _server = b.http.serveHttp(name, (_request, info) => new Response(`connection ${info.connection}`));
      using client = new PipeHttpClient(b.pipes);
      const upload = () => {
        let sent = 0;
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 200_000) return controller.close();
            sent += 10_000;
            controller.enqueue(new Uint8Array(10_000));
          },
        });
      };
      for (const expected of ["connection 1", "connection 2", "connection 3"]) {
        const response = await client.fetch(
          name,
          "/",
          { method: "POST", body: upload(), duplex: "half" } as RequestInit,
        );
        assert.equal(response.headers.get("connection"), "close");
        assert.equal(await response.text(), expected);
      }
    },
  );

  t(
    "a body the handler reads only after its response was sent is dropped by the server: the late read fails",
    async () => {
      const name = uniqueName("late-read");
      let late: Promise<string> | undefined;
      await using _server = b.http.serveHttp(name, (request) => {
        if (new URL(request.url).pathname !== "/first") return new Response("second");
        late = delay(100).then(() => request.text());
        return new Response("first");
      });
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes(
          `POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789GET /2 HTTP/1.1\r\nHost: a\r\n\r\n`,
        ),
        (so) => so.endsWith("second"),
      );
      assert.deepEqual(statuses(text), [200, 200], "the next request is served after the dropped body");
      await assert.rejects(late!, /the request body was dropped/);
    },
  );

  t("streamed responses: chunked, the first chunk arrives before the handler's stream ends", async () => {
    const name = uniqueName("streamed");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await using _server = b.http.serveHttp(name, () =>
      new Response(
        new ReadableStream({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("first;"));
            await gate;
            controller.enqueue(new TextEncoder().encode("second"));
            controller.close();
          },
        }),
      ));
    const response = await b.http.pipeFetch(name, "/");
    assert.equal(response.headers.get("transfer-encoding"), "chunked");
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), "first;");
    release();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    assert.equal(rest, "second");
  });

  t(
    "the client going away aborts request.signal of a handler still waiting, and cancels a stream still producing",
    async () => {
      const name = uniqueName("gone");
      const seen: string[] = [];
      let cancelled!: (reason: unknown) => void;
      const cancel = new Promise<unknown>((resolve) => (cancelled = resolve));
      await using _server = b.http.serveHttp(name, async (request) => {
        if (new URL(request.url).pathname === "/wait") {
          if (request.method === "POST") await request.text(); // the watch starts at the body's end
          await new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
          seen.push(`aborted: ${(request.signal.reason as Error).name}`);
          return new Response("too late");
        }
        // A stream that produces nothing: only the watch can end it.
        return new Response(new ReadableStream({ cancel: cancelled }));
      }, { onError: () => {} });
      const requests = [
        "GET /wait HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /wait HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi",
        "GET /silent HTTP/1.1\r\nHost: a\r\n\r\n",
      ];
      for (const request of requests) {
        const conn = await b.pipes.connect(name, { timeout: 5000 });
        await conn.write(bytes(request));
        await delay(50);
        conn.close();
      }
      const signal = AbortSignal.timeout(5000);
      while (seen.length < 2 && !signal.aborted) await delay(10);
      assert.deepEqual(seen, ["aborted: AbortError", "aborted: AbortError"]);
      const reason = await Promise.race([cancel, delay(5000).then(() => "no cancel within 5 s")]);
      assert.equal((reason as Error).name, "AbortError");
    },
  );

  t(
    "an extension method reaches the handler as sent, or is refused with 501 where the runtime cannot carry it",
    async () => {
      const name = uniqueName("methods");
      const { server, calls } = echoServer(b, name);
      await using _ = server;
      for (const method of ["PURGE", "FOO", "patch", "M-SEARCH"]) {
        const before = calls.length;
        const { text } = await rawExchange(
          b.pipes,
          name,
          bytes(`${method} /m HTTP/1.1\r\nHost: a\r\n\r\n`),
          (so) => /\r\n\r\n/.test(so) && (so.startsWith("HTTP/1.1 501") || /x-method: \S+\r\n/.test(so)),
        );
        const [status] = statuses(text);
        if (status === 200) {
          // Served: the handler saw the very method sent, never another.
          assert.deepEqual(calls.slice(before), [`${method} /m`], `${method}: ${JSON.stringify(text)}`);
          assert.match(text, new RegExp(`x-method: ${method}\r\n`));
        } else {
          assert.equal(status, 501, `${method}: ${JSON.stringify(text)}`);
          assert.equal(calls.length, before, `${method}: the handler was called`);
        }
      }
      // A method every runtime's Request knows is served in both.
      assert.ok(calls.includes("PURGE /m"));
    },
  );

  t(
    "a string body goes out with the Content-Type the runtime's Response gives it: Deno's the Fetch standard's, Bun's none",
    async () => {
      const name = uniqueName("string-type");
      await using _server = b.http.serveHttp(name, () => new Response("ok"));
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        (so) => so.endsWith("ok"),
      );
      const given = new Response("ok").headers.get("content-type");
      // Pinned: Bun 1.4's Response carries no Content-Type for a string body (Bun.serve adds one when it sends);
      // docs/http.md says so, and this fails once Bun follows the standard.
      assert.equal(given, "Bun" in globalThis ? null : "text/plain;charset=UTF-8");
      const field = /\r\ncontent-type: ([^\r]*)\r\n/i.exec(text)?.[1] ?? null;
      assert.equal(field, given, JSON.stringify(text));
    },
  );

  t("a body's own Content-Type goes out: FormData, URLSearchParams, a Blob with a type", async () => {
    const name = uniqueName("body-type");
    const form = new FormData();
    form.set("field", "value");
    await using _server = b.http.serveHttp(name, (request) => {
      switch (new URL(request.url).pathname) {
        case "/form":
          return new Response(form);
        case "/params":
          return new Response(new URLSearchParams({ q: "x y" }));
        default:
          return new Response(new Blob(["\x89PNG"], { type: "image/png" }));
      }
    });
    const typeOf = async (path: string) => {
      const { text } = await rawExchange(
        b.pipes,
        name,
        bytes(`GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`),
      );
      return { type: /\r\ncontent-type: ([^\r]*)\r\n/i.exec(text)?.[1] ?? null, text };
    };
    // Bun 1.4 drops these when the body is touched before the headers (the server reads the headers first).
    assert.equal((await typeOf("/blob")).type, "image/png");
    assert.equal((await typeOf("/params")).type, "application/x-www-form-urlencoded;charset=UTF-8");
    const { type, text } = await typeOf("/form");
    const boundary = /^multipart\/form-data; ?boundary=(.+)$/.exec(type ?? "")?.[1];
    assert.ok(boundary !== undefined && text.includes(`--${boundary}\r\n`), JSON.stringify(text));
  });

  t("a body that does not match its Content-Length breaks the response and goes to onError", async () => {
    const name = uniqueName("bad-length");
    const errors: unknown[] = [];
    await using _server = b.http.serveHttp(
      name,
      () => new Response(streamOf([new TextEncoder().encode("short")]), { headers: { "content-length": "10" } }),
      {
        onError: (error) => errors.push(error),
      },
    );
    const response = await b.http.pipeFetch(name, "/");
    assert.equal(response.headers.get("content-length"), "10");
    await assert.rejects(response.text(), TypeError);
    assert.equal(errors.length, 1);
    assert.match((errors[0] as Error).message, /Content-Length says 10/);
  });

  t(
    "a chunk detached after it was enqueued is a failed body (500, or a broken response), not bytes lost unseen",
    async () => {
      const name = uniqueName("detached-chunk");
      const errors: unknown[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      /** "first;", then `second` taken away while the stream still holds it (the server reads it later), then "third". */
      const enqueueDetached = (controller: ReadableStreamDefaultController<Uint8Array>) => {
        const second = new TextEncoder().encode("second;");
        controller.enqueue(second);
        second.buffer.transfer();
        controller.enqueue(new TextEncoder().encode("third"));
        controller.close();
      };
      await using _server = b.http.serveHttp(
        name,
        (request) =>
          new Response(
            new ReadableStream({
              async start(controller) {
                controller.enqueue(new TextEncoder().encode("first;"));
                if (new URL(request.url).pathname === "/streamed") {
                  await gate;
                  // The server is waiting for a chunk: this one goes to it at once, the next ones are queued.
                  controller.enqueue(new TextEncoder().encode("more;"));
                }
                enqueueDetached(controller);
              },
            }),
          ),
        { onError: (error) => errors.push(error) },
      );
      const detached = /^a chunk's buffer was detached \(transferred\)/;
      // All there before anything was sent: the response is still a 500.
      const atOnce = await b.http.pipeFetch(name, "/at-once");
      assert.equal(atOnce.status, 500);
      await atOnce.body?.cancel();
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof TypeError);
      assert.match((errors[0] as Error).message, detached);
      // After the head went out: the chunked body ends without its last chunk, so the client knows it is cut short.
      const streamed = await b.http.pipeFetch(name, "/streamed");
      assert.equal(streamed.status, 200);
      const reader = streamed.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), "first;");
      release();
      await assert.rejects(
        (async () => {
          while (!(await reader.read()).done);
        })(),
        TypeError,
      );
      assert.equal(errors.length, 2);
      assert.match((errors[1] as Error).message, detached);
    },
  );

  t("a body stream failing with an error that has a Win32 code (a proxied pipe's) goes to onError", async () => {
    const name = uniqueName("body-code");
    const errors: unknown[] = [];
    // As a PipeError of another pipe, read to make this body, would carry: not this connection's failure.
    const upstream = Object.assign(new Error("the upstream pipe failed"), { code: 64 });
    await using _server = b.http.serveHttp(
      name,
      () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              controller.enqueue(utf8("first;"));
              await delay(10);
              controller.error(upstream);
            },
          }),
        ),
      { onError: (error) => errors.push(error) },
    );
    const response = await b.http.pipeFetch(name, "/");
    await assert.rejects(response.text(), TypeError);
    assert.deepEqual(errors, [upstream]);
  });

  t("info.client: the client's process id, session id and user, read from the kernel", async () => {
    const name = uniqueName("identity");
    await using _server = b.http.serveHttp(
      name,
      (_request, { client }) =>
        Response.json({ processId: client.processId, sessionId: client.sessionId, user: client.user }),
    );
    const got = await (await b.http.pipeFetch(name, "/")).json();
    // pipeFetch connected from this process: the server's view of its client is this process.
    await using raw = await b.pipes.connect(name);
    assert.deepEqual(got, {
      processId: raw.serverProcessId(),
      sessionId: raw.serverSessionId(),
      user: b.pipes.currentUser(),
    });
  });

  t("the security option reaches the pipe: the descriptor given reads back", async () => {
    const name = uniqueName("security");
    const { sid } = b.pipes.currentUser();
    // Unlike the default ("current-user": full control for the user), the user may only read and write.
    await using _server = b.http.serveHttp(name, () => new Response("ok"), {
      security: `O:${sid}D:P(A;;GA;;;SY)(A;;GRGW;;;${sid})`,
    });
    await using raw = await b.pipes.connect(name);
    const { owner, dacl } = parseSecurityDescriptor(raw.securityDescriptor());
    assert.equal(owner, sid);
    assert.deepEqual(dacl?.aces.map((ace) => ace.sid), ["S-1-5-18", sid]);
    assert.notEqual(fileRights(dacl!.aces[1].mask), fileRights(dacl!.aces[0].mask), "the user has less than SYSTEM");
    assert.equal(await (await b.http.pipeFetch(name, "/")).text(), "ok");
  });

  t("the pipe server's options reach the pipe: buffer sizes as given, and a body far larger goes through", async () => {
    const name = uniqueName("buffers");
    await using _server = b.http.serveHttp(name, async (request) => new Response(await request.arrayBuffer()), {
      inBufferSize: 4096,
      outBufferSize: 8192,
      maxInstances: 2,
    });
    {
      await using raw = await b.pipes.connect(name);
      const info = raw.info();
      assert.deepEqual([info.inBufferSize, info.outBufferSize, info.maxInstances], [4096, 8192, 2]);
    }
    const body = new Uint8Array(1024 * 1024).map((_, i) => i & 255);
    const echoed = new Uint8Array(await (await b.http.pipeFetch(name, "/", { method: "POST", body })).arrayBuffer());
    assert.equal(echoed.length, body.length);
    assert.ok(echoed.every((v, i) => v === (i & 255)));
  });

  t("bad arguments throw before any system call", () => {
    const before = b.pipes.liveHandles();
    const name = uniqueName("args");
    assert.throws(() => b.http.serveHttp(name, "nope" as unknown as () => Response), TypeError);
    assert.throws(() => b.http.serveHttp("not a pipe", () => new Response()), TypeError);
    assert.throws(
      () => b.http.serveHttp(name, () => new Response(), { type: "duplex" as "byte" }),
      /type must be "byte" or "message"/,
    );
    assert.throws(() => b.http.serveHttp(name, () => new Response(), { readMode: "message" as "byte" }), TypeError);
    assert.throws(() => b.http.serveHttp(name, () => new Response(), { maxHeaderSize: 10 }), RangeError);
    assert.throws(() => b.http.serveHttp(name, () => new Response(), { headerTimeout: -1 }), RangeError);
    assert.throws(() => b.http.serveHttp(name, () => new Response(), { keepAliveTimeout: 1.5 }), TypeError);
    assert.equal(b.pipes.liveHandles(), before);
    return Promise.resolve();
  });

  t("shutdown: stops accepting, closes idle connections, lets a request in progress finish", async () => {
    const name = uniqueName("shutdown");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const server = b.http.serveHttp(name, async (request) => {
      if (new URL(request.url).pathname === "/slow") {
        entered();
        await gate;
      }
      return new Response("done");
    });
    assert.ok(server instanceof HttpServer);
    // An idle keep-alive connection and a request in progress.
    await using idle = await b.pipes.connect(name);
    await idle.write(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    const buf = new Uint8Array(4096);
    assert.match(new TextDecoder().decode(buf.subarray(0, (await idle.read(buf))!.bytesRead)), /^HTTP\/1\.1 200/);
    const slow = b.http.pipeFetch(name, "/slow");
    await inHandler;
    const stopping = server.shutdown();
    assert.equal(await idle.read(buf), null, "the idle connection is closed at once");
    await assert.rejects(b.pipes.connect(name, { timeout: 0 }), (err) => isPipeError(err), "no new connection");
    release();
    const response = await slow;
    assert.equal(response.headers.get("connection"), "close");
    assert.equal(await response.text(), "done");
    await stopping;
    await server.finished;
    assert.equal(server.connections, 0);
  });

  t("no handle is left open after requests, a refusal, an aborted request, a cancelled body and shutdown", async () => {
    const before = b.pipes.liveHandles();
    const name = uniqueName("handles");
    const server = b.http.serveHttp(name, async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/slow") await delay(100);
      if (path === "/endless") {
        return new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(4096)) }, { highWaterMark: 0 }));
      }
      return new Response(`${request.method} ${path}`);
    }, { onError: () => {} });
    const client = new PipeHttpClient(b.pipes);
    for (let i = 0; i < 5; i++) assert.equal(await (await client.fetch(name, `/${i}`)).text(), `GET /${i}`);
    const refused = await rawExchange(b.pipes, name, bytes("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
    assert.deepEqual(statuses(refused.text), [400]);
    const ac = new AbortController();
    const aborted = client.fetch(name, "/slow", { signal: ac.signal });
    await delay(20);
    ac.abort();
    await assert.rejects(aborted, { name: "AbortError" });
    const endless = await client.fetch(name, "/endless");
    const reader = endless.body!.getReader();
    assert.equal((await reader.read()).value!.length > 0, true);
    await reader.cancel();
    await server.shutdown();
    client.closeIdle();
    assert.equal(server.connections, 0);
    assert.equal(b.pipes.liveHandles(), before);
  });

  t("signal: aborting it shuts the server down; await using does too", async () => {
    const name = uniqueName("signal");
    const ac = new AbortController();
    const server = b.http.serveHttp(name, () => new Response("x"), { signal: ac.signal });
    assert.equal(await (await b.http.pipeFetch(name, "/")).text(), "x");
    ac.abort();
    await server.finished;
    await assert.rejects(b.pipes.connect(name, { timeout: 0 }), (err) => isPipeError(err));
    const before = b.pipes.liveHandles();
    {
      await using _server = b.http.serveHttp(name, () => new Response("y"));
      assert.ok(b.pipes.liveHandles() > before);
    }
    assert.equal(b.pipes.liveHandles(), before, "await using closed the pipe server");
    assert.throws(() => b.http.serveHttp(name, () => new Response(), { signal: AbortSignal.abort() }), {
      name: "AbortError",
    });
  });
}
