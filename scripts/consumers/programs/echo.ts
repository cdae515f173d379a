// A consumer's first program: a named-pipe echo server and a client in one
// process, through the published package. The consumers suite
// (scripts/consumers/run.mjs) copies it into fresh projects; for Bun it
// imports "@winpipe/bun" instead (the two packages have the same API). It
// throws, so the process exits non-zero, if anything comes back wrong.
import { connect, createServer } from "@winpipe/deno";

const name = `\\\\.\\pipe\\winpipe-consumer-echo-${crypto.randomUUID()}`;
await using server = createServer(name, { type: "message", readMode: "message" });
const serving = (async () => {
  await using conn = await server.accept();
  const request = await conn.readMessage();
  if (request !== null) await conn.write(request);
})();

await using client = await connect(name, { readMode: "message" });
const sent = `hello from a consumer, ${crypto.randomUUID()}`;
await client.write(new TextEncoder().encode(sent));
const reply = await client.readMessage();
await serving;
const received = reply === null ? "(end of data)" : new TextDecoder().decode(reply);
if (received !== sent) throw new Error(`echo: sent ${JSON.stringify(sent)}, received ${JSON.stringify(received)}`);
console.log("winpipe-consumer: echo ok");
