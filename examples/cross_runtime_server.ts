/**
 * Two runtimes, one named pipe: a Deno server (`@winpipe/deno`) answering a
 * Bun client (`@winpipe/bun`, examples/bun_cross_runtime_client.ts), through
 * the real kernel32 (no model). This script is the server; it starts the
 * client itself, so one command runs both.
 *
 * What it shows:
 * - The two backends are the same Win32 pipe seen from two processes: the
 *   pipe name is the only thing they share. The server makes it unique per
 *   run (its pid) and passes it to the client on its command line.
 * - A message-mode service (`type: "message"`, `readMode: "message"`): each
 *   request the Bun client writes is one message here (`readMessage()`),
 *   each reply written here is one message there, whichever runtime wrote
 *   it; a 100 kB request through 4 kB buffers is still one message.
 * - The requests are small JSON commands: "hello" (each side says which
 *   runtime, version and pid it is: the server checks that its client is
 *   the child process it started), "upper" (uppercase text, UTF-8 both
 *   ways), and "size" (the size of the request message itself).
 * - Starting the other runtime: bun.exe is WINPIPE_BUN_EXE if set, else the
 *   bun.exe next to this deno.exe (as in the Wine test bed, where both are
 *   in `Z:\win`), else `bun` on PATH. Its output goes straight to this
 *   process's output (lines starting `bun client:`).
 * - Ending by itself: the client closes its end and exits; the server's next
 *   `readMessage()` returns `null`, it closes the instance, and once the
 *   client has exited (with code 0) it closes the server and prints `done`.
 *
 * Run it on Windows (Deno and Bun installed):
 *
 *   deno run -A examples/cross_runtime_server.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/cross_runtime_server.ts
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type PipeConnection } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-cross-runtime-` + Deno.pid;
const clientScript = fileURLToPath(new URL("./bun_cross_runtime_client.ts", import.meta.url));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the client sends; examples/bun_cross_runtime_client.ts has the same type. */
type Request =
  | { op: "hello"; runtime: string; version: string; pid: number }
  | { op: "upper"; text: string }
  | { op: "size"; padding?: string };

/** bun.exe: WINPIPE_BUN_EXE, else the one next to deno.exe, else `bun` on PATH. */
function bunExecutable(): string {
  const fromEnv = Deno.env.get("WINPIPE_BUN_EXE");
  if (fromEnv) return fromEnv;
  const sibling = join(dirname(Deno.execPath()), Deno.build.os === "windows" ? "bun.exe" : "bun");
  try {
    if (Deno.statSync(sibling).isFile) return sibling;
  } catch {
    // not there: try PATH
  }
  return "bun";
}

const server = createServer(name, {
  type: "message",
  readMode: "message",
  maxInstances: 1, // one client: the Bun process started below
  inBufferSize: 4096,
  outBufferSize: 4096,
});
console.log(`deno server: Deno ${Deno.version.deno} (pid ${Deno.pid}) listening on ${name}`);

// The server is listening before the client starts, so its connect() finds the pipe at once.
const bun = bunExecutable();
const child = new Deno.Command(bun, {
  args: ["run", clientScript, name],
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
console.log(`deno server: started the Bun client (${bun}, pid ${child.pid})`);

/** The service: one reply per request. */
function handle(message: Uint8Array): unknown {
  let request: Request;
  try {
    request = JSON.parse(decoder.decode(message));
  } catch {
    return { error: "not JSON" };
  }
  switch (request.op) {
    case "hello": {
      const whose = request.pid === child.pid ? "the child process it started" : `not pid ${child.pid}!`;
      console.log(`deno server: hello from ${request.runtime} ${request.version}, pid ${request.pid} (${whose})`);
      return { runtime: "Deno", version: Deno.version.deno, pid: Deno.pid };
    }
    case "upper":
      return { text: request.text.toUpperCase() };
    case "size":
      return { bytes: message.length };
    default:
      return { error: `unknown op ${JSON.stringify((request as { op: unknown }).op)}` };
  }
}

/** Answers every request message of one client until it closes its end; returns how many. */
async function serve(conn: PipeConnection): Promise<number> {
  let requests = 0;
  try {
    for (;;) {
      const message = await conn.readMessage(); // one whole message, or null once the client closed
      if (message === null) break;
      requests++;
      await conn.write(encoder.encode(JSON.stringify(handle(message)))); // one reply message
    }
  } finally {
    conn.close();
  }
  console.log(`deno server: the client closed the pipe after ${requests} requests`);
  return requests;
}

const served: Promise<number>[] = [];
const accepting = (async () => {
  for await (const conn of server) served.push(serve(conn));
})();

// The client ends by itself; then nothing more can connect, so stop listening.
const { code } = await child.status;
console.log(`deno server: the Bun client exited with code ${code}`);
server.close();
await accepting;
const requests = (await Promise.all(served)).reduce((a, b) => a + b, 0);
if (code !== 0 || requests === 0) {
  throw new Error(`the Bun client ${code !== 0 ? `failed (exit code ${code})` : "sent no request"}`);
}
console.log(
  `deno server: ${served.length} ${served.length === 1 ? "connection" : "connections"}, ${requests} requests`,
);
console.log("cross runtime: done");
