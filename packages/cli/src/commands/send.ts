/**
 * `winpipe send NAME [DATA|-]`: connect, write, close.
 *
 * @module
 */
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, inputData, printJson, stdinChunks } from "../data.ts";

export const send: Command = {
  name: "send",
  usage: "send NAME [DATA|-] [--message] [--json] [--wait] [--timeout MS]",
  summary: "connect to a pipe, write DATA (or standard input) and close",
  details: [
    "DATA is sent as UTF-8 text; - or no DATA sends standard input, chunk by chunk as it comes.",
    "--message (message pipes): the whole input as one message, read to its end first.",
    "--json prints { name, bytes, writes } once sent.",
  ],
  options: ["message", "json", "wait", "timeout"],
  positionals: [1, 2],
  async run([given, data], values, env) {
    const name = fullPipeName(given);
    await using conn = await env.pipes.connect(name, { ...waitOptions(values, env), access: "write" });
    let bytes = 0, writes = 0;
    const write = async (chunk: Uint8Array) => {
      await conn.write(chunk, { signal: env.interrupted });
      bytes += chunk.length;
      writes++;
    };
    if (values.message) {
      if (conn.info().type !== "message") {
        throw new Error(`send --message: "${name}" is a byte pipe, which has no messages: send without --message`);
      }
      await write(await inputData(data, env));
    } else if (data !== undefined && data !== "-") {
      await write(new TextEncoder().encode(data));
    } else {
      for await (const chunk of stdinChunks(env)) if (chunk.length > 0) await write(chunk);
    }
    if (values.json) await printJson(env, { name, bytes, writes });
  },
};
