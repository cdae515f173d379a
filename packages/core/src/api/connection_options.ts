/**
 * The options of {@linkcode PipeConnection}'s whole-message calls:
 * readMessage, transact and transactSync.
 *
 * @module
 */
import type { SignalOptions } from "./signals.ts";

/**
 * Options of {@linkcode PipeConnection.readMessage}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ReadMessageOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\limits`;
 * await using server = createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await connect(name);
 * await using conn = await accepted;
 * await client.write(new Uint8Array(100));
 * const options: ReadMessageOptions = { maxSize: 10 };
 * await conn.readMessage(options).catch((err) => err.name); // "RangeError": read and discarded
 * ```
 */
export interface ReadMessageOptions extends SignalOptions {
  /**
   * The largest message accepted, in bytes. A larger message is read and
   * discarded (so the next read starts at a message boundary) and the call
   * throws a RangeError. Default 16 MiB.
   */
  maxSize?: number;
}

/**
 * Options of {@linkcode PipeConnection.transact}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type TransactOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\transact-options`;
 * await using server = createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await connect(name, { readMode: "message" });
 * await using conn = await accepted;
 * const serving = conn.readMessage().then(() => conn.write(new Uint8Array([1])));
 * const options: TransactOptions = { maxReplySize: 1024, signal: AbortSignal.timeout(5000) };
 * await client.transact(new Uint8Array([0]), options); // Uint8Array [1]
 * await serving;
 * ```
 */
export interface TransactOptions extends SignalOptions {
  /** The largest reply accepted, in bytes; as {@linkcode ReadMessageOptions.maxSize}. Default 16 MiB. */
  maxReplySize?: number;
}

/**
 * Options of {@linkcode PipeConnection.transactSync} (no signal: a
 * synchronous call cannot be aborted from the thread it blocks).
 *
 * @example
 * ```ts
 * import type { TransactSyncOptions } from "@winpipe/core";
 * const options: TransactSyncOptions = { maxReplySize: 4096 };
 * options.maxReplySize; // 4096
 * ```
 */
export interface TransactSyncOptions {
  /** The largest reply accepted, in bytes; as {@linkcode ReadMessageOptions.maxSize}. Default 16 MiB. */
  maxReplySize?: number;
}
