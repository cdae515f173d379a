/**
 * A command run in a container through the Docker Engine API over its
 * named pipe, the way `docker exec` does it: create the exec
 * (`POST /containers/{id}/exec`), start it with a request that switches the
 * connection to Docker's raw stream (`POST /exec/{id}/start` with
 * `Upgrade: tcp`, answered `101 UPGRADED`), read its output frames until
 * the engine ends them, then ask for its exit code. When the pipe does not
 * exist, or no container is running, it says so and exits 0.
 *
 * What it shows:
 * - `pipeUpgrade(pipe, path, init)`: a 101 resolves with the connection
 *   (`readable`, `writable`, `close()`); any other answer is the Response
 *   (an error of the engine, told apart with `instanceof Response`).
 * - Docker's multiplexed stream: frames of an 8-byte header (stream 1 for
 *   stdout, 2 for stderr; the length, big-endian) and the bytes, read from
 *   `readable`; the engine ends it with go-winio's CloseWrite (a zero-length
 *   message on its message pipe).
 * - `--stand-in`: serves a stand-in engine with `serveHttp` on a private
 *   message pipe (`type: "message"`, as the engine's), whose exec start
 *   switches with `info.upgrade()` and writes the frames of an `echo`.
 *
 * Run it on Windows:
 *
 *   deno run -A examples/docker_exec.ts               (the real engine: the first running container)
 *   deno run -A examples/docker_exec.ts --stand-in    (the stand-in)
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/docker_exec.ts --stand-in
 *
 * @module
 */
import { ERROR_FILE_NOT_FOUND, isPipeError, pipeFetch, pipeUpgrade, serveHttp } from "@winpipe/deno";

const standIn = Deno.args.includes("--stand-in");
const pipe = standIn
  ? String.raw`\\.\pipe\winpipe-example-docker-exec-stand-in-` + Deno.pid
  : String.raw`\\.\pipe\docker_engine`;
const encoder = new TextEncoder();

/** One frame of Docker's multiplexed stream: the stream's number (1 stdout, 2 stderr) and its bytes. */
function frame(stream: 1 | 2, text: string): Uint8Array {
  const payload = encoder.encode(text);
  const out = new Uint8Array(8 + payload.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, payload.length);
  out.set(payload, 8);
  return out;
}

/** A stand-in of the engine: one running container; exec runs `echo` (prints its arguments). */
function serveStandIn() {
  const execs = new Map<string, { cmd: string[]; exitCode?: number }>();
  return serveHttp(pipe, async (request, info) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/containers/json") return Response.json([{ Id: "4f1c2d3e5a6b", Names: ["/web"] }]);
    const create = /^\/containers\/([^/]+)\/exec$/.exec(pathname);
    if (create && request.method === "POST") {
      const { Cmd } = await request.json() as { Cmd: string[] };
      const id = `e${execs.size + 1}`;
      execs.set(id, { cmd: Cmd });
      return Response.json({ Id: id }, { status: 201 });
    }
    const start = /^\/exec\/([^/]+)\/start$/.exec(pathname);
    if (start && execs.has(start[1])) {
      const exec = execs.get(start[1])!;
      const upgrade = info.upgrade({ headers: { "content-type": "application/vnd.docker.multiplexed-stream" } });
      void upgrade.connection.then(async (connection) => {
        const out = connection.writable.getWriter();
        if (exec.cmd[0] === "echo") await out.write(frame(1, exec.cmd.slice(1).join(" ") + "\n"));
        else await out.write(frame(2, `exec: "${exec.cmd[0]}": not found in the stand-in\n`));
        exec.exitCode = exec.cmd[0] === "echo" ? 0 : 127;
        await out.close(); // go-winio's CloseWrite: the client's readable ends
        for await (const _chunk of connection.readable) {
          // nothing comes in: this waits for the client to close its end
        }
        connection.close();
      });
      return upgrade.response;
    }
    const inspect = /^\/exec\/([^/]+)\/json$/.exec(pathname);
    if (inspect && execs.has(inspect[1])) {
      return Response.json({ ExitCode: execs.get(inspect[1])!.exitCode ?? null, Running: false });
    }
    return Response.json({ message: "page not found" }, { status: 404 });
  }, { type: "message" });
}

await using _standIn = standIn ? serveStandIn() : undefined;

let containers: { Id: string; Names: string[] }[];
try {
  containers = await (await pipeFetch(pipe, "/containers/json", { connectTimeout: 5000 })).json();
} catch (err) {
  if (isPipeError(err, ERROR_FILE_NOT_FOUND)) {
    console.log(`Docker Engine is not running here: ${pipe} does not exist`);
    Deno.exit(0);
  }
  throw err;
}
if (containers.length === 0) {
  console.log("no container is running");
  Deno.exit(0);
}
const container = containers[0];
const name = container.Names[0].replace(/^\//, "");

const created = await pipeFetch(pipe, `/containers/${container.Id}/exec`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ AttachStdout: true, AttachStderr: true, Cmd: ["echo", "hello from", name] }),
});
if (created.status !== 201) throw new Error(`exec create: ${created.status} ${await created.text()}`);
const { Id: execId } = await created.json() as { Id: string };

const started = await pipeUpgrade(pipe, `/exec/${execId}/start`, {
  method: "POST",
  headers: { upgrade: "tcp", "content-type": "application/json" },
  body: JSON.stringify({ Detach: false, Tty: false }),
});
if (started instanceof Response) throw new Error(`exec start: ${started.status} ${await started.text()}`);
console.log(`exec ${execId} in ${name}: ${started.status} ${started.headers.get("content-type")}`);

// The frames, however the chunks cut them.
let pending = new Uint8Array(0);
const decoder = new TextDecoder();
for await (const chunk of started.readable) {
  const joined = new Uint8Array(pending.length + chunk.length);
  joined.set(pending);
  joined.set(chunk, pending.length);
  let at = 0;
  while (joined.length - at >= 8) {
    const size = new DataView(joined.buffer, at + 4, 4).getUint32(0);
    if (joined.length - at - 8 < size) break;
    const text = decoder.decode(joined.subarray(at + 8, at + 8 + size)).trimEnd();
    console.log(`${joined[at] === 2 ? "stderr" : "stdout"}: ${text}`);
    at += 8 + size;
  }
  pending = joined.slice(at);
}
started.close();

const inspected = await (await pipeFetch(pipe, `/exec/${execId}/json`)).json() as { ExitCode: number | null };
console.log(`exit code ${inspected.ExitCode}`);
