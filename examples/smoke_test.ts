/**
 * Smoke test of the examples: runs each one in its own `deno run -A`
 * process (real kernel32, no model) and checks that it exits 0 by itself,
 * in time, and prints the lines that show it did its job. Registers nothing
 * off Windows (the examples need kernel32).
 *
 * On Windows:
 *
 *   deno test -A examples/smoke_test.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md); this is the
 * `examples` suite of `npm test`:
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A examples/smoke_test.ts
 *
 * To add an example, add it to EXAMPLES with the lines it must print.
 *
 * @module
 */
import assert from "node:assert/strict";

interface Example {
  /** The file in examples/. */
  file: string;
  /** Arguments after the file. */
  args?: string[];
  /**
   * Lines the output must contain, in any order (concurrent parts print in
   * any order): a string matches a whole line, a RegExp any line.
   */
  expect: (string | RegExp)[];
}

const EXAMPLES: Example[] = [
  {
    file: "byte_echo.ts",
    expect: [
      'client A: sent "hello", got back "hello"',
      'client A: sent "echo over a byte pipe", got back "echo over a byte pipe"',
      'client B: sent "héllo wörld 🚀", got back "héllo wörld 🚀"',
      'client B: sent "bye", got back "bye"',
      // Which client is connection 1 varies; A sent 26 bytes, B 21.
      /^server: connection [12] ended after echoing 26 bytes$/,
      /^server: connection [12] ended after echoing 21 bytes$/,
      "server: accept loop ended",
      "byte echo: done",
    ],
  },
  {
    file: "message_service.ts",
    expect: [
      'transact upper -> {"text":"HELLO, PIPE"}',
      'transact sum -> {"sum":10}',
      'transact size -> {"bytes":100026} (sent 100026 bytes)',
      'callNamedPipe upper -> {"text":"ONE SHOT"}',
      'callNamedPipe bad -> {"error":"not JSON"}',
      "server: 3 connections, 5 requests",
      "message service: done",
    ],
  },
  {
    file: "streams_text.ts",
    expect: [
      "byte pipe, line 1: Ça va, 世界? 🚀",
      "byte pipe, line 2: A pipe of bytes",
      "byte pipe, line 3: keeps no boundaries:",
      "byte pipe, line 4: the decoder mends them.",
      "byte pipe: 17 writes of at most 5 bytes came back as 4 lines",
      'message pipe: "first message" (13 bytes, one message)',
      'message pipe: "second message" (14 bytes, one message)',
      'message pipe: "third" (5 bytes, one message)',
      'json message: {"id":1,"text":"héllo"}',
      'json message: {"id":2,"done":true}',
      "streams text: done",
    ],
  },
  {
    // The Deno server starts the Bun client (bun.exe) itself; both print to this output.
    file: "cross_runtime_server.ts",
    expect: [
      /^deno server: started the Bun client \(.+, pid \d+\)$/,
      /^bun client: Bun \S+ \(pid \d+\) connected to \\\\\.\\pipe\\winpipe-example-cross-runtime-\d+$/,
      /^deno server: hello from Bun \S+, pid \d+ \(the child process it started\)$/,
      /^bun client: hello -> the server is Deno \S+, pid \d+$/,
      'bun client: upper "héllo from bun 🚀" -> "HÉLLO FROM BUN 🚀"',
      "bun client: size of a 100026-byte request -> 100026 bytes, one message",
      'bun client: 2 requests written back to back -> 2 replies: "FIRST", "SECOND"',
      "bun client: done",
      "deno server: the client closed the pipe after 5 requests",
      "deno server: the Bun client exited with code 0",
      "deno server: 1 connection, 5 requests",
      "cross runtime: done",
    ],
  },
  {
    // A Hono app served with serveHttp, asked with pipeFetch.
    file: "hono_over_pipe.ts",
    expect: [
      /^serving the Hono app on \\\\\.\\pipe\\winpipe-example-hono-\d+$/,
      'GET / -> 200 "Hello from Hono over a named pipe" (hono over a named pipe)',
      'GET /greet/pipe -> 200 {"hello":"pipe"}',
      'POST /sum [1,2,3,4] -> 200 {"sum":10}',
      'GET /nowhere -> 404 "404 Not Found"',
      "4 requests on 1 keep-alive connection",
      'WebSocket /ws: "hono echoes: hello"',
      "WebSocket /ws: closed 1000, clean: true",
      "hono over pipe: done",
    ],
  },
  {
    // No Docker here (the Wine test bed has none): the example says so. With Docker running this case fails,
    // since the output lists containers instead: run the smoke test where Docker is not running.
    file: "docker_containers.ts",
    expect: ["Docker Engine is not running here: \\\\.\\pipe\\docker_engine does not exist"],
  },
  {
    // The same client against the example's stand-in of the Engine API.
    file: "docker_containers.ts",
    args: ["--stand-in"],
    expect: [
      /^\\\\\.\\pipe\\winpipe-example-docker-stand-in-\d+: ping OK, API version 1\.47$/,
      "2 containers:",
      "  4f1c2d3e5a6b  web  nginx:1.27  running (Up 2 hours)",
      "  9a8b7c6d5e4f  db  postgres:17  exited (Exited (0) 3 days ago)",
    ],
  },
  {
    // No Docker here, as above.
    file: "docker_exec.ts",
    expect: ["Docker Engine is not running here: \\\\.\\pipe\\docker_engine does not exist"],
  },
  {
    // exec create, exec start through pipeUpgrade (a 101, then Docker's frames), exec inspect, on the stand-in.
    file: "docker_exec.ts",
    args: ["--stand-in"],
    expect: [
      "exec e1 in web: 101 application/vnd.docker.multiplexed-stream",
      "stdout: hello from web",
      "exit code 0",
    ],
  },
  {
    // A chat room: info.upgradeWebSocket on the server, pipeWebSocket clients, the closing handshake.
    file: "websocket_chat.ts",
    expect: [
      /^chat on \\\\\.\\pipe\\winpipe-example-chat-\d+$/,
      "GET / without a handshake -> 426 this is a WebSocket chat",
      "ada connected, subprotocol chat.v1",
      "ada heard: * ada joined | * bob joined | ada: hello bob | bob: hi ada",
      "bob heard: * bob joined | ada: hello bob | bob: hi ada",
      "ada closed: 1000, clean: true",
      "bob closed: 1000, clean: true",
      'server: ada left (1000 "ada says bye", clean: true)',
      'server: bob left (1000 "bob says bye", clean: true)',
      "websocket chat: done",
    ],
  },
  {
    // The child is the same script under the same deno.exe, started through winpipe's spawn.
    file: "process_output.ts",
    expect: [
      /^started child pid \d+$/,
      'read 1000 lines in order (first "line 1 of 1000", last "line 1000 of 1000"); stdout ended',
      "child stderr: child: done printing",
      /^report from the child over the inherited pipe: \{"pid":\d+,"printed":1000\}$/,
      "child exited with code 0",
    ],
  },
];

/** An example that has not ended by then is killed and fails. */
const TIMEOUT_MS = 60_000;

const root = new URL("../", import.meta.url);

if (Deno.build.os === "windows") {
  for (const example of EXAMPLES) {
    const command = [example.file, ...(example.args ?? [])].join(" ");
    Deno.test(`example ${command} exits 0 and prints what it did`, async () => {
      const started = performance.now();
      const { code, signal, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `examples/${example.file}`, ...(example.args ?? [])],
        cwd: root,
        stdin: "null",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).output();
      const ms = Math.round(performance.now() - started);
      const out = new TextDecoder().decode(stdout);
      const err = new TextDecoder().decode(stderr);
      const report = `${command} (${ms} ms, exit ${code}${signal ? `, ${signal}` : ""})\n` +
        `--- stdout\n${out}--- stderr\n${err}---`;
      assert.equal(code, 0, `the example failed: ${report}`);
      const lines = out.split(/\r?\n/);
      const missing = example.expect.filter((want) =>
        !lines.some((line) => typeof want === "string" ? line === want : want.test(line))
      );
      assert.deepEqual(missing, [], `lines missing from the output of ${report}`);
    });
  }
}
