/**
 * The Docker Engine API over its named pipe, `\\.\pipe\docker_engine`:
 * lists the containers (`GET /containers/json?all=true`) with `pipeFetch`,
 * the way the Docker CLI reaches the engine on Windows. When the pipe does
 * not exist (Docker is not running, or not installed) it says so and exits 0.
 *
 * What it shows:
 * - `pipeFetch(pipe, "/_ping")` and `pipeFetch(pipe, "/containers/json?all=true")`:
 *   a path alone is `http://localhost/...`, the pipe is the host; the
 *   Response is a standard one (`json()`, `headers`).
 * - A missing pipe is a PipeError with ERROR_FILE_NOT_FOUND (code 2), told
 *   apart from other failures by its code.
 * - The engine's pipe is a message pipe (go-winio's `MessageMode`, so that
 *   its clients can half-close with a zero-length message); pipeFetch reads
 *   it as a byte stream, as the Docker CLI does.
 * - `--stand-in`: serves a tiny stand-in of the Engine API (two containers)
 *   with `serveHttp` on a private message pipe, made as the engine makes its
 *   own (`type: "message"`), and lists from it, so the listing can be seen
 *   on a machine without Docker (the smoke test runs both ways).
 *
 * Run it on Windows:
 *
 *   deno run -A examples/docker_containers.ts               (the real engine, if running)
 *   deno run -A examples/docker_containers.ts --stand-in    (the stand-in)
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/docker_containers.ts
 *
 * @module
 */
import { ERROR_FILE_NOT_FOUND, isPipeError, pipeFetch, serveHttp } from "@winpipe/deno";

/** The fields of GET /containers/json this example prints (Docker Engine API). */
interface Container {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Status: string;
}

const standIn = Deno.args.includes("--stand-in");
const pipe = standIn
  ? String.raw`\\.\pipe\winpipe-example-docker-stand-in-` + Deno.pid
  : String.raw`\\.\pipe\docker_engine`;

/** Two made-up containers, answered the way the Engine API answers. */
function serveStandIn() {
  const containers: Container[] = [
    { Id: "4f1c2d3e5a6b", Names: ["/web"], Image: "nginx:1.27", State: "running", Status: "Up 2 hours" },
    { Id: "9a8b7c6d5e4f", Names: ["/db"], Image: "postgres:17", State: "exited", Status: "Exited (0) 3 days ago" },
  ];
  return serveHttp(pipe, (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/_ping") return new Response("OK", { headers: { "api-version": "1.47" } });
    if (url.pathname === "/containers/json") {
      const all = url.searchParams.get("all") === "true";
      return Response.json(all ? containers : containers.filter((c) => c.State === "running"));
    }
    return Response.json({ message: "page not found" }, { status: 404 });
  }, { type: "message" });
}

await using _standIn = standIn ? serveStandIn() : undefined;

let ping: Response;
try {
  ping = await pipeFetch(pipe, "/_ping", { connectTimeout: 5000 });
} catch (err) {
  if (isPipeError(err, ERROR_FILE_NOT_FOUND)) {
    console.log(`Docker Engine is not running here: ${pipe} does not exist`);
    Deno.exit(0);
  }
  throw err;
}
console.log(`${pipe}: ping ${await ping.text()}, API version ${ping.headers.get("api-version")}`);
const response = await pipeFetch(pipe, "/containers/json?all=true");
if (!response.ok) throw new Error(`GET /containers/json: ${response.status} ${await response.text()}`);
const containers = await response.json() as Container[];
console.log(`${containers.length} container${containers.length === 1 ? "" : "s"}:`);
for (const c of containers) {
  console.log(`  ${c.Id.slice(0, 12)}  ${c.Names.join(",").replace(/^\//, "")}  ${c.Image}  ${c.State} (${c.Status})`);
}
