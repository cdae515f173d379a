/**
 * How the kernel32 layer waits for a call without blocking the event loop,
 * and keeps its error code right under concurrency (GetLastError is per
 * thread): {@linkcode overlappedIo} for overlapped handles (the call on the
 * main thread, its completion through the port), {@linkcode offThreadCall}
 * for synchronous handles and for calls with no overlapped form (the NT
 * call off the main thread, its NTSTATUS as the result). The operation's
 * record holds every buffer the kernel may write until it is done with it.
 * docs/kernel32.md ("Error codes under concurrency", "Waiting without
 * blocking the event loop", "Memory the kernel writes later") explains why.
 *
 * @module
 */
import { ERROR_IO_PENDING, ERROR_NOT_FOUND, ERROR_OPERATION_ABORTED, errorBehaviour, PipeError } from "@winpipe/core";
import type { ReadData } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import type { Kernel32Handle } from "./handle.ts";
import { type Completion, PendingOperation } from "./pending_operation.ts";
import type { Session } from "./session.ts";
import { information, ioStatusBlock, struct } from "./structs.ts";
import { keepUntilHere } from "./win32.ts";

/**
 * What is passed for an empty buffer: some runtimes (Bun) refuse a pointer to
 * an empty typed array, so a zero length goes with this one byte, which the
 * kernel never touches.
 */
export const EMPTY: Uint8Array<ArrayBuffer> = struct(1);

/** The two forms of one I/O call (see the module documentation). */
export interface IoForms {
  /** The NT call behind it, on a synchronous handle: resolves with its NTSTATUS. */
  synchronous(lib: Win32Library, native: number, iosb: Uint8Array<ArrayBuffer>): Promise<number>;
  /** The Win32 call with an OVERLAPPED: returns its BOOL. */
  overlapped(lib: Win32Library, native: number, overlapped: Uint8Array<ArrayBuffer>): number;
}

/**
 * One I/O call on `handle` (whose native value is `native`) in the form its
 * handle takes; `keep` holds the buffers the kernel uses until it is done
 * with them. Not an async function, nor is {@linkcode overlappedIo}: while a
 * call is pending, each suspended async frame is memory held per pending
 * operation (docs/kernel32.md, "What a pending read holds in the JavaScript
 * heap"). A call that fails at once throws here; its caller turns that into
 * a rejection.
 */
export function io(
  session: Session,
  handle: Kernel32Handle,
  native: number,
  call: string,
  keep: readonly unknown[],
  signal: AbortSignal | undefined,
  forms: IoForms,
): Promise<Completion> {
  const { lib } = session;
  if (!handle.overlapped) {
    const iosb = ioStatusBlock();
    return offThreadCall(session, handle, call, iosb, keep, () => forms.synchronous(lib, native, iosb), signal);
  }
  const op = new PendingOperation(session.overlappeds.take(), keep);
  const ok = forms.overlapped(lib, native, op.overlapped);
  const code = ok ? 0 : lib.kernel32.GetLastError();
  return overlappedIo(session, handle, native, op, code, signal);
}

/**
 * The rest of an overlapped call that returned Win32 `code` (0 for TRUE):
 * unless it is ERROR_IO_PENDING, the outcome is there at once (no thread
 * hop). Otherwise it comes through the completion port, and the operation
 * is its own outcome. On abort: CancelIoEx(handle, &overlapped). `handle`
 * is undefined for calls on handles that are not pipe handles (the pipe
 * file system of WaitNamedPipe).
 *
 * The OVERLAPPED of a call that succeeded at once goes back to the pool:
 * the kernel has stored its outcome and queues no packet for it
 * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS). One that failed at once is left
 * to the garbage collector: after a warning (ERROR_MORE_DATA) Windows may
 * still queue a packet naming it, and a reused record would take that
 * packet for its own (the port then looks again, but only as long as it
 * rechecks).
 */
export function overlappedIo(
  session: Session,
  handle: Kernel32Handle | undefined,
  native: number,
  op: PendingOperation,
  code: number,
  signal: AbortSignal | undefined,
): Promise<Completion> {
  if (code !== ERROR_IO_PENDING) {
    const information = op.storedInformation();
    if (code === 0) session.overlappeds.give(op.record);
    return Promise.resolve({ status: 0, code, information });
  }
  if (signal === undefined) return session.port.wait(op);
  return waitCancellable(session, handle, native, op, signal);
}

/** {@linkcode overlappedIo}'s wait for a pending operation that `signal` cancels. */
async function waitCancellable(
  session: Session,
  handle: Kernel32Handle | undefined,
  native: number,
  op: PendingOperation,
  signal: AbortSignal,
): Promise<Completion> {
  const onAbort = () => {
    // Once finished, the OVERLAPPED may be another operation's: cancelling by it would cancel that one.
    if (!op.finished && (handle === undefined || !handle.closed)) {
      session.lib.kernel32.CancelIoEx(native, op.overlapped);
    }
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await session.port.wait(op);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Runs an off-thread NT call that returns its NTSTATUS (I/O on a
 * synchronous handle, or a flush), once a slot is free. On abort: before
 * it started, it is not issued; after, CancelIoEx(handle, &iosb),
 * repeated until the call has reached the kernel. With `detachOnAbort`
 * the promise rejects at once when the kernel finds nothing to cancel (the
 * call then ends in the background). `keep` (with `iosb`) stays referenced
 * until the call has returned, also when the promise rejected before.
 */
export async function offThreadCall(
  session: Session,
  handle: Kernel32Handle,
  call: string,
  iosb: Uint8Array<ArrayBuffer>,
  keep: readonly unknown[],
  start: () => Promise<number>,
  signal: AbortSignal | undefined,
  detachOnAbort = false,
): Promise<Completion> {
  const { kernel32 } = session.lib;
  const queued = session.slots.take(
    signal,
    () => new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }),
  );
  if (queued !== undefined) await queued;
  let settled = false;
  let started: Promise<number>;
  try {
    started = start();
  } catch (err) {
    session.slots.release();
    throw err;
  }
  // Flushes on overlapped handles are left out: closing one does not wait for them.
  const counted = !handle.overlapped;
  if (counted) handle.callStarted();
  const promise = started.finally(() => {
    settled = true;
    if (counted) handle.callReturned();
    session.slots.release();
    // The call has returned: the kernel is done with the IO_STATUS_BLOCK and the buffers.
    keepUntilHere([iosb, keep]);
  });
  let onAbort = () => {};
  const detached = new Promise<never>((_, reject) => {
    onAbort = () => {
      const cancel = () => {
        if (settled || handle.closed) return;
        if (kernel32.CancelIoEx(handle.unsafeHandle, iosb)) return;
        if (kernel32.GetLastError() !== ERROR_NOT_FOUND) return;
        if (detachOnAbort) reject(new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }));
        // Not in the kernel yet (its thread has not started it): try again shortly.
        else session.lib.unrefTimer(setTimeout(cancel, 5));
      };
      cancel();
    };
  });
  detached.catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const status = (await Promise.race([promise, detached])) >>> 0;
    return { status, information: information(iosb) };
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** The Win32 code a completion reports: the one read at once, or its NTSTATUS converted. */
export function completionCode(session: Session, done: Completion): number {
  return done.code ?? session.dosError(done.status);
}

/**
 * The outcome of a ReadFile or TransactNamedPipe into `buffer` (from the
 * pool, or {@linkcode EMPTY}): its bytes, handed over now that the kernel is
 * done with them, and `release` to give the buffer back. ERROR_MORE_DATA is
 * a partial message, not an error; on a failure the buffer goes back at once.
 * With `pooled` false, `buffer` is the caller's shared memory: the bytes
 * are a view of it, and it goes nowhere.
 */
export function readData(
  session: Session,
  done: Completion,
  buffer: Uint8Array<ArrayBuffer>,
  call: "read" | "transact",
  name: string,
  handle: Kernel32Handle,
  pooled = true,
): ReadData {
  const code = completionCode(session, done);
  const complete = code === 0;
  if (!complete && errorBehaviour(call, code) !== "partial-message") {
    if (pooled && buffer !== EMPTY) session.buffers.give(buffer);
    throw new PipeError(code, name, { pipeName: handle.pipeName });
  }
  if (buffer === EMPTY) return { bytes: struct(0), messageComplete: complete };
  // The caller's shared memory: the bytes are in it, and nothing goes back to the pool.
  if (!pooled) return { bytes: buffer.subarray(0, done.information), messageComplete: complete };
  let released = false;
  return {
    bytes: buffer.subarray(0, done.information),
    messageComplete: complete,
    release: () => {
      if (released) return;
      released = true;
      session.buffers.give(buffer);
    },
  };
}
