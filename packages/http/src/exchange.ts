/**
 * {@linkcode Exchange}: the state of one request and its response on a
 * connection of the HTTP server.
 *
 * @module
 */
import type { BodyDecoder } from "./body_in.ts";
import type { ChunkReader } from "./body_out.ts";
import type { ConnReader } from "./reader.ts";
import { settlesAtOnce } from "./settles_at_once.ts";

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
  readonly #reader: ConnReader;
  readonly #signal: AbortSignal;
  #watching = false;
  /** The handler's answer, once the server waits for it. */
  #answer: Promise<unknown> | undefined;
  /** The response body is written from a stream that may go on: its writer waits for it. */
  #streaming = false;

  /**
   * Waits for the handler's `answer`; if it does not settle at once, the
   * server now waits for the handler, and the watch starts. A request body
   * not read to its end yet starts it at its end instead, if the handler
   * does not answer at once then ({@linkcode Exchange.bodyEnded}).
   */
  async awaitAnswer<T>(answer: Promise<T>): Promise<T> {
    this.#answer = answer;
    const bodyRead = this.decoder.done;
    if (!(await settlesAtOnce(answer)) && bodyRead) this.watchClient();
    return await answer;
  }

  /** The response body comes from a stream that may take its time: the server waits for it. */
  streamResponse(): void {
    this.#streaming = true;
    this.watchWhileWaiting();
  }

  /**
   * The request body was read to its end. The watch starts now if the
   * server is waiting on something that takes its time: a handler that does
   * not answer at once after reading the body, or a response stream; a
   * handler that answers at once after reading it starts none.
   */
  bodyEnded(): void {
    const answer = this.#answer;
    if (answer === undefined || this.#streaming) {
      this.watchClient();
      return;
    }
    void settlesAtOnce(answer).then((settled) => {
      if (!settled || this.#streaming) this.watchClient();
    });
  }

  /**
   * The server now waits for the handler or for its response body, and the
   * client may go away meanwhile: the watch starts, once the request body
   * has all been read (a body still being read starts it at its end). An
   * exchange that never waits (a handler that answered at once, with a body
   * already there) starts none: its response is written first and the
   * connection's next read, the next request's, comes after it, off the
   * path from a request to its response (under Wine a read that stays
   * pending costs a wineserver request; docs/http.md).
   */
  watchWhileWaiting(): void {
    if (this.decoder.done) this.watchClient();
  }

  /**
   * A read stays pending on the connection: its data is the next request
   * (kept), its end means the client went away, which aborts the request's
   * signal and cancels a response still being produced (otherwise a stream
   * that never ends would hold the connection). The watch ends when the
   * next bytes arrive, even when the server's loop takes them first.
   */
  watchClient(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#reader.waitForArrival(this.#signal).then((more) => {
      if (!more) this.clientGone();
    }, () => this.clientGone());
  }

  clientGone(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort(new DOMException("the client closed the connection", "AbortError"));
    void this.responseBody?.cancel(this.abort.signal.reason).catch(() => {});
  }

  /** `reader`: the connection's; `signal`: cancels the watch's read (the connection's timers). */
  constructor(decoder: BodyDecoder, reader: ConnReader, signal: AbortSignal) {
    this.decoder = decoder;
    this.#reader = reader;
    this.#signal = signal;
  }
}
