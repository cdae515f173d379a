/**
 * {@linkcode readWholeMessage}: a message reassembled from the parts a
 * message read mode handle reads (ERROR_MORE_DATA), for readMessage and
 * transact.
 *
 * @module
 */
import { ERROR_BROKEN_PIPE } from "../constants.ts";
import { concatBytes } from "../concat_bytes.ts";
import { keepBytes } from "../keep_bytes.ts";
import { PipeError } from "../errors.ts";
import type { ReadData } from "../port.ts";

/**
 * The default limit of whole-message reads.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_MESSAGE_SIZE } from "@winpipe/core";
 * DEFAULT_MAX_MESSAGE_SIZE; // 16777216: readMessage, transact and callNamedPipe refuse larger ones
 * ```
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
/** The size of the first read of a message (and of later ones the kernel gives no size for). */
export const FIRST_CHUNK = 64 * 1024;

/** Where the parts of a message come from. */
export interface MessageSource {
  /** The pipe name, for errors. */
  readonly pipeName: string | undefined;
  /** Reads up to `length` bytes of the message; null at the end of the data. */
  read(length: number): Promise<ReadData | null>;
  /**
   * Reads as `read` does, except that the caller's signal does not cancel
   * it: to drop the rest of a message whose caller gave up on it.
   */
  readUncancelled(length: number): Promise<ReadData | null>;
  /** Whether the caller's signal has aborted. */
  readonly aborted: boolean;
  /** What the kernel reports is left of the current message (a size hint; 0 when it cannot tell). */
  restOfMessage(): number;
}

/**
 * The whole message whose first part is `first`: the rest read with
 * ReadFile until the kernel says the message is complete. The size the
 * kernel reports for the rest (PeekNamedPipe) only sizes the next read. A
 * message larger than `maxSize` is read and dropped, then a RangeError is
 * thrown. If the data ends before the message does (the writer was gone
 * in the middle of it), this throws a PipeError with ERROR_BROKEN_PIPE
 * whose `partialMessage` holds the bytes that did arrive. If the caller's
 * signal aborts a read of the rest, the rest is read and dropped before the
 * abort is thrown, so that the handle is at a message boundary again.
 */
export async function readWholeMessage(
  source: MessageSource,
  first: ReadData,
  maxSize: number,
  what: string,
  call: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts = [first];
  let total = first.bytes.length;
  let complete = first.messageComplete;
  while (!complete && total <= maxSize) {
    let part: ReadData | null;
    try {
      part = await source.read(Math.min(source.restOfMessage() || FIRST_CHUNK, maxSize + 1 - total));
    } catch (err) {
      if (source.aborted) {
        for (const part of parts) part.release?.();
        // The message has begun: the caller gave it up, but the next whole-message read must not get its tail.
        await discardMessage(source, true).catch(() => {});
      }
      throw err;
    }
    if (part === null) {
      throw new PipeError(ERROR_BROKEN_PIPE, call, {
        pipeName: source.pipeName,
        partialMessage: concat(parts, total),
        detail: `the ${what} ended after ${total} bytes, before it was complete`,
      });
    }
    parts.push(part);
    total += part.bytes.length;
    complete = part.messageComplete;
  }
  if (total > maxSize) {
    for (const part of parts) part.release?.();
    const size = complete ? total : total + source.restOfMessage();
    if (!complete) await discardMessage(source);
    throw new RangeError(`${what} of ${size} bytes exceeds the limit of ${maxSize} bytes`);
  }
  return concat(parts, total);
}

/** Reads and drops the rest of the current message (`uncancelled`: whatever the caller's signal does). */
async function discardMessage(source: MessageSource, uncancelled = false): Promise<void> {
  for (;;) {
    const part = await (uncancelled ? source.readUncancelled(FIRST_CHUNK) : source.read(FIRST_CHUNK));
    part?.release?.();
    if (part === null || part.messageComplete) return;
  }
}

/**
 * The bytes of `parts` (`total` of them) in one array that the caller can
 * keep: a single part as {@linkcode keepBytes} keeps it (its own buffer, or
 * a copy when it is small beside that buffer), several copied into one.
 * Parts that were copied are released to their backend.
 */
function concat(parts: readonly ReadData[], total: number): Uint8Array<ArrayBuffer> {
  if (parts.length === 1) return keepBytes(parts[0]);
  const whole = concatBytes(parts.map((part) => part.bytes), total);
  for (const part of parts) part.release?.();
  return whole;
}
