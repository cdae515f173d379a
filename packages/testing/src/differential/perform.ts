/**
 * Performing one operation of a sequence on a kernel, and describing its outcome as one line of text that both kernels must agree on.
 *
 * @module
 */
import { errorName, isPipeError } from "@winpipe/core";
import type { KernelHandle, PeekResult, PipeKernel, ReadData } from "@winpipe/core";

import type { DiffOp } from "./ops.ts";

/** FNV-1a over `bytes`, as 8 hex digits. */
export function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The bytes operation `index` writes: a pattern that differs between
 * operations, so misplaced data shows.
 *
 * @example
 * ```ts
 * import { writePattern } from "@winpipe/testing";
 * writePattern(3, 4); // Uint8Array [111, 118, 125, 132]
 * ```
 */
export function writePattern(index: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (index * 37 + i * 7 + (i >> 8)) & 0xff;
  return out;
}

export function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16);
}

export function pipeNameFor(prefix: string, pipe: number): string {
  return pipe < 0 ? `${prefix}-never` : `${prefix}-${pipe}`;
}

/** How a failed call reads in a trace: the Win32 error name, or what else it threw. */
export function errorOutcome(err: unknown): string {
  if (isPipeError(err)) return errorName(err.code);
  return `exception: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

function readOutcome(label: string, result: ReadData): string {
  return `${label} ${result.bytes.length}${result.messageComplete ? "" : " more"} #${checksum(result.bytes)}`;
}

function peekOutcome(result: PeekResult, buffer: Uint8Array | undefined): string {
  const copied = buffer === undefined
    ? ""
    : ` #${checksum(buffer.subarray(0, Math.min(result.bytesRead, buffer.length)))}`;
  return `peek read=${result.bytesRead} avail=${result.bytesAvailable} left=${result.bytesLeftInMessage}${copied}`;
}

/** An outcome now, or a promise of one (which never rejects: failures are outcomes too). */
export type Performed = string | Promise<string>;

/**
 * Performs `op` (operation number `index`) on `kernel`, with `handles` as
 * its slots. Synchronous calls give their outcome; waiting calls give a
 * promise of it.
 */
export function perform(
  kernel: PipeKernel,
  handles: (KernelHandle | undefined)[],
  op: DiffOp,
  index: number,
  pipeName: (pipe: number) => string,
): Performed {
  const sync = (fn: () => string): string => {
    try {
      return fn();
    } catch (err) {
      return errorOutcome(err);
    }
  };
  const async = <T>(call: () => Promise<T>, render: (value: T) => string): Promise<string> => {
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (err) {
      // Against the port's rules: waiting calls reject, they do not throw.
      return Promise.resolve(`exception: threw synchronously: ${errorOutcome(err)}`);
    }
    return promise.then((value) => {
      try {
        return render(value);
      } catch (err) {
        return errorOutcome(err);
      }
    }, errorOutcome);
  };
  switch (op.kind) {
    case "waitNamedPipe":
      return async(() => kernel.waitNamedPipe(pipeName(op.pipe), op.timeout), () => "ok");
    case "createNamedPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        handles[op.slot] = kernel.createNamedPipe({
          name: pipeName(op.pipe),
          openMode: op.openMode,
          pipeMode: op.pipeMode,
          maxInstances: op.maxInstances,
          outBufferSize: op.outBufferSize,
          inBufferSize: op.inBufferSize,
          defaultTimeout: op.defaultTimeout,
          inheritable: false,
        });
        return "ok";
      });
    case "openPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        const name = pipeName(op.pipe);
        handles[op.slot] = kernel.openPipe({
          name: op.upperCase ? name.replace("\\pipe\\", "\\PIPE\\") : name,
          access: op.access,
          inheritable: false,
        });
        return "ok";
      });
    case "createPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        handles[op.slot + 1] = undefined;
        const { read, write } = kernel.createPipe(op.bufferSize, false, false);
        handles[op.slot] = read;
        handles[op.slot + 1] = write;
        return "ok";
      });
  }
  const h = handles[op.slot];
  if (h === undefined) return "no handle";
  switch (op.kind) {
    case "close":
      handles[op.slot] = undefined;
      return sync(() => (kernel.close(h), "ok"));
    case "peek": {
      const buffer = op.size === null ? undefined : new Uint8Array(op.size);
      return sync(() => peekOutcome(kernel.peek(h, buffer), buffer));
    }
    case "setState":
      return sync(() => (kernel.setState(h, op.mode), "ok"));
    case "getState":
      return sync(() => {
        const s = kernel.getState(h);
        return `state mode=${hex(s.mode)} instances=${s.currentInstances}`;
      });
    case "getInfo":
      return sync(() => {
        const i = kernel.getInfo(h);
        return `info flags=${hex(i.flags)} out=${i.outBufferSize} in=${i.inBufferSize} max=${i.maxInstances}`;
      });
    case "disconnect":
      return sync(() => (kernel.disconnect(h), "ok"));
    case "cancelIo":
      return sync(() => (kernel.cancelIo(h), "ok"));
    case "connect":
      return async(() => kernel.connect(h), () => "connected");
    case "read":
      return async(() => kernel.read(h, op.size), (r) => readOutcome("read", r));
    case "write": {
      const data = writePattern(index, op.size);
      return async(() => kernel.write(h, data), (n) => `wrote ${n}`);
    }
    case "transact": {
      const input = writePattern(index, op.size);
      return async(() => kernel.transact(h, input, op.replySize), (r) => readOutcome("transact", r));
    }
    case "flush":
      return async(() => kernel.flush(h), () => "flushed");
  }
}
