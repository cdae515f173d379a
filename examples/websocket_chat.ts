/**
 * A chat room on WebSockets over a named pipe: a serveHttp server whose
 * handler makes each connection a WebSocket with `info.upgradeWebSocket()`
 * and relays every message to everyone in the room, and two clients made
 * with `pipeWebSocket`, through the real kernel32 (no model).
 *
 * What it shows:
 * - `info.upgradeWebSocket({ protocol })`, as `Deno.upgradeWebSocket`:
 *   return its `response`, keep its `socket`; a request without
 *   `Upgrade: websocket` gets a 426 from the handler.
 * - `pipeWebSocket(name, url, protocols)`, as `new WebSocket(url,
 *   protocols)` with the pipe name first: the same events (`open`,
 *   `message`, `close`) and methods (`send`, `close`) as a browser's.
 * - The closing handshake: each client closes with 1000 and a reason; the
 *   server's socket sees the code and the reason, both sides clean.
 *
 * Run it on Windows:
 *
 *   deno run -A examples/websocket_chat.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/websocket_chat.ts
 *
 * @module
 */
import { pipeFetch, type PipeWebSocket, pipeWebSocket, serveHttp } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-chat-` + Deno.pid;
const room = new Set<PipeWebSocket>();
const serverClosed: string[] = [];

await using _server = serveHttp(name, (request, info) => {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("this is a WebSocket chat\n", { status: 426, headers: { upgrade: "websocket" } });
  }
  const who = new URL(request.url).searchParams.get("name") ?? "someone";
  const { socket, response } = info.upgradeWebSocket({ protocol: "chat.v1" });
  socket.onopen = () => {
    room.add(socket);
    for (const other of room) other.send(`* ${who} joined`);
  };
  socket.onmessage = (event) => {
    for (const other of room) other.send(`${who}: ${event.data}`);
  };
  socket.onclose = (event) => {
    room.delete(socket);
    serverClosed.push(`${who} left (${event.code} "${event.reason}", clean: ${event.wasClean})`);
  };
  return response;
});
console.log(`chat on ${name}`);

const plain = await pipeFetch(name, "/");
console.log(`GET / without a handshake -> ${plain.status} ${(await plain.text()).trim()}`);

/** A client that prints what it receives and resolves once it saw `count` messages. */
function join(user: string, count: number): { socket: PipeWebSocket; heard: Promise<string[]> } {
  const socket = pipeWebSocket(name, `/room?name=${user}`, ["chat.v1"]);
  const lines: string[] = [];
  const heard = new Promise<string[]>((resolve) => {
    socket.onmessage = (event) => {
      lines.push(String(event.data));
      if (lines.length === count) resolve(lines);
    };
  });
  return { socket, heard };
}

const ada = join("ada", 4);
await new Promise((resolve) => (ada.socket.onopen = resolve));
console.log(`ada connected, subprotocol ${ada.socket.protocol}`);
const bob = join("bob", 3);
await new Promise((resolve) => (bob.socket.onopen = resolve));
ada.socket.send("hello bob");
// Bob answers once he heard Ada (his second message: after his own join).
bob.socket.addEventListener("message", (event) => {
  if (event.data === "ada: hello bob") bob.socket.send("hi ada");
});

for (const [user, client] of [["ada", ada], ["bob", bob]] as const) {
  console.log(`${user} heard: ${(await client.heard).join(" | ")}`);
}
for (const [user, client] of [["ada", ada], ["bob", bob]] as const) {
  const closed = new Promise<CloseEvent>((resolve) => (client.socket.onclose = resolve));
  client.socket.close(1000, `${user} says bye`);
  const event = await closed;
  console.log(`${user} closed: ${event.code}, clean: ${event.wasClean}`);
}
while (serverClosed.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
for (const line of serverClosed) console.log(`server: ${line}`);
console.log("websocket chat: done");
