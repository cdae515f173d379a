/**
 * pipeFetch's behaviour: connection reuse, signals, busy pipes, redirects,
 * invalid responses and closed connections, against serveHttp and against
 * raw servers written here byte by byte.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_PIPE_BUSY, isPipeError } from "@winpipe/core";
import { PipeHttpClient } from "@winpipe/http";
import { delay, type HttpBackend, rawServer, type RegisterTest, streamOf, uniqueName, utf8 } from "./helpers.ts";

export function clientSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http client (${b.name}): ${name}`, fn);

  t(
    "serverOwner: the pipe's owner is checked before a request is written; pooled connections only serve their owner",
    async () => {
      const name = uniqueName("owner");
      const seen: string[] = [];
      await using _server = b.http.serveHttp(name, (request, info) => {
        seen.push(new URL(request.url).pathname);
        return new Response(`${info.connection}.${info.request}`);
      });
      using client = new PipeHttpClient(b.pipes);
      // The server's pipe is "current-user": this user owns it.
      assert.equal(await (await client.fetch(name, "/mine", { serverOwner: "current-user" })).text(), "1.1");
      assert.equal(client.idleConnections(name), 1);
      // Another owner (SYSTEM) is refused, although an idle connection to the pipe is pooled: it was checked
      // against another owner, so a new connection is opened, and refused before anything is written.
      await assert.rejects(
        client.fetch(name, "/theirs", { serverOwner: "S-1-5-18" }),
        (err) => isPipeError(err, ERROR_ACCESS_DENIED) && /S-1-5-18/.test((err as Error).message),
      );
      assert.deepEqual(seen, ["/mine"]);
      // A request that asks for no owner check may take the pooled connection.
      assert.equal(await (await client.fetch(name, "/any")).text(), "1.2");
      await assert.rejects(client.fetch(name, "/", { serverOwner: "not a SID" }), TypeError);
      assert.deepEqual(seen, ["/mine", "/any"]);
    },
  );

  t("keeps the connection for the next request to the same pipe, and closeIdle closes it", async () => {
    const name = uniqueName("reuse");
    await using _server = b.http.serveHttp(name, (_r, info) => new Response(`${info.connection}.${info.request}`));
    using client = new PipeHttpClient(b.pipes);
    assert.equal(await (await client.fetch(name, "/")).text(), "1.1");
    assert.equal(client.idleConnections(name), 1);
    assert.equal(await (await client.fetch(name, "http://any.host/path")).text(), "1.2");
    const head = await client.fetch(name, "/", { method: "HEAD" });
    assert.equal(head.body, null);
    assert.equal(await (await client.fetch(name, "/")).text(), "1.4", "HEAD left the connection usable");
    const before = b.pipes.liveHandles();
    client.closeIdle();
    assert.equal(client.idleConnections(), 0);
    assert.equal(b.pipes.liveHandles(), before - 1);
  });

  t("an empty body is an empty stream, as fetch's; HEAD and the null-body statuses have none", async () => {
    const name = uniqueName("empty-body");
    await using _server = b.http.serveHttp(name, (request) => {
      const status = Number(new URL(request.url).pathname.slice(1));
      return new Response(status === 200 ? "" : null, { status });
    });
    using client = new PipeHttpClient(b.pipes);
    const empty = await client.fetch(name, "/200");
    assert.equal(empty.headers.get("content-length"), "0");
    assert.ok(empty.body instanceof ReadableStream, "Content-Length: 0 is a body, empty");
    assert.equal((await empty.bytes()).length, 0);
    assert.equal((await client.fetch(name, "/204")).body, null);
    assert.equal((await client.fetch(name, "/304")).body, null);
    assert.equal((await client.fetch(name, "/200", { method: "HEAD" })).body, null);
    assert.equal(client.idleConnections(name), 1, "one connection served them all");
  });

  t(
    "a connection the client will not keep says Connection: close: the caller's field, or a client that keeps none",
    async () => {
      const name = uniqueName("connection-close");
      await using _server = b.http.serveHttp(
        name,
        (request, info) => new Response(`${info.connection} ${request.headers.get("connection")}`),
      );
      using pooled = new PipeHttpClient(b.pipes);
      assert.equal(await (await pooled.fetch(name, "/")).text(), "1 null");
      assert.equal(await (await pooled.fetch(name, "/")).text(), "1 null", "kept and reused");
      const closing = await pooled.fetch(name, "/", { headers: { connection: "close" } });
      assert.equal(await closing.text(), "1 close", "the caller's Connection: close goes out");
      assert.equal(await (await pooled.fetch(name, "/")).text(), "2 null", "and that connection was not kept");
      for (const options of [{ maxIdlePerPipe: 0 }, { idleTimeout: 0 }]) {
        using unpooled = new PipeHttpClient(b.pipes, options);
        const [first, second] = [
          await (await unpooled.fetch(name, "/")).text(),
          await (await unpooled.fetch(name, "/")).text(),
        ];
        assert.match(first, / close$/, JSON.stringify(options));
        assert.notEqual(first.split(" ")[0], second.split(" ")[0], "a new connection each time");
      }
    },
  );

  t("gzip, deflate and br Content-Encodings are undone, as fetch does; zstd where the runtime has it", async () => {
    const name = uniqueName("content-coding");
    const text = "compressible ".repeat(2000);
    const compressed = async (format: string, input: string | Uint8Array<ArrayBuffer> = text) =>
      new Uint8Array(
        await new Response(
          new Blob([input]).stream().pipeThrough(
            new CompressionStream(format as ConstructorParameters<typeof CompressionStream>[0]),
          ),
        ).arrayBuffer(),
      );
    const takes = (format: string) => {
      try {
        new DecompressionStream(format as ConstructorParameters<typeof DecompressionStream>[0]);
        return true;
      } catch {
        return false;
      }
    };
    const gzip = await compressed("gzip");
    const deflate = await compressed("deflate");
    const brotli = await compressed("brotli");
    const twice = await compressed("deflate", gzip);
    // zstd: Bun's CompressionStream makes it; where the runtime has none, bytes that are not zstd stand in.
    const zstd = takes("zstd") ? await compressed("zstd") : gzip;
    await using _server = b.http.serveHttp(name, (request) => {
      switch (new URL(request.url).pathname) {
        case "/gzip":
          return new Response(gzip, { headers: { "content-encoding": "gzip" } });
        case "/deflate":
          // A stream: the body reaches pipeFetch in pieces, chunked.
          return new Response(streamOf([deflate.subarray(0, 100), deflate.subarray(100)]), {
            headers: { "content-encoding": "deflate" },
          });
        case "/br":
          return new Response(brotli, { headers: { "content-encoding": "br" } });
        case "/twice":
          return new Response(twice, { headers: { "content-encoding": "gzip, deflate" } });
        case "/zstd":
          return new Response(zstd, { headers: { "content-encoding": "zstd" } });
        case "/unknown":
          return new Response(gzip, { headers: { "content-encoding": "compress" } });
        default:
          return new Response(gzip.subarray(0, 50), { headers: { "content-encoding": "gzip" } });
      }
    });
    for (const path of ["/gzip", "/deflate", "/br", "/twice"]) {
      const response = await b.http.pipeFetch(name, path);
      assert.equal(await response.text(), text, path);
      assert.equal(response.headers.has("content-encoding"), true, "the field stays, as fetch's");
    }
    const zstdResponse = await b.http.pipeFetch(name, "/zstd");
    if (takes("zstd")) assert.equal(await zstdResponse.text(), text, "zstd, where DecompressionStream takes it");
    else assert.deepEqual(new Uint8Array(await zstdResponse.arrayBuffer()), zstd, "zstd left as sent");
    // A coding this client does not undo: the bytes as they came.
    assert.deepEqual(new Uint8Array(await (await b.http.pipeFetch(name, "/unknown")).arrayBuffer()), gzip);
    // A body that is not the gzip it claims: reading it fails, as fetch's does.
    await assert.rejects((await b.http.pipeFetch(name, "/cut")).text(), TypeError);
  });

  t("a request body's own Content-Type goes out: FormData, URLSearchParams, a Blob with a type", async () => {
    const name = uniqueName("request-type");
    await using _server = b.http.serveHttp(name, async (request) => {
      const type = request.headers.get("content-type");
      // The form is read back as the handler would read it: with the boundary its Content-Type names.
      const field = type?.startsWith("multipart/form-data") ? (await request.formData()).get("field") : null;
      return Response.json({ type, field });
    });
    const form = new FormData();
    form.set("field", "value");
    const sent = async (body: Blob | URLSearchParams | FormData): Promise<{ type: string; field: string | null }> =>
      await (await b.http.pipeFetch(name, "/", { method: "POST", body })).json() as {
        type: string;
        field: string | null;
      };
    assert.deepEqual(await sent(new Blob(["\x89PNG"], { type: "image/png" })), { type: "image/png", field: null });
    assert.deepEqual(await sent(new URLSearchParams({ q: "x" })), {
      type: "application/x-www-form-urlencoded;charset=UTF-8",
      field: null,
    });
    const formSent = await sent(form);
    assert.match(formSent.type, /^multipart\/form-data; ?boundary=/);
    assert.equal(formSent.field, "value");
  });

  t("sends the URL's host and path, the method, the fields and a body with its length", async () => {
    const name = uniqueName("request");
    await using _server = b.http.serveHttp(name, async (request) =>
      Response.json({
        url: request.url,
        method: request.method,
        host: request.headers.get("host"),
        custom: request.headers.get("x-custom"),
        length: request.headers.get("content-length"),
        te: request.headers.get("transfer-encoding"),
        body: await request.text(),
      }));
    const sent = await b.http.pipeFetch(name, "http://docker/v1.43/info?all=1", {
      method: "PUT",
      headers: { "x-custom": "yes" },
      body: "héllo",
    });
    assert.deepEqual(await sent.json(), {
      url: "http://docker/v1.43/info?all=1",
      method: "PUT",
      host: "docker",
      custom: "yes",
      length: "6",
      te: null,
      body: "héllo",
    });
    const streamed = await b.http.pipeFetch(name, "/s", {
      method: "POST",
      body: streamOf([utf8("a"), utf8("b")]),
      duplex: "half",
    } as RequestInit);
    const got = await streamed.json() as { te: string; body: string };
    assert.equal(got.te, "chunked");
    assert.equal(got.body, "ab");
    assert.equal(streamed.url, "http://localhost/s");
  });

  t(
    "a method goes out as given, or is refused with a TypeError where the runtime's Request cannot carry it",
    async () => {
      const name = uniqueName("methods");
      const seen: string[] = [];
      await using _server = b.http.serveHttp(name, (request) => {
        seen.push(request.method);
        return new Response(request.method);
      });
      for (const method of ["PURGE", "FOO", "patch", "M-SEARCH", "delete"]) {
        const before = seen.length;
        try {
          const response = await b.http.pipeFetch(name, "/", { method });
          // Sent: the server saw the method fetch's Request makes of it (only the six standard ones change case).
          const expected = method === "delete" ? "DELETE" : method;
          assert.equal(await response.text(), expected, method);
          assert.deepEqual(seen.slice(before), [expected], method);
        } catch (err) {
          assert.ok(err instanceof TypeError, `${method}: ${err}`);
          assert.match(err.message, /reads the method/);
          assert.equal(seen.length, before, `${method}: something was sent`);
        }
      }
      assert.ok(seen.includes("PURGE") && seen.includes("DELETE"));
    },
  );

  t("init.signal aborts a request waiting for its response, and a body being read", async () => {
    const name = uniqueName("abort");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await using _server = b.http.serveHttp(name, async (request) => {
      if (new URL(request.url).pathname === "/wait") await gate;
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(10));
          },
        }),
      );
    });
    const ac = new AbortController();
    const waiting = b.http.pipeFetch(name, "/wait", { signal: ac.signal });
    await delay(50);
    ac.abort();
    await assert.rejects(waiting, { name: "AbortError" });
    release();
    const ac2 = new AbortController();
    const response = await b.http.pipeFetch(name, "/stream", { signal: ac2.signal });
    const reader = response.body!.getReader();
    assert.equal((await reader.read()).value!.length, 10);
    const next = reader.read();
    ac2.abort();
    await assert.rejects(next, { name: "AbortError" });
    await assert.rejects(b.http.pipeFetch(name, "/", { signal: AbortSignal.abort() }), { name: "AbortError" });
  });

  t(
    "init.signal aborted after the response came ends its body at once, read or not, and the connection with it",
    async () => {
      const name = uniqueName("abort-idle-body");
      let serverSawEnd!: () => void;
      const ended = new Promise<void>((resolve) => (serverSawEnd = resolve));
      await using _server = b.http.serveHttp(name, () => {
        let chunks = 0;
        return new Response(
          new ReadableStream({
            async pull(controller) {
              await delay(5);
              // A second's worth, which the pipe's buffer holds: the server finishes even if nobody reads.
              if (++chunks > 200) return controller.close();
              controller.enqueue(utf8("chunk;"));
            },
            cancel() {
              serverSawEnd(); // the client went away: the response's stream is cancelled
            },
          }),
        );
      });
      using client = new PipeHttpClient(b.pipes);
      const ac = new AbortController();
      const response = await client.fetch(name, "/", { signal: ac.signal });
      await delay(20); // the server streams; nothing is read
      ac.abort(new Error("no longer wanted"));
      // The connection went at the abort, not at a later read.
      await Promise.race([ended, delay(5000).then(() => assert.fail("the server still streams 5 s after the abort"))]);
      await assert.rejects(response.body!.getReader().read(), { message: "no longer wanted" });
      assert.equal(client.idleConnections(name), 0, "the connection was closed, not pooled");
    },
  );

  t(
    "a request body whose stream fails (errors, or gives a detached chunk) rejects with a TypeError, not a hang",
    async () => {
      const name = uniqueName("body-fails");
      const handlerSaw: string[] = [];
      await using _server = b.http.serveHttp(name, async (request) => {
        try {
          return new Response(await request.text());
        } catch (err) {
          // The client gave up on the body: the server sees it end before its last chunk.
          handlerSaw.push((err as Error).name);
          throw err;
        }
      }, { onError: () => {} });
      await using client = new PipeHttpClient(b.pipes);
      const boom = new RangeError("boom");
      const failing = new ReadableStream({
        start(controller) {
          controller.enqueue(utf8("a;"));
          controller.error(boom);
        },
      });
      const failed = await client.fetch(name, "/", { method: "POST", body: failing, duplex: "half" } as RequestInit)
        .then(
          () => assert.fail("pipeFetch resolved"),
          (err) => err,
        );
      assert.ok(failed instanceof TypeError);
      assert.match(failed.message, /^pipeFetch: the request body failed: boom/);
      assert.equal(failed.cause, boom);
      const detaching = new ReadableStream({
        start(controller) {
          controller.enqueue(utf8("a;"));
          const second = new TextEncoder().encode("b;");
          controller.enqueue(second);
          // Taken away while the stream still holds it: it would otherwise go out as nothing.
          second.buffer.transfer();
          controller.enqueue(utf8("c"));
          controller.close();
        },
      });
      await assert.rejects(
        client.fetch(name, "/", { method: "POST", body: detaching, duplex: "half" } as RequestInit),
        (err: Error) => err instanceof TypeError && err.cause instanceof TypeError && /detached/.test(err.message),
      );
      // The connections were closed, not returned to the pool: the next request goes on a new one.
      const after = await client.fetch(name, "/", { method: "POST", body: "fine" });
      assert.equal(await after.text(), "fine");
      await delay(20);
      assert.equal(handlerSaw.length, 2);
    },
  );

  t("waits while every instance is busy, up to connectTimeout", async () => {
    const name = uniqueName("busy");
    await using _server = b.http.serveHttp(name, () => new Response("served"), { maxInstances: 1 });
    const holder = await b.pipes.connect(name);
    await assert.rejects(
      b.http.pipeFetch(name, "/", { connectTimeout: 200 }),
      (err) => isPipeError(err, ERROR_PIPE_BUSY),
    );
    setTimeout(() => holder.close(), 200);
    const response = await b.http.pipeFetch(name, "/", { connectTimeout: 10_000, headers: { connection: "close" } });
    assert.equal(await response.text(), "served");
    await assert.rejects(
      b.http.pipeFetch(uniqueName("nobody"), "/"),
      (err) => isPipeError(err, ERROR_FILE_NOT_FOUND),
    );
  });

  t("follows redirects on the pipe, not to other hosts; the response says it was redirected", async () => {
    const name = uniqueName("redirect");
    await using _server = b.http.serveHttp(name, async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/here") return new Response(null, { status: 302, headers: { location: "/there" } });
      if (path === "/post") return new Response(null, { status: 303, headers: { location: "/there" } });
      if (path === "/away") {
        return new Response(null, { status: 301, headers: { location: "http://elsewhere.example/x" } });
      }
      if (path === "/fragment") return new Response(null, { status: 308, headers: { location: "/there?q=1#part" } });
      if (path === "/broken") return new Response(null, { status: 302, headers: { location: "http://[broken" } });
      return new Response(`${request.method} ${path} ${request.body ? await request.text() : ""}`);
    });
    const followed = await b.http.pipeFetch(name, "/here");
    assert.equal(await followed.text(), "GET /there ");
    assert.equal(followed.url, "http://localhost/there");
    assert.equal(followed.redirected, true, "fetch's redirected: a redirect was followed");
    const posted = await b.http.pipeFetch(name, "/post", { method: "POST", body: "x" });
    assert.equal(await posted.text(), "GET /there ", "303 turns POST into GET");
    assert.equal(posted.redirected, true);
    assert.equal((await b.http.pipeFetch(name, "/there")).redirected, false);
    const away = await b.http.pipeFetch(name, "/away");
    assert.equal(away.status, 301);
    assert.equal(away.headers.get("location"), "http://elsewhere.example/x");
    assert.equal(away.redirected, false);
    const manual = await b.http.pipeFetch(name, "/here", { redirect: "manual" });
    assert.equal(manual.status, 302);
    assert.equal(manual.redirected, false);
    await assert.rejects(b.http.pipeFetch(name, "/here", { redirect: "error" }), TypeError);
    // A response's url is without its fragment, as fetch's (Deno's; Bun 1.4 keeps it).
    assert.equal((await b.http.pipeFetch(name, "/fragment")).url, "http://localhost/there?q=1");
    assert.equal((await b.http.pipeFetch(name, "/there#top")).url, "http://localhost/there");
    // A Location that is no URL: a network error when following (fetch, in both runtimes); manual returns it.
    await assert.rejects(
      b.http.pipeFetch(name, "/broken"),
      (err: Error) => err instanceof TypeError && /Location/.test(err.message),
    );
    assert.equal((await b.http.pipeFetch(name, "/broken", { redirect: "manual" })).status, 302);
  });

  t("a reused connection the server closed meanwhile is replaced, once, for an idempotent request", async () => {
    const name = uniqueName("stale");
    await using _server = b.http.serveHttp(name, (_r, info) => new Response(`connection ${info.connection}`), {
      keepAliveTimeout: 100,
    });
    using client = new PipeHttpClient(b.pipes, { idleTimeout: 60_000 });
    assert.equal(await (await client.fetch(name, "/")).text(), "connection 1");
    await delay(400); // the server closes the idle connection
    assert.equal(await (await client.fetch(name, "/")).text(), "connection 2");
  });

  t("a POST after the server closed the idle pooled connection goes on a new connection", async () => {
    const name = uniqueName("stale-post");
    await using _server = b.http.serveHttp(
      name,
      async (request, info) => new Response(`${request.method} ${await request.text()} on ${info.connection}`),
      { keepAliveTimeout: 100 },
    );
    using client = new PipeHttpClient(b.pipes, { idleTimeout: 60_000 });
    assert.equal(await (await client.fetch(name, "/")).text(), "GET  on 1");
    await delay(1100); // the server closed the idle connection, and the pool probes connections this old
    const posted = await client.fetch(name, "/", { method: "POST", body: "once" });
    assert.equal(await posted.text(), "POST once on 2");
  });

  t("invalid responses reject with a TypeError and are not reused", async () => {
    const name = uniqueName("bad-response");
    await using _raw = rawServer(b, name, (request) => {
      const path = request.split(" ")[1];
      switch (path) {
        case "/both":
          return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        case "/fold":
          return "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n";
        case "/version":
          return "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        case "/chunk":
          return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        case "/short":
          return "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        case "/close":
          return null;
        case "/minor":
          // A higher minor version is read as the highest this side knows, HTTP/1.1 (RFC 9110 §2.5).
          return "HTTP/1.2 200 OK\r\nContent-Length: 5\r\n\r\nminor";
        default:
          return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      }
    });
    using client = new PipeHttpClient(b.pipes);
    for (const path of ["/both", "/fold", "/version"]) {
      await assert.rejects(client.fetch(name, path), TypeError, path);
    }
    await assert.rejects((await client.fetch(name, "/chunk")).text(), TypeError);
    const short = await client.fetch(name, "/short", { headers: { connection: "close" } });
    // The raw server does not close: a short body stays short until the server goes; read only the start.
    const reader = short.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "abc");
    await reader.cancel();
    await assert.rejects(client.fetch(name, "/close", { method: "POST", body: "x" }), TypeError);
    assert.equal(await (await client.fetch(name, "/")).text(), "ok");
    assert.equal(await (await client.fetch(name, "/minor")).text(), "minor");
  });

  t(
    "waitForCreation: a request waits for a server that creates its pipe later; without it, fails at once",
    async () => {
      const name = uniqueName("late");
      await assert.rejects(b.http.pipeFetch(name, "/"), (err: unknown) => isPipeError(err, ERROR_FILE_NOT_FOUND));
      const asking = b.http.pipeFetch(name, "/late", { waitForCreation: true, connectTimeout: 20_000 });
      await delay(300);
      await using _server = b.http.serveHttp(name, (request) => new Response(new URL(request.url).pathname));
      assert.equal(await (await asking).text(), "/late");
      // Within connectTimeout: a pipe nobody creates is ERROR_FILE_NOT_FOUND once it has passed.
      await assert.rejects(
        b.http.pipeFetch(uniqueName("never"), "/", { waitForCreation: true, connectTimeout: 200 }),
        (err: unknown) => isPipeError(err, ERROR_FILE_NOT_FOUND),
      );
      await assert.rejects(b.http.pipeFetch(name, "/", { waitForCreation: "yes" as unknown as boolean }), TypeError);
    },
  );

  t("bad arguments are refused", async () => {
    await assert.rejects(b.http.pipeFetch("nope", "/"), TypeError);
    await assert.rejects(b.http.pipeFetch(uniqueName("x"), "/", { connectTimeout: -5 }), RangeError);
    assert.throws(() => new PipeHttpClient(b.pipes, { maxIdlePerPipe: -1 }), RangeError);
    assert.throws(() => new PipeHttpClient({} as never), TypeError);
    // A URL that is not HTTP is refused before the pipe is opened: this pipe does not exist, and the error is not
    // CreateFile's.
    for (const url of ["ftp://a/file", "file:///etc/hosts", "data:,x"]) {
      await assert.rejects(b.http.pipeFetch(uniqueName("not-http"), url), /not an HTTP URL/, url);
    }
  });
}
