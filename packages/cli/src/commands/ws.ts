/**
 * `winpipe ws NAME [PATH|URL]`: a WebSocket to a server on a pipe
 * (pipeWebSocket): each line of standard input goes as a text message,
 * each message that comes is printed, until the server closes; what
 * `websocat` is for a WebSocket URL, for a WebSocket served on a pipe.
 *
 * @module
 */
import { PipeHttpClient, type PipeWebSocket } from "@winpipe/http";
import { LineDecoderStream } from "@winpipe/streams";
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, jsonData, printJson } from "../data.ts";
import type { CliEnvironment } from "../environment.ts";
import { UsageError } from "../exit_codes.ts";
import { headerPairs } from "../http_headers.ts";
import { numberOption, type OptionValues } from "../options.ts";

/** Close codes that end a session well: a normal closure, a server going away, a close frame with no code. */
const GOOD_CLOSES = new Set([1000, 1001, 1005]);

/** The WebSocket ended badly: closed with another code, or without a closing handshake (exit code 1). */
export class WebSocketClosedError extends Error {
  constructor(event: CloseEvent) {
    super(
      event.code === 1006
        ? "the WebSocket ended without a closing handshake (1006)"
        : `the server closed the WebSocket with ${event.code}${
          event.reason ? ` (${JSON.stringify(event.reason)})` : ""
        }`,
    );
    this.name = "WebSocketClosedError";
  }
}

export const ws: Command = {
  name: "ws",
  usage: 'ws NAME [PATH|URL] [-H "NAME: VALUE"]... [--protocol P]... [--count N] [--json] [--wait] [--timeout MS]',
  summary: "open a WebSocket to a server on a pipe: send standard input's lines, print what comes (pipeWebSocket)",
  details: [
    "PATH is the handshake's path (default /), or a ws:// (or http://) URL whose host goes in the Host field.",
    "Each line of standard input goes as a text message; each message that comes is printed, a text on its own",
    "line, a binary one as its bytes. When standard input ends the WebSocket stays open for what the server still",
    "sends, until the server closes it; --count N closes it (1000) once N messages came; Ctrl+C closes it at once.",
    "A close with another code than 1000, 1001 or none, or no closing handshake, exits 1.",
    "--json: events on standard output, one per line: open (with the subprotocol), message ({ text } or",
    "{ base64 }), close (code, reason, wasClean).",
  ],
  options: ["header", "protocol", "count", "json", "wait", "timeout"],
  positionals: [1, 2],
  async run([given, path = "/"], values, env) {
    const name = fullPipeName(given);
    if (!path.startsWith("/") && !/^(wss?|https?):\/\//i.test(path)) {
      throw new UsageError(`ws: PATH must start with / or be a ws:// URL: got ${JSON.stringify(path)}`);
    }
    const headers = headerPairs(values.header ?? []);
    const count = numberOption(values, "count", 1, 0x7fffffff, Infinity);
    const { timeout, signal, waitForCreation } = waitOptions(values, env);
    using client = new PipeHttpClient(env.pipes, { maxIdlePerPipe: 0 });
    let socket: PipeWebSocket;
    try {
      socket = client.webSocket(name, path, {
        protocols: values.protocol ?? [],
        headers,
        connectTimeout: timeout,
        waitForCreation,
        signal,
      });
    } catch (err) {
      // A URL or subprotocol pipeWebSocket refuses is a mistake on the command line.
      if (err instanceof DOMException && err.name === "SyntaxError") throw new UsageError(`ws: ${err.message}`);
      throw err;
    }
    const close = await session(socket, count, values, env);
    if (env.interrupted?.aborted) throw new DOMException("interrupted", "AbortError");
    if (!close.wasClean || !GOOD_CLOSES.has(close.code)) throw new WebSocketClosedError(close);
  },
};

/**
 * The socket's life: its events printed in order, standard input's lines
 * sent once it is open, closed after `count` messages or on Ctrl+C.
 * Resolves with its close event; rejects with why it failed to open or
 * failed (the PipeError of a missing pipe, the server's refusal).
 */
async function session(
  socket: PipeWebSocket,
  count: number,
  values: OptionValues,
  env: CliEnvironment,
): Promise<CloseEvent> {
  socket.binaryType = "arraybuffer";
  // Standard output is written in the order the events came.
  let printed = Promise.resolve();
  const print = (write: () => Promise<void>) => void (printed = printed.then(write));
  let received = 0;
  let failure: unknown;
  const opened = new Promise<boolean>((resolve) => {
    socket.addEventListener("open", () => resolve(true));
    socket.addEventListener("close", () => resolve(false));
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  socket.addEventListener("open", () => {
    const protocol = socket.protocol;
    print(() =>
      values.json
        ? printJson(env, { event: "open", url: socket.url, protocol })
        : Promise.resolve(env.stderr(`winpipe: connected to ${socket.url}${protocol ? ` (${protocol})` : ""}`))
    );
  });
  socket.addEventListener("message", (event) => {
    const data: string | ArrayBuffer = event.data;
    print(() => {
      if (values.json) {
        return printJson(env, {
          event: "message",
          ...(typeof data === "string" ? { text: data } : jsonData(new Uint8Array(data))),
        });
      }
      return env.stdout(typeof data === "string" ? data + "\n" : new Uint8Array(data));
    });
    if (++received >= count) socket.close(1000);
  });
  socket.addEventListener("error", (event) => (failure = (event as ErrorEvent).error));
  const interrupt = () => socket.close(1000);
  env.interrupted?.addEventListener("abort", interrupt, { once: true });
  // Standard input's lines, once the socket is open; stdin may outlive the socket (a terminal): not awaited.
  void opened.then(async (open) => {
    if (!open) return;
    const lines = byteStream(env.stdin()).pipeThrough(new LineDecoderStream());
    for await (const line of lines) {
      if (socket.readyState !== socket.OPEN) break;
      socket.send(line);
    }
  }).catch((err) => {
    // Standard input failed (its bytes not UTF-8 lines): the session ends with it.
    failure ??= err;
    socket.close(1000);
  });
  try {
    const close = await closed;
    await printed;
    if (failure !== undefined && !env.interrupted?.aborted) throw failure;
    if (values.json) {
      await printJson(env, { event: "close", code: close.code, reason: close.reason, wasClean: close.wasClean });
    }
    return close;
  } finally {
    env.interrupted?.removeEventListener("abort", interrupt);
  }
}

/** An async iterable of bytes as a ReadableStream (`ReadableStream.from`, which bun-types does not declare). */
function byteStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const source = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await source.return?.();
    },
  });
}
