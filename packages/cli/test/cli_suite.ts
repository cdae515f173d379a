/**
 * The cases of the `winpipe` command-line tool, runtime-agnostic: run
 * in-process over the model (model_test.ts, model.bun.test.ts) and as a
 * program over kernel32, started by a Deno or Bun test under Wine
 * (kernel32_test.ts, kernel32.bun.test.ts), against pipes the test serves
 * or connects to.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RegisterTest } from "@winpipe/testing";
import type { PipeConnection, PipeServer, Winpipe } from "@winpipe/core";
import { createHttp } from "@winpipe/http";
import cliPackage from "../package.json" with { type: "json" };

/** What one run of the tool gave. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where the cases run: the tool, and the pipes the test itself uses beside it. */
export interface CliHarness {
  /** A label for the case names, e.g. "model" or "kernel32-deno". */
  readonly name: string;
  /** The API the test serves and connects with (the same kernel as the tool's). */
  readonly pipes: Winpipe;
  /** Runs `winpipe ARGS` with `stdin` as its standard input (none: empty). */
  run(args: string[], stdin?: string): Promise<CliResult>;
}

let counter = 0;
const run = Math.floor(Math.random() * 0x1_0000_0000).toString(16);
/** A pipe name (the part after `\\.\pipe\`) no other test uses. */
function shortName(suffix: string): string {
  return `winpipe-cli-${run}-${++counter}-${suffix}`;
}
const full = (short: string) => `\\\\.\\pipe\\${short}`;

/** Asserts the exit code, showing the run's output when it differs. */
function exits(result: CliResult, code: number, what: string): void {
  assert.equal(result.code, code, `${what}: exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
}

/** A server that hands each connection to `serve`, closed (with its connections served) by the returned function. */
function serving(
  server: PipeServer,
  serve: (conn: Awaited<ReturnType<PipeServer["accept"]>>) => Promise<void>,
) {
  const done: Promise<void>[] = [];
  const loop = (async () => {
    for await (const conn of server) done.push(serve(conn).finally(() => conn.close()));
  })();
  return async () => {
    server.close();
    await loop;
    await Promise.all(done);
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the cases over `harness`. */
export function cliSuite(register: RegisterTest, harness: CliHarness): void {
  const { pipes } = harness;
  const add = (title: string, body: () => Promise<void>) => register(`cli (${harness.name}): ${title}`, body);

  add("help exits 0; a wrong command line exits 2 with the usage", async () => {
    const help = await harness.run(["help"]);
    exits(help, 0, "help");
    assert.match(help.stdout, /usage: winpipe COMMAND/);
    for (const command of ["ls", "info", "send", "call", "listen", "cat", "fetch", "ws"]) {
      assert.match(help.stdout, new RegExp(` ${command} `));
    }
    const sendHelp = await harness.run(["send", "--help"]);
    exits(sendHelp, 0, "send --help");
    assert.match(sendHelp.stdout, /usage: winpipe send NAME/);
    const unknown = await harness.run(["frobnicate"]);
    exits(unknown, 2, "an unknown command");
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const missing = await harness.run(["send"]);
    exits(missing, 2, "send without NAME");
    assert.match(missing.stderr, /NAME is missing[\s\S]*usage: winpipe send NAME/);
    const option = await harness.run(["cat", "x", "--frob"]);
    exits(option, 2, "an unknown option");
    assert.match(option.stderr, /cat: Unknown option '--frob'/);
    exits(await harness.run(["info", "x", "--timeout", "soon"]), 2, "a --timeout that is no number");
    // A NAME that is no pipe name is a wrong command line too, not a failed pipe call.
    for (const name of ["\\\\.\\pipe\\", "\\\\server"]) {
      const bad = await harness.run(["send", name, "x"]);
      exits(bad, 2, `send to ${name}`);
      assert.match(bad.stderr, /pipe name must look like[\s\S]*usage: winpipe send NAME/);
    }
    // A server can only be made on this machine: another machine's pipe name is wrong for listen.
    const remote = await harness.run(["listen", "\\\\server\\pipe\\x"]);
    exits(remote, 2, "listen on another machine's pipe");
    assert.match(remote.stderr, /must be a local pipe name[\s\S]*usage: winpipe listen NAME/);
  });

  add(
    "--version prints the package's version and exits 0; with more arguments it is a wrong command line",
    async () => {
      const version = await harness.run(["--version"]);
      exits(version, 0, "--version");
      assert.equal(version.stdout, `winpipe ${cliPackage.version}\n`);
      // Nothing of the tool's own on standard error (bun.exe under Wine adds its "directory mismatch"
      // lines there, docs/windows-test-bed.md).
      assert.doesNotMatch(version.stderr, /winpipe/);
      assert.match((await harness.run(["help"])).stdout, /`winpipe --version` prints the version/);
      const extra = await harness.run(["--version", "ls"]);
      exits(extra, 2, "--version with an argument");
      assert.match(extra.stderr, /--version takes no arguments: got "ls"/);
    },
  );

  add("ls lists a pipe with its instances, or says why this system cannot list", async () => {
    const name = shortName("ls");
    using server = pipes.createServer(full(name), { maxInstances: 3 });
    let canList = true;
    try {
      pipes.listPipes();
    } catch {
      canList = false; // Wine 10 (docs/wine-findings.md, W-L80)
    }
    const listed = await harness.run(["ls", `${name.slice(0, -2)}*`, "--json"]);
    const table = await harness.run(["ls", name]);
    if (canList) {
      exits(listed, 0, "ls --json");
      assert.deepEqual(JSON.parse(listed.stdout), [{ name: full(name), instances: 1, maxInstances: 3 }]);
      exits(table, 0, "ls");
      assert.match(table.stdout, new RegExp(`^\\s*1\\s+3\\s+${name}$`, "m"));
    } else {
      for (const result of [listed, table]) {
        exits(result, 1, "ls where listing fails");
        assert.match(result.stderr, /cannot list its names[\s\S]*winpipe info NAME/);
      }
    }
    server.close();
  });

  add("ls shows a name with a line break, an escape sequence or a bidi control quoted, never as it is", async () => {
    // Anyone may name a pipe: this one would fake a row of the table, clear the screen and reverse the rest.
    const name = shortName("ls-spoof") + "\n  1    1  trusted\u001b[2J\u202eevil";
    using _server = pipes.createServer(full(name));
    let canList = true;
    try {
      pipes.listPipes();
    } catch {
      canList = false; // Wine 10 (docs/wine-findings.md, W-L80)
    }
    const prefix = name.slice(0, name.indexOf("\n"));
    const table = await harness.run(["ls", prefix]);
    if (!canList) {
      // Where nothing can be listed, ls says so (and then the quoting is checked on the model and on Windows).
      exits(table, 1, "ls where listing fails");
      assert.match(table.stderr, /cannot list its names/);
      return;
    }
    exits(table, 0, "ls");
    assert.ok(!table.stdout.includes("\u001b") && !table.stdout.includes("\u202e"), "no control reaches the terminal");
    const lines = table.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2, table.stdout);
    assert.ok(lines[1].endsWith(`"${prefix}\\u000a  1    1  trusted\\u001b[2J\\u202eevil"`), lines[1]);
    // --json keeps the name exactly.
    const listed = await harness.run(["ls", prefix, "--json"]);
    assert.equal(JSON.parse(listed.stdout)[0].name, full(name));
    // The pattern may start with \\.\pipe\, as the other commands' names may.
    const prefixed = await harness.run(["ls", full(prefix), "--json"]);
    assert.equal(JSON.parse(prefixed.stdout)[0]?.name, full(name), prefixed.stdout);
  });

  add(
    "info shows type, direction, buffers, instances, owner and descriptor; a missing pipe exits 3 with advice",
    async () => {
      const name = shortName("info");
      const stop = serving(
        pipes.createServer(full(name), {
          type: "message",
          access: "outbound",
          maxInstances: 4,
          inBufferSize: 1024,
          outBufferSize: 2048,
        }),
        async () => {},
      );
      const result = await harness.run(["info", name, "--json"]);
      exits(result, 0, "info --json");
      const details = JSON.parse(result.stdout);
      assert.equal(details.name, full(name));
      assert.equal(details.type, "message");
      assert.equal(details.direction, "outbound");
      assert.equal(details.maxInstances, 4);
      assert.equal(details.outBufferSize, 2048);
      assert.ok(details.instances >= 1);
      // The server's default security is "current-user": this user owns the pipe, and the descriptor says so.
      const { sid } = pipes.currentUser();
      assert.equal(details.owner, sid);
      assert.ok(details.descriptor.startsWith(`O:${sid}`), details.descriptor);
      const human = await harness.run(["info", full(name)]);
      exits(human, 0, "info");
      assert.match(human.stdout, /type\s+message/);
      assert.ok(human.stdout.includes(`owner       ${sid} (you)`), human.stdout);
      assert.match(human.stdout, /security\s+O:S-1-/);
      const missing = await harness.run(["info", shortName("missing")]);
      exits(missing, 3, "info of a missing pipe");
      assert.match(missing.stderr, /ERROR_FILE_NOT_FOUND[\s\S]*--wait/);
      await stop();
    },
  );

  add("send writes DATA, standard input, and one message with --message", async () => {
    const bytes = shortName("send-bytes");
    const messages = shortName("send-messages");
    const received: string[] = [];
    const stopBytes = serving(pipes.createServer(full(bytes)), async (conn) => {
      let got = "";
      const buffer = new Uint8Array(1024);
      for (let r; (r = await conn.read(buffer)) !== null;) got += text(buffer.subarray(0, r.bytesRead));
      received.push(got);
    });
    const stopMessages = serving(
      pipes.createServer(full(messages), { type: "message", readMode: "message" }),
      async (conn) => {
        for (let m; (m = await conn.readMessage()) !== null;) received.push(`message: ${text(m)}`);
      },
    );
    try {
      exits(await harness.run(["send", bytes, "hello"]), 0, "send DATA");
      exits(await harness.run(["send", bytes, "-"], "from stdin"), 0, "send -");
      // Docker's spelling of a pipe name (npipe:////./pipe/NAME) is the same pipe, as Windows reads it.
      exits(await harness.run(["send", `//./pipe/${bytes}`, "slashes"]), 0, "send //./pipe/NAME");
      const json = await harness.run(["send", messages, "--message", "--json"], "one\ntwo");
      exits(json, 0, "send --message --json");
      assert.deepEqual(JSON.parse(json.stdout), { name: full(messages), bytes: 7, writes: 1 });
      const wrong = await harness.run(["send", bytes, "x", "--message"]);
      exits(wrong, 1, "send --message to a byte pipe");
      assert.match(wrong.stderr, /is a byte pipe/);
    } finally {
      await stopBytes();
      await stopMessages();
    }
    assert.deepEqual(received.sort(), ["", "from stdin", "hello", "message: one\ntwo", "slashes"]);
  });

  add("call prints the reply of a message server; --json; a byte pipe gets advice", async () => {
    const name = shortName("call");
    const stop = serving(pipes.createServer(full(name), { type: "message", readMode: "message" }), async (conn) => {
      const request = await conn.readMessage();
      if (request !== null) await conn.write(new TextEncoder().encode(text(request).toUpperCase()));
    });
    const bytePipe = shortName("call-bytes");
    const stopBytes = serving(pipes.createServer(full(bytePipe)), async () => {});
    try {
      const reply = await harness.run(["call", name, "ping"]);
      exits(reply, 0, "call");
      assert.equal(reply.stdout, "PING");
      const json = await harness.run(["call", name, "-", "--json"], "héllo");
      exits(json, 0, "call --json");
      assert.deepEqual(JSON.parse(json.stdout), { name: full(name), bytes: 6, text: "HÉLLO" });
      const wrong = await harness.run(["call", bytePipe, "x"]);
      exits(wrong, 1, "call on a byte pipe");
      assert.match(wrong.stderr, /call and --message need a message pipe/);
    } finally {
      await stop();
      await stopBytes();
    }
  });

  add("cat copies what the server sends until it closes; --message puts each message on a line", async () => {
    const name = shortName("cat");
    const stop = serving(pipes.createServer(full(name), { type: "message" }), async (conn) => {
      await conn.write(new TextEncoder().encode("first"));
      await conn.write(new TextEncoder().encode("second"));
    });
    try {
      const raw = await harness.run(["cat", name]);
      exits(raw, 0, "cat");
      assert.equal(raw.stdout, "firstsecond");
      const lines = await harness.run(["cat", name, "--message"]);
      exits(lines, 0, "cat --message");
      assert.equal(lines.stdout, "first\nsecond\n");
      const json = await harness.run(["cat", name, "--message", "--json"]);
      assert.deepEqual(json.stdout.trim().split("\n").map((line) => JSON.parse(line)), [
        { text: "first" },
        { text: "second" },
      ]);
    } finally {
      await stop();
    }
  });

  add("--json shows a character that two reads cut in two whole, as text (cat and listen)", async () => {
    const name = shortName("cut");
    const sendCut = async (conn: PipeConnection) => {
      // "aé€" then "b", its bytes in three writes that cut é and € (each read takes one write).
      for (const part of [[0x61, 0xc3], [0xa9, 0xe2, 0x82], [0xac, 0x62]]) {
        await conn.write(new Uint8Array(part));
        await delay(30);
      }
    };
    const stop = serving(pipes.createServer(full(name)), sendCut);
    try {
      const json = await harness.run(["cat", name, "--json"]);
      exits(json, 0, "cat --json");
      // However the reads fall (apart, or some together), every line is text and together they are the whole.
      const lines = json.stdout.trim().split("\n").map((line) => JSON.parse(line));
      assert.ok(lines.every((line) => typeof line.text === "string"), json.stdout);
      assert.equal(lines.map((line) => line.text).join(""), "aé€b");
    } finally {
      await stop();
    }
    const listened = harness.run(["listen", name, "--once", "--json"]);
    const conn = await pipes.connect(full(name), { waitForCreation: true, timeout: 60_000 });
    await sendCut(conn);
    conn.close();
    const listen = await listened;
    exits(listen, 0, "listen --json");
    const data = listen.stdout.trim().split("\n").map((line) => JSON.parse(line)).filter((e) => e.event === "data");
    assert.ok(data.every((e) => typeof e.text === "string"), listen.stdout);
    assert.equal(data.map((e) => e.text).join(""), "aé€b");
  });

  add("listen --echo --once serves one client, prints what it sent and exits 0", async () => {
    const name = shortName("listen");
    const listening = harness.run(["listen", name, "--echo", "--once", "--json"]);
    {
      await using client = await pipes.connect(full(name), { waitForCreation: true, timeout: 60_000 });
      await client.write(new TextEncoder().encode("marco"));
      const buffer = new Uint8Array(16);
      const echoed = await client.read(buffer);
      assert.equal(text(buffer.subarray(0, echoed?.bytesRead ?? 0)), "marco");
    }
    const result = await listening;
    exits(result, 0, "listen --once");
    const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(events, [
      { event: "listening", name: full(name), type: "byte" },
      { event: "connected", client: 1 },
      { event: "data", client: 1, text: "marco" },
      { event: "disconnected", client: 1, bytes: 5 },
    ]);
  });

  add(
    "listen --echo: a client that leaves before its echo has left; the server goes on (exit 0 with --once)",
    async () => {
      const name = shortName("listen-left");
      const listening = harness.run(["listen", name, "--echo", "--once"]);
      const client = await pipes.connect(full(name), { waitForCreation: true, timeout: 60_000 });
      await client.write(new TextEncoder().encode("bye"));
      client.close(); // before the echo: its write finds the client gone
      const result = await listening;
      exits(result, 0, "listen --echo --once");
      assert.equal(result.stdout, "bye");
      assert.match(result.stderr, /client 1 left after 3 bytes/);
    },
  );

  add("listen on a name whose server allows no more instances exits 1 with a server's advice", async () => {
    const name = shortName("listen-full");
    using _server = pipes.createServer(full(name), { maxInstances: 1 });
    const result = await harness.run(["listen", name]);
    exits(result, 1, "listen at the instance limit");
    assert.match(result.stderr, /ERROR_PIPE_BUSY/);
    assert.match(result.stderr, /all the instances its first server allowed/);
    assert.doesNotMatch(result.stderr, /--timeout/, "listen has no --timeout to suggest");
  });

  add("send --wait that runs out of time for a missing pipe exits 4 and says to wait longer", async () => {
    const result = await harness.run(["send", shortName("never"), "x", "--wait", "--timeout", "100"]);
    exits(result, 4, "send --wait --timeout 100");
    assert.match(result.stderr, /no server created the pipe in time: wait longer with --timeout MS/);
    assert.doesNotMatch(result.stderr, /pass --wait/);
  });

  add("send --wait reaches a server created after it started", async () => {
    const name = shortName("wait");
    const sending = harness.run(["send", name, "late", "--wait", "--timeout", "60000"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    let got = "";
    const stop = serving(pipes.createServer(full(name)), async (conn) => {
      const buffer = new Uint8Array(64);
      for (let r; (r = await conn.read(buffer)) !== null;) got += text(buffer.subarray(0, r.bytesRead));
    });
    const result = await sending;
    await stop();
    exits(result, 0, "send --wait");
    assert.equal(got, "late");
  });

  /** An HTTP server on `name` for the fetch cases: echoes what it got as JSON; /missing is a 404. */
  function httpServer(name: string, type: "byte" | "message" = "byte") {
    return createHttp(pipes).serveHttp(full(name), async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/missing") return Response.json({ message: "page not found" }, { status: 404 });
      if (url.pathname === "/binary") return new Response(new Uint8Array([0xff, 0x00, 0x41]));
      return Response.json({
        method: request.method,
        url: request.url,
        header: request.headers.get("x-test"),
        type: request.headers.get("content-type"),
        body: await request.text(),
      }, { headers: { "x-served": "yes" } });
    }, { type });
  }

  add("fetch prints the response body; -i the status line and headers first; a message pipe too", async () => {
    for (const type of ["byte", "message"] as const) {
      const name = shortName(`fetch-${type}`);
      await using _server = httpServer(name, type);
      const got = await harness.run(["fetch", name, "/v1/info?x=1"]);
      exits(got, 0, `fetch on a ${type} pipe`);
      assert.deepEqual(JSON.parse(got.stdout), {
        method: "GET",
        url: "http://localhost/v1/info?x=1",
        header: null,
        type: null,
        body: "",
      });
      const included = await harness.run(["fetch", name, "http://docker/version", "-i"]);
      exits(included, 0, "fetch -i");
      const [head, body] = included.stdout.split("\r\n\r\n");
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(head, /\r\nx-served: yes(\r\n|$)/);
      assert.equal(JSON.parse(body).url, "http://docker/version");
    }
  });

  add("fetch sends -X, -H and -d (- reads standard input); --json shows status, headers and body", async () => {
    const name = shortName("fetch-send");
    await using _server = httpServer(name);
    const posted = await harness.run([
      "fetch",
      name,
      "/create",
      "-d",
      '{"Image":"alpine"}',
      "-H",
      "content-type: application/json",
      "-H",
      "x-test: one",
    ]);
    exits(posted, 0, "fetch -d -H");
    assert.deepEqual(JSON.parse(posted.stdout), {
      method: "POST",
      url: "http://localhost/create",
      header: "one",
      type: "application/json",
      body: '{"Image":"alpine"}',
    });
    const put = await harness.run(["fetch", name, "/put", "-X", "PUT", "--data", "-"], "from stdin");
    exits(put, 0, "fetch -X PUT --data -");
    assert.equal(JSON.parse(put.stdout).body, "from stdin");
    assert.equal(JSON.parse(put.stdout).method, "PUT");
    const json = await harness.run(["fetch", name, "/binary", "--json"]);
    exits(json, 0, "fetch --json");
    const shown = JSON.parse(json.stdout);
    assert.equal(shown.status, 200);
    assert.equal(shown.statusText, "OK");
    assert.equal(shown.bytes, 3);
    assert.equal(shown.base64, "/wBB");
    assert.equal(shown.name, full(name));
  });

  add("fetch --wait reaches a server created after it started", async () => {
    const name = shortName("fetch-wait");
    const asking = harness.run(["fetch", name, "/late", "--wait", "--timeout", "60000"]);
    await delay(300);
    await using _server = httpServer(name);
    const result = await asking;
    exits(result, 0, "fetch --wait");
    assert.equal(JSON.parse(result.stdout).url, "http://localhost/late");
  });

  add(
    "fetch: a 404 prints its body and exits 1; no such pipe exits 3; a bad header, method or path exits 2",
    async () => {
      const name = shortName("fetch-fail");
      await using _server = httpServer(name);
      const missing = await harness.run(["fetch", name, "/missing"]);
      exits(missing, 1, "fetch of a 404");
      assert.deepEqual(JSON.parse(missing.stdout), { message: "page not found" });
      assert.match(missing.stderr, /the server answered 404 Not Found/);
      exits(await harness.run(["fetch", shortName("nobody"), "/"]), 3, "fetch of a missing pipe");
      for (
        const args of [["-H", "no colon"], ["-H", "bad name: x"], ["-X", "GE T"], ["not-a-path"], ["/", "--include=x"]]
      ) {
        const bad = await harness.run(["fetch", name, ...(args[0].startsWith("-") ? ["/", ...args] : args)]);
        exits(bad, 2, `fetch ${args.join(" ")}`);
      }
    },
  );

  /**
   * A WebSocket server on `name`: echoes each text message as "echo: TEXT", answers "bin" with 3 bytes,
   * closes with 4000 on "bye", and /closes says one thing and closes with 1000.
   */
  function webSocketServer(name: string) {
    return createHttp(pipes).serveHttp(full(name), (request, info) => {
      const path = new URL(request.url).pathname;
      const offered = request.headers.get("sec-websocket-protocol");
      const { socket, response } = info.upgradeWebSocket(offered ? { protocol: offered.split(",")[0].trim() } : {});
      socket.onopen = () => {
        if (path !== "/closes") return;
        socket.send("just this");
        socket.close(1000);
      };
      socket.onmessage = (event) => {
        if (event.data === "bye") socket.close(4000, "asked to go");
        else if (event.data === "bin") socket.send(new Uint8Array([0xff, 0x00, 0x41]));
        else socket.send(`echo: ${event.data}`);
      };
      return response;
    });
  }

  add("ws sends each line of standard input and prints each message; --count closes after N", async () => {
    const name = shortName("ws-echo");
    await using _server = webSocketServer(name);
    const got = await harness.run(["ws", name, "/chat", "--count", "3"], "one\ntwo\r\n\nthree");
    exits(got, 0, "ws --count 3");
    assert.equal(got.stdout, "echo: one\necho: two\necho: \n");
    assert.match(got.stderr, /connected to ws:\/\/localhost\/chat/);
    // The server closes by itself: ws ends with it, after what it said.
    const closes = await harness.run(["ws", name, "/closes"]);
    exits(closes, 0, "ws of a server that closes with 1000");
    assert.equal(closes.stdout, "just this\n");
  });

  add("ws --json shows open (with the subprotocol), messages (text or base64) and close", async () => {
    const name = shortName("ws-json");
    await using _server = webSocketServer(name);
    const got = await harness.run(["ws", name, "/", "--json", "--protocol", "chat.v2", "--count", "2"], "hi\nbin\n");
    exits(got, 0, "ws --json");
    assert.deepEqual(got.stdout.trim().split("\n").map((line) => JSON.parse(line)), [
      { event: "open", url: "ws://localhost/", protocol: "chat.v2" },
      { event: "message", text: "echo: hi" },
      { event: "message", base64: "/wBB" },
      { event: "close", code: 1000, reason: "", wasClean: true },
    ]);
  });

  add(
    "ws: a close with another code exits 1; no such pipe exits 3; a refused handshake 1; bad arguments 2",
    async () => {
      const name = shortName("ws-fail");
      await using _server = webSocketServer(name);
      const bye = await harness.run(["ws", name, "/"], "first\nbye\n");
      exits(bye, 1, "ws closed with 4000");
      assert.equal(bye.stdout, "echo: first\n");
      assert.match(bye.stderr, /the server closed the WebSocket with 4000 \("asked to go"\)/);
      exits(await harness.run(["ws", shortName("nobody"), "/"]), 3, "ws to a missing pipe");
      const httpName = shortName("ws-http-only");
      await using _http = httpServer(httpName);
      const refused = await harness.run(["ws", httpName, "/missing"]);
      exits(refused, 1, "ws to a server that answers 404");
      assert.match(refused.stderr, /the server answered 404/);
      for (
        const args of [["not-a-path"], ["/", "--count", "0"], ["/#frag"], ["/", "--protocol", "a b"], ["/", "-H", "x"]]
      ) {
        exits(await harness.run(["ws", name, ...args]), 2, `ws ${args.join(" ")}`);
      }
    },
  );
}
