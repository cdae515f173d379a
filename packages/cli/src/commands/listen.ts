/**
 * `winpipe listen NAME`: a server that shows what each client sends, and
 * with --echo sends it back.
 *
 * @module
 */
import type { PipeConnection } from "@winpipe/core";
import { isPeerGone } from "@winpipe/core/internal";
import type { Command } from "../command.ts";
import { fullPipeName, jsonData, JsonReads, printJson, READ_CHUNK, withNewline } from "../data.ts";
import type { CliEnvironment } from "../environment.ts";
import { numberOption, type OptionValues } from "../options.ts";

export const listen: Command = {
  name: "listen",
  usage: "listen NAME [--message] [--echo] [--once] [--json] [--max-instances N]",
  summary: "serve a pipe: print what clients send (and with --echo send it back) until Ctrl+C",
  details: [
    "What clients send goes to standard output; who comes and goes, to standard error.",
    "--message: a message pipe read in message mode, each message on its own line.",
    "--once: stop when the first client has gone.",
    "--json: events on standard output, one per line: listening, connected, data ({ text } or { base64 }; a",
    "character cut between two reads shown whole with the second), disconnected (with the bytes it sent),",
    "error (a client's connection failed; the server goes on).",
  ],
  options: ["message", "echo", "once", "json", "max-instances"],
  positionals: [1, 1],
  async run([given], values, env) {
    const name = fullPipeName(given, { localOnly: true });
    const type = values.message ? "message" : "byte";
    const maxInstances = numberOption(values, "max-instances", 1, 254, 255);
    using server = env.pipes.createServer(name, { type, readMode: type, maxInstances });
    const stop = () => server.close();
    env.interrupted?.addEventListener("abort", stop, { once: true });
    await event(env, values, { event: "listening", name, type }, `listening on ${name} (${type} pipe); Ctrl+C stops`);
    const serving: Promise<void>[] = [];
    let clients = 0;
    try {
      for await (const conn of server) {
        const client = ++clients;
        const served = serve(conn, client, values, env);
        if (values.once) {
          await served; // the one client's failure is the command's
          break;
        }
        // One client's failure is reported and the server goes on serving the others.
        serving.push(served.catch((err) => clientFailed(env, values, client, err)));
      }
    } finally {
      env.interrupted?.removeEventListener("abort", stop);
      server.close();
      await Promise.all(serving);
    }
  },
};

/** A client's connection failed (not its leaving, which is no failure): said on standard error, or as an event. */
function clientFailed(env: CliEnvironment, values: OptionValues, client: number, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  return event(env, values, { event: "error", client, message }, `client ${client}: ${message}`).catch(() => {});
}

/** An event: a JSON line on standard output with --json, otherwise a line of text on standard error. */
function event(env: CliEnvironment, values: OptionValues, json: Record<string, unknown>, text: string): Promise<void> {
  if (values.json) return printJson(env, json);
  env.stderr(`winpipe: ${text}`);
  return Promise.resolve();
}

/** One client: its data to standard output (and back with --echo) until it goes. */
async function serve(conn: PipeConnection, client: number, values: OptionValues, env: CliEnvironment): Promise<void> {
  await using _ = conn;
  await event(env, values, { event: "connected", client }, `client ${client} connected`);
  let bytes = 0;
  const buffer = new Uint8Array(READ_CHUNK);
  // --json on a byte pipe: each read with whole characters only (a message is shown as it is).
  const reads = values.json && !values.message ? new JsonReads() : undefined;
  for (;;) {
    let data: Uint8Array | null;
    const signal = env.interrupted;
    try {
      if (values.message) {
        data = await conn.readMessage({ signal });
      } else {
        const got = await conn.read(buffer, { signal });
        data = got === null ? null : buffer.slice(0, got.bytesRead);
      }
    } catch (err) {
      if (signal?.aborted) return; // Ctrl+C: the server stops, which is no failure
      throw err;
    }
    if (data === null) break;
    bytes += data.length;
    if (values.json) {
      const shown = reads === undefined ? jsonData(data) : reads.next(data);
      if (shown !== null) await printJson(env, { event: "data", client, ...shown });
    } else await env.stdout(values.message ? withNewline(data) : data);
    if (values.echo) {
      try {
        await conn.write(data, { signal });
      } catch (err) {
        if (signal?.aborted) return; // Ctrl+C while the client did not read its echo
        if (isPeerGone(err)) break; // it left before its echo
        throw err;
      }
    }
  }
  const rest = reads?.end();
  if (rest) await printJson(env, { event: "data", client, ...rest });
  await event(env, values, { event: "disconnected", client, bytes }, `client ${client} left after ${bytes} bytes`);
}
