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
 * - A WebSocket route: the handler's second argument is Hono's `c.env`,
 *   so `c.env.upgradeWebSocket()` (as `Deno.upgradeWebSocket`) gives the
 *   socket and the response to return; the middleware's header, set after
 *   the handler, goes out on the `101`. `pipeWebSocket` is the client.
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
import { type HttpRequestInfo, pipeFetch, pipeWebSocket, serveHttp } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-hono-` + Deno.pid;

// A plain Hono app: nothing in it knows about pipes but its WebSocket route, which takes the socket from c.env.
const app = new Hono<{ Bindings: HttpRequestInfo }>();
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
app.get("/ws", (c) => {
  const { socket, response } = c.env.upgradeWebSocket();
  socket.onmessage = (event) => socket.send(`hono echoes: ${event.data}`);
  return response;
});

const connections = new Set<number>();
{
  await using server = serveHttp(name, (request, info) => {
    connections.add(info.connection);
    return app.fetch(request, info);
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
  console.log(`4 requests on ${connections.size} keep-alive connection${connections.size === 1 ? "" : "s"}`);

  const socket = pipeWebSocket(name, "/ws");
  const reply = new Promise((resolve) => (socket.onmessage = (event) => resolve(event.data)));
  const closed = new Promise<CloseEvent>((resolve) => (socket.onclose = resolve));
  socket.onopen = () => socket.send("hello");
  console.log(`WebSocket /ws: "${await reply}"`);
  socket.close(1000);
  const close = await closed;
  console.log(`WebSocket /ws: closed ${close.code}, clean: ${close.wasClean}`);
}
console.log("hono over pipe: done");
