/**
 * {@linkcode Exchange}: the state of one request and its response on a
 * connection of the HTTP server.
 *
 * @module
 */
import type { BodyDecoder } from "./body_in.ts";
import type { ChunkReader } from "./body_out.ts";
import type { ConnReader } from "./reader.ts";

/** The state of one request and its response. */
export class Exchange {
  /** Takes the request body off the connection. */
  readonly decoder: BodyDecoder;
  /** The client sent `Expect: 100-continue` with a body. */
  expectContinue = false;
  /** The body was read from the pipe (by the handler, or by the server dropping it). */
  bodyStarted = false;
  /** The server dropped the rest of the body after the response: the handler's stream may no longer read. */
  bodyDropped = false;
  /** The response head is being written: too late for 100 Continue. */
  responseStarted = false;
  /** The 100 Continue being written. */
  continueWrite?: Promise<void>;
  /** Why reading the request body failed: a malformed body is answered by the server, not the handler. */
  bodyError?: unknown;
  /** Aborts `request.signal` when the client goes away. */
  readonly abort = new AbortController();
  /** The response body being written, cancelled when the client goes away. */
  responseBody?: ChunkReader;
  #watching = false;

  /**
   * Once the request is read, a read stays pending on the connection: its
   * data is the next request (kept), its end means the client went away,
   * which aborts the request's signal and cancels a response still being
   * produced (otherwise a stream that never ends would hold the connection).
   * The watch ends when the next bytes arrive, even when the server's
   * loop takes them first.
   */
  watchClient(reader: ConnReader, signal: AbortSignal): void {
    if (this.#watching) return;
    this.#watching = true;
    reader.waitForArrival(signal).then((more) => {
      if (!more) this.clientGone();
    }, () => this.clientGone());
  }

  clientGone(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort(new DOMException("the client closed the connection", "AbortError"));
    void this.responseBody?.cancel(this.abort.signal.reason).catch(() => {});
  }

  constructor(decoder: BodyDecoder) {
    this.decoder = decoder;
  }
}
