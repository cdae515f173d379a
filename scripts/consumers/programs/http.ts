// A consumer's HTTP program: a serveHttp server, a pipeFetch request and a
// WebSocket (pipeWebSocket against info.upgradeWebSocket()) in one process,
// through the published packages (@winpipe/http comes with the runtime
// package). The consumers suite (scripts/consumers/run.mjs) copies it into
// fresh projects; for Bun it imports "@winpipe/bun" instead. It throws, so
// the process exits non-zero, if anything comes back wrong.
import { pipeFetch, pipeWebSocket, serveHttp } from "@winpipe/deno";

const name = `\\\\.\\pipe\\winpipe-consumer-http-${crypto.randomUUID()}`;
await using _server = serveHttp(name, async (request, info) => {
  if (request.headers.get("upgrade") === "websocket") {
    const { socket, response } = info.upgradeWebSocket();
    socket.onmessage = (event) => socket.send(`echo: ${event.data}`);
    return response;
  }
  return Response.json({ method: request.method, path: new URL(request.url).pathname, body: await request.text() });
});

const response = await pipeFetch(name, "/hello", { method: "POST", body: "from a consumer" });
const got = JSON.stringify(await response.json());
const expected = JSON.stringify({ method: "POST", path: "/hello", body: "from a consumer" });
if (got !== expected) throw new Error(`pipeFetch: expected ${expected}, got ${got}`);

const socket = pipeWebSocket(name, "/ws");
const reply = await new Promise<string>((resolve, reject) => {
  socket.onopen = () => socket.send("ping");
  socket.onmessage = (event) => resolve(String(event.data));
  socket.onclose = (event) => reject(new Error(`the WebSocket closed (${event.code}) before its reply`));
});
if (reply !== "echo: ping") throw new Error(`WebSocket: expected "echo: ping", got ${JSON.stringify(reply)}`);
const closed = await new Promise<CloseEvent>((resolve) => {
  socket.onclose = resolve;
  socket.close(1000, "done");
});
if (closed.code !== 1000 || !closed.wasClean) {
  throw new Error(`WebSocket: closed ${closed.code}, clean ${closed.wasClean}`);
}
console.log("winpipe-consumer: http ok");
