/**
 * The shapes of operation where Wine 10 is known to differ from Windows, which the generator leaves out when the other side is kernel32 under Wine (each with its evidence in docs/wine-findings.md).
 *
 * @module
 */
import { PIPE_NOWAIT, PIPE_READMODE_MESSAGE, PIPE_TYPE_MESSAGE, PIPE_UNLIMITED_INSTANCES } from "@winpipe/core";
import { clientAccess, DUPLEX, INBOUND, OUTBOUND } from "@winpipe/core/internal";

import type { DiffOp, Exclusion } from "./ops.ts";

/**
 * The shapes kernel32 under Wine 10 handles differently from Windows, which
 * the generator leaves out when testing against it. Each id names its
 * evidence: a deviation in docs/behaviours.md's list or a finding in
 * docs/wine-findings.md.
 *
 * @example
 * ```ts
 * import { generateSequence, WINE_EXCLUSIONS } from "@winpipe/testing";
 * Object.keys(WINE_EXCLUSIONS).length > 0; // true: each backed by a finding (docs/wine-findings.md)
 * generateSequence(1, { exclusions: WINE_EXCLUSIONS }).length; // 30 (the default)
 * ```
 */
export const WINE_EXCLUSIONS: Readonly<Record<string, Exclusion>> = {
  /** docs/wine-findings.md W-S15: Wine lets a client without FILE_WRITE_ATTRIBUTES change its state. */
  "W-S15": ({ op, end }) => op.kind === "setState" && end?.role === "client" && !end.access.writeAttributes,
  /**
   * docs/behaviours.md, known Wine deviations (E40): a nonblocking write to a message
   * pipe with reads pending that does not fit: Windows writes 0 and leaves
   * the reads pending, Wine differs.
   */
  "E40": ({ op, end }) => {
    if (op.kind !== "write" || op.size === 0 || end === undefined || !end.nonblocking) return false;
    const instance = end.instance;
    if (instance === undefined || instance.state !== "connected" || !instance.pipe.messageType) return false;
    const queue = instance.writeQueue(end);
    if (!queue.hasReaders) return false;
    const waiting = queue.pendingReadBytes;
    return !(op.size <= waiting || op.size - waiting <= queue.quota);
  },
  /** docs/wine-findings.md W-A6: Wine reports PIPE_UNLIMITED_INSTANCES as 0xFFFFFFFF in GetNamedPipeInfo. */
  "W-A6": ({ op, end }) => op.kind === "getInfo" && end?.instance?.pipe.maxInstances === PIPE_UNLIMITED_INSTANCES,
  /** docs/wine-findings.md W-B14: Wine fails DisconnectNamedPipe on a listening instance with ERROR_PIPE_LISTENING. */
  "W-B14": ({ op, end }) => op.kind === "disconnect" && end?.role === "server" && end.instance?.state === "listening",
  /** docs/wine-findings.md W-I: Wine lets TransactNamedPipe start while a read is pending on the same end. */
  "W-I": ({ op, end }) => {
    if (op.kind !== "transact" || end === undefined) return false;
    const instance = end.instance;
    return instance !== undefined && instance.state === "connected" && instance.pipe.direction === DUPLEX &&
      end.messageReadMode && end.access.readData && end.access.writeData && instance.readQueue(end).hasReaders;
  },
  /** docs/wine-findings.md W-F46: Wine lets FlushFileBuffers through on a handle without write access. */
  "W-F46": ({ op, end }) => op.kind === "flush" && end !== undefined && !end.access.writeData,
  /**
   * docs/wine-findings.md W-A8: with no instance listening, Wine reports
   * ERROR_PIPE_BUSY before checking the client's access against the pipe's
   * direction.
   */
  "W-A8": ({ op, pipe }) => {
    if (op.kind !== "openPipe" || pipe === undefined || pipe.listening.length > 0) return false;
    const access = clientAccess(op.access);
    return (access.readData && pipe.direction === INBOUND) || (access.writeData && pipe.direction === OUTBOUND);
  },
  /**
   * docs/wine-findings.md W-A3: Wine refuses PIPE_TYPE_BYTE with
   * PIPE_READMODE_MESSAGE for a new instance of an existing name too.
   */
  "W-A3": ({ op, pipe }) =>
    op.kind === "createNamedPipe" && pipe !== undefined && (op.pipeMode & PIPE_TYPE_MESSAGE) === 0 &&
    (op.pipeMode & PIPE_READMODE_MESSAGE) !== 0,
  /**
   * docs/wine-findings.md W-A5: Wine gives every instance of a name the
   * buffer sizes of its first instance (quotas and GetNamedPipeInfo).
   */
  "W-A5": ({ op, pipeSizes }) =>
    op.kind === "createNamedPipe" && pipeSizes !== undefined &&
    (op.inBufferSize !== pipeSizes.inBufferSize || op.outBufferSize !== pipeSizes.outBufferSize),
  /** docs/wine-findings.md W-B10: Wine fails DisconnectNamedPipe on a client end with ERROR_NOT_SUPPORTED. */
  "W-B10": ({ op, end }) => op.kind === "disconnect" && end?.role === "client",
  /**
   * docs/wine-findings.md W-B18: Wine completes a pending ConnectNamedPipe
   * with ERROR_HANDLES_CLOSED (676) when its handle is closed.
   */
  "W-B18": ({ op, end }) =>
    op.kind === "close" && end?.role === "server" && (end.instance?.pendingConnects.length ?? 0) > 0,
  /**
   * docs/wine-findings.md W-G53: Wine fails an end's own pending writes
   * and flushes when its last handle closes, and drops their data.
   */
  "W-G53": ({ op, pending }) => op.kind === "close" && pending.some((p) => p.kind === "write" || p.kind === "flush"),
  /**
   * docs/wine-findings.md W-G53b (not settled): when a close or disconnect
   * fails two or more pending writes into one queue, Wine may complete a
   * later one instead.
   */
  "W-G53b": ({ op, pending, peerPending }) => {
    const writes = (list: DiffOp[]) => list.filter((p) => p.kind === "write").length;
    if (op.kind === "close") return writes(peerPending) >= 2;
    if (op.kind === "disconnect") return writes(pending) >= 2 || writes(peerPending) >= 2;
    return false;
  },
  /**
   * docs/wine-findings.md W-F46b: Wine's FlushFileBuffers also waits for
   * data written after it started; NPFS completes it once what was written
   * before it has been read.
   */
  "W-F46b": ({ op, pending }) =>
    (op.kind === "write" || op.kind === "transact") && pending.some((p) => p.kind === "flush"),
  /**
   * docs/wine-findings.md W-I64: Wine charges a TransactNamedPipe request
   * to the buffer quota, so writes behind it wait where Windows lets them
   * through.
   */
  "W-I64": ({ op, transactData }) => op.kind === "write" && op.size > 0 && transactData,
  /**
   * docs/wine-findings.md W-I64b: Wine completes a byte-read-mode read that
   * gets only part of a TransactNamedPipe request as complete; Windows
   * reports ERROR_MORE_DATA (NPFS writes a request in message mode).
   */
  "W-I64b": ({ op, end }) => {
    if (op.kind !== "transact" || op.size === 0 || end?.instance === undefined) return false;
    const peer = end.instance.peer(end);
    return end.instance.writeQueue(end).hasReaders && peer !== undefined && !peer.messageReadMode;
  },
  /**
   * docs/wine-findings.md W-S20: a blocking write still pending when its end
   * switches to PIPE_NOWAIT completes under Wine with what was read of it
   * so far, and the rest of its data is lost.
   */
  "W-S20": ({ op, pending }) =>
    op.kind === "setState" && (op.mode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) === 0 &&
    (op.mode & PIPE_NOWAIT) !== 0 && pending.some((p) => p.kind === "write"),
  /**
   * docs/wine-findings.md W-D33: a byte-read-mode read on a message pipe
   * that takes all the data and has room left leaves a trailing zero-length
   * message in the pipe under Wine; NPFS consumes it.
   */
  "W-D33": ({ op, end, zeroLengthQueued }) => {
    if (op.kind !== "read" || !zeroLengthQueued || end?.instance === undefined) return false;
    return !end.messageReadMode && end.instance.pipe.messageType &&
      op.size > end.instance.readQueue(end).bytesAvailable;
  },
};
