/**
 * `winpipe cat NAME`: connect and copy what the pipe sends to standard
 * output until it ends.
 *
 * @module
 */
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, jsonData, JsonReads, printJson, READ_CHUNK, withNewline } from "../data.ts";

export const cat: Command = {
  name: "cat",
  usage: "cat NAME [--message] [--json] [--wait] [--timeout MS]",
  summary: "connect to a pipe and copy what it sends to standard output until it ends",
  details: [
    "--message (message pipes): each message on its own line.",
    "--json: one line per read (or per message) with { text } or { base64 }; a character cut between",
    "two reads is shown whole with the second.",
  ],
  options: ["message", "json", "wait", "timeout"],
  positionals: [1, 1],
  async run([given], values, env) {
    const name = fullPipeName(given);
    const readMode = values.message ? "message" : "byte";
    await using conn = await env.pipes.connect(name, { ...waitOptions(values, env), access: "read", readMode });
    const signal = env.interrupted;
    const show = (bytes: Uint8Array) =>
      values.json ? printJson(env, jsonData(bytes)) : env.stdout(values.message ? withNewline(bytes) : bytes);
    if (values.message) {
      for (let message; (message = await conn.readMessage({ signal })) !== null;) await show(message);
      return;
    }
    const buffer = new Uint8Array(READ_CHUNK);
    if (values.json) {
      // One line per read, each with whole characters.
      const reads = new JsonReads();
      for (let got; (got = await conn.read(buffer, { signal })) !== null;) {
        const data = reads.next(buffer.subarray(0, got.bytesRead));
        if (data !== null) await printJson(env, data);
      }
      const rest = reads.end();
      if (rest !== null) await printJson(env, rest);
      return;
    }
    for (let got; (got = await conn.read(buffer, { signal })) !== null;) {
      if (got.bytesRead > 0) await show(buffer.slice(0, got.bytesRead));
    }
  },
};
