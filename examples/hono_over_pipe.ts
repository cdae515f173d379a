/**
 * A Hono app served over a named pipe: any fetch-handler framework plugs
 * into `serveHttp` unchanged, since its handler is `(request) => Response`
 * and Hono's `app.fetch` is one. Then `pipeFetch` talks to it, through the
 * real kernel32 (no model).
 *
 * What it shows:
 * - `serveHttp(name, app.fetch)`: routing, path parameters, JSON in and
 *   out, a 404 from Hono itself, headers set by Hono middleware.
 * - `pipeFetch(name, path, init)`: fetch's signature after the pipe name;
 *   the requests share one keep-alive connection (the server's
 *   `info.connection` says which), so the app answers them all on one
 *   pipe instance.
 * - Ending by itself: leaving the `await using` block shuts the server down
 *   (stops accepting, finishes requests in progress, closes connections).
 *
 * Run it on Windows:
 *
 *   deno run -A examples/hono_over_pipe.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/hono_over_pipe.ts
 *
 * @module
 */
import { Hono } from "hono";
import { pipeFetch, serveHttp } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-hono-` + Deno.pid;

// A plain Hono app: nothing in it knows about pipes.
const app = new Hono<{ Variables: { connection: number } }>();
app.use("*", async (c, next) => {
  await next();
  c.header("x-powered-by", "hono over a named pipe");
});
app.get("/", (c) => c.text("Hello from Hono over a named pipe"));
app.get("/greet/:name", (c) => c.json({ hello: c.req.param("name") }));
app.post("/sum", async (c) => {
  const { numbers } = await c.req.json<{ numbers: number[] }>();
  return c.json({ sum: numbers.reduce((a, b) => a + b, 0) });
});

const connections = new Set<number>();
{
  await using server = serveHttp(name, (request, info) => {
    connections.add(info.connection);
    return app.fetch(request);
  });
  console.log(`serving the Hono app on ${server.name}`);

  const home = await pipeFetch(name, "/");
  console.log(`GET / -> ${home.status} "${await home.text()}" (${home.headers.get("x-powered-by")})`);

  const greet = await pipeFetch(name, "/greet/pipe");
  console.log(`GET /greet/pipe -> ${greet.status} ${JSON.stringify(await greet.json())}`);

  const sum = await pipeFetch(name, "/sum", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ numbers: [1, 2, 3, 4] }),
  });
  console.log(`POST /sum [1,2,3,4] -> ${sum.status} ${JSON.stringify(await sum.json())}`);

  const missing = await pipeFetch(name, "/nowhere");
  console.log(`GET /nowhere -> ${missing.status} "${await missing.text()}"`);
}
console.log(`4 requests on ${connections.size} keep-alive connection${connections.size === 1 ? "" : "s"}`);
console.log("hono over pipe: done");
