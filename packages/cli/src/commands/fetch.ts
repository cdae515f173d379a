/**
 * `winpipe fetch NAME [PATH|URL]`: one HTTP request to a server on a pipe
 * (pipeFetch), its body to standard output: what `curl --unix-socket` is
 * for a Unix socket, for the Docker Engine's pipe and other HTTP services.
 *
 * @module
 */
import { concatBytes } from "@winpipe/core/internal";
import { PipeHttpClient } from "@winpipe/http";
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, inputData, jsonData, printJson } from "../data.ts";
import { UsageError } from "../exit_codes.ts";
import { headerPairs, TOKEN } from "../http_headers.ts";

/** The server answered with an error status (400 and up): the body was printed, the exit code is 1. */
export class HttpStatusError extends Error {
  constructor(status: number, statusText: string) {
    super(`the server answered ${status}${statusText ? " " + statusText : ""}`);
    this.name = "HttpStatusError";
  }
}

export const fetch: Command = {
  name: "fetch",
  usage: 'fetch NAME [PATH|URL] [-X METHOD] [-H "NAME: VALUE"]... [-d DATA|-] [-i] [--json] [--wait] [--timeout MS]',
  summary: "send an HTTP request to a server on a pipe and print the response body (pipeFetch)",
  details: [
    "PATH is the request's path (default /), or a whole http:// URL whose host goes in the Host field.",
    "The body goes to standard output as it comes; -i prints the status line and headers first.",
    "--data sends DATA as UTF-8 text (- reads standard input to its end, so `-d - < FILE` sends a file; DATA is",
    "never read as @FILE, as curl would), and makes the default method POST.",
    "A response of 400 and up is printed too, and the exit code is 1. --json prints",
    "{ status, statusText, headers, bytes, text } (or base64 for a body that is not UTF-8).",
  ],
  options: ["method", "header", "data", "include", "json", "wait", "timeout"],
  positionals: [1, 2],
  async run([given, path = "/"], values, env) {
    const name = fullPipeName(given);
    if (!path.startsWith("/") && !/^https?:\/\//i.test(path)) {
      throw new UsageError(`fetch: PATH must start with / or be an http:// URL: got ${JSON.stringify(path)}`);
    }
    const headers = headerPairs(values.header ?? []);
    // inputData makes new arrays (TextEncoder, concatBytes): their buffers are ArrayBuffers.
    const body = values.data === undefined ? undefined : await inputData(values.data, env) as Uint8Array<ArrayBuffer>;
    const method = values.method ?? (body === undefined ? "GET" : "POST");
    if (!TOKEN.test(method)) {
      throw new UsageError(`--method must be an HTTP method (a token): got ${JSON.stringify(method)}`);
    }
    const { timeout, signal, waitForCreation } = waitOptions(values, env);
    using client = new PipeHttpClient(env.pipes, { maxIdlePerPipe: 0 });
    const init = { method, headers, body, connectTimeout: timeout, waitForCreation, signal };
    const response = await client.fetch(name, path, init);
    const failed = response.status >= 400 ? new HttpStatusError(response.status, response.statusText) : undefined;
    if (values.json) {
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      for await (const chunk of response.body ?? []) {
        chunks.push(chunk);
        bytes += chunk.length;
      }
      await printJson(env, {
        name,
        status: response.status,
        statusText: response.statusText,
        headers: Object.fromEntries(response.headers),
        bytes,
        ...jsonData(concatBytes(chunks, bytes)),
      });
    } else {
      if (values.include) {
        let head = `HTTP/1.1 ${response.status} ${response.statusText}\r\n`;
        response.headers.forEach((value, field) => (head += `${field}: ${value}\r\n`));
        await env.stdout(head + "\r\n");
      }
      for await (const chunk of response.body ?? []) await env.stdout(chunk);
    }
    if (failed) throw failed;
  },
};
