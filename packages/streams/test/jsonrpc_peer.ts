/**
 * {@linkcode JsonRpcPeer}: a JSON-RPC 2.0 endpoint built from nothing but
 * winpipe's framing (ContentLengthDecoderStream / JsonDecoderStream in,
 * JsonEncoderStream / ContentLengthEncoderStream out). The interop tests
 * put it against vscode-jsonrpc, in this process and in node.exe.
 *
 * @module
 */
import type { PipeConnection } from "@winpipe/core";
import {
  ContentLengthDecoderStream,
  ContentLengthEncoderStream,
  JsonDecoderStream,
  JsonEncoderStream,
  readableFrom,
  writableTo,
} from "../mod.ts";

/** A method of the peer: its result, or a thrown Error for an error response. */
export type JsonRpcHandler = (params: unknown, peer: JsonRpcPeer) => unknown;

interface JsonRpcMessage {
  jsonrpc: "2.0";
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A JSON-RPC error response, as an Error with its code. */
export class JsonRpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = "JsonRpcError";
  }
}

/** JSON-RPC over one connection, with the Content-Length framing of the LSP base protocol. */
export class JsonRpcPeer {
  /** The notifications received, in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Resolves when the other side's data has ended and every answer was sent. */
  readonly done: Promise<void>;
  readonly #handlers: Record<string, JsonRpcHandler>;
  readonly #writer: WritableStreamDefaultWriter<unknown>;
  readonly #sent: Promise<void>;
  readonly #waiting = new Map<number, { resolve(result: unknown): void; reject(err: Error): void }>();
  readonly #answering = new Set<Promise<void>>();
  #nextId = 1;

  constructor(conn: PipeConnection, handlers: Record<string, JsonRpcHandler>) {
    this.#handlers = handlers;
    const encoder = new JsonEncoderStream();
    // The handle stays open when this side is done writing: the test closes it.
    this.#sent = encoder.readable.pipeThrough(new ContentLengthEncoderStream()).pipeTo(
      writableTo(conn, { preventClose: true }),
    );
    this.#sent.catch(() => {});
    this.#writer = encoder.writable.getWriter();
    const messages = readableFrom(conn, { closeOnCancel: false })
      .pipeThrough(new ContentLengthDecoderStream())
      .pipeThrough(new JsonDecoderStream());
    this.done = this.#receive(messages);
  }

  async #receive(messages: ReadableStream<unknown>): Promise<void> {
    try {
      for await (const message of messages) this.#dispatch(message as JsonRpcMessage);
    } finally {
      for (const { reject } of this.#waiting.values()) reject(new Error("the connection ended before the response"));
      await Promise.all(this.#answering);
    }
  }

  #dispatch(message: JsonRpcMessage): void {
    if (typeof message.method === "string") {
      if (message.id === undefined) this.notifications.push({ method: message.method, params: message.params });
      else {
        const answering = this.#answer(message);
        this.#answering.add(answering);
        answering.finally(() => this.#answering.delete(answering));
      }
      return;
    }
    const waiting = this.#waiting.get(message.id as number);
    if (waiting === undefined) throw new Error(`a response to no request: ${JSON.stringify(message)}`);
    this.#waiting.delete(message.id as number);
    if (message.error) waiting.reject(new JsonRpcError(message.error.code, message.error.message));
    else waiting.resolve(message.result);
  }

  async #answer(request: JsonRpcMessage): Promise<void> {
    const handler = this.#handlers[request.method!];
    if (handler === undefined) {
      await this.#send({
        jsonrpc: "2.0",
        id: request.id,
        error: { code: -32601, message: `no method ${request.method}` },
      });
      return;
    }
    try {
      await this.#send({ jsonrpc: "2.0", id: request.id, result: await handler(request.params, this) ?? null });
    } catch (err) {
      await this.#send({ jsonrpc: "2.0", id: request.id, error: { code: -32603, message: String(err) } });
    }
  }

  #send(message: JsonRpcMessage): Promise<void> {
    return this.#writer.write(message);
  }

  /** Sends a request and resolves with its result (rejects with a JsonRpcError for an error response). */
  request(method: string, params?: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    this.#send({ jsonrpc: "2.0", id, method, params }).catch(() => {});
    return answer;
  }

  /** Stops sending (the connection stays open). */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#sent;
  }
}

/**
 * The methods the winpipe side serves in the interop tests: `sum`, `echo`,
 * and `callMeBack`, which first sends an `upper` request the other way.
 */
export const interopHandlers: Record<string, JsonRpcHandler> = {
  sum: (params) => (params as { values: number[] }).values.reduce((a, b) => a + b, 0),
  echo: (params) => params,
  callMeBack: async (params, peer) => ({ upper: await peer.request("upper", params) }),
};
