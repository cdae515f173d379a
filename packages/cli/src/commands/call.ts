/**
 * `winpipe call NAME [DATA|-]`: one request and its reply (CallNamedPipe).
 *
 * @module
 */
import { DEFAULT_MAX_MESSAGE_SIZE } from "@winpipe/core";
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, inputData, jsonData, printJson } from "../data.ts";
import { numberOption } from "../options.ts";

export const call: Command = {
  name: "call",
  usage: "call NAME [DATA|-] [--json] [--timeout MS] [--max-reply BYTES]",
  summary: "send one request message and print the reply (CallNamedPipe; message pipes)",
  details: [
    "DATA is the request as UTF-8 text; - or no DATA sends standard input, read to its end, as the request.",
    "The reply goes to standard output as it is; --json prints { name, bytes, text } (or base64 for binary).",
  ],
  options: ["json", "timeout", "max-reply"],
  positionals: [1, 2],
  async run([given, data], values, env) {
    const name = fullPipeName(given);
    const request = await inputData(data, env);
    const { timeout, signal } = waitOptions(values, env);
    const maxReplySize = numberOption(values, "max-reply", 0, 0xffffffff, DEFAULT_MAX_MESSAGE_SIZE);
    const reply = await env.pipes.callNamedPipe(name, request, { timeout, signal, maxReplySize });
    if (values.json) await printJson(env, { name, bytes: reply.length, ...jsonData(reply) });
    else await env.stdout(reply);
  },
};
