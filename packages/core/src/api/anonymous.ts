/**
 * Anonymous pipes (CreatePipe): a read end and a write end.
 *
 * @module
 */
import { requireBytes, requireChoice, requireOptions, requireSignal, validateBufferSize } from "../validate.ts";
import type { HandleContext } from "./handle_context.ts";
import { PipeHandle } from "./pipe_handle.ts";
import { processesOf } from "./process_capability.ts";
import type { SignalOptions } from "./signals.ts";
import { writeAll } from "./write_all.ts";

/** Why a kernel without processes (the model) cannot give a handle's value. */
const NO_HANDLE_VALUES = "has no handle values to pass to a child process (kernel32 has)";

/**
 * Which ends of an anonymous pipe a child process may inherit.
 *
 * @example
 * ```ts
 * import { createWinpipe, type Inheritable } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const inheritable: Inheritable = "writer"; // the write end is for a child process
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe({ inheritable });
 * ```
 */
export type Inheritable = "none" | "reader" | "writer" | "both";

/**
 * Options of {@linkcode createPipe}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type CreatePipeOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: CreatePipeOptions = { bufferSize: 65536 };
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe(options);
 * pipe.reader.info().inBufferSize; // 65536
 * ```
 */
export interface CreatePipeOptions {
  /**
   * The buffer size in bytes (nSize); 0 lets the system choose (4096). The
   * kernel rounds small sizes as it sees fit. Default 0.
   */
  bufferSize?: number;
  /** Which ends are inheritable by child processes (bInheritHandle). Default "none". */
  inheritable?: Inheritable;
}

/**
 * The read end of an anonymous pipe (read-only access).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new Uint8Array([7]));
 * pipe.writer.close();
 * const buf = new Uint8Array(8);
 * await pipe.reader.read(buf); // 1
 * await pipe.reader.read(buf); // null: every write end is closed
 * ```
 */
export class PipeReader extends PipeHandle {
  /**
   * A ReadableStream (type "bytes") of what this end reads; it ends once
   * every write end is closed. Made once (then cached) by the `streams`
   * factories given to createWinpipe; throws when none were given. See
   * `@winpipe/streams` (`readableFrom`).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * import { streams } from "@winpipe/streams";
   * const { createPipe } = createWinpipe(createModelKernel(), { streams });
   * using pipe = createPipe();
   * await pipe.writer.write(new TextEncoder().encode("hello"));
   * pipe.writer.close();
   * await new Response(pipe.reader.readable).text(); // "hello"
   * ```
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.cachedReadable();
  }

  /**
   * The handle's value, for a child process: an end made inheritable
   * (`inheritable` of createPipe) and passed to `spawn` in
   * `options.handles` has the same value in the child, which opens it with
   * `openInheritedHandle(value, "reader")` (as .NET's
   * `GetClientHandleAsString`). Throws once the handle is closed, and on a
   * kernel without processes (the model).
   *
   * @example
   * ```ts ignore
   * import { createPipe, spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * using pipe = createPipe({ inheritable: "reader" });
   * await using child = spawn("deno", ["run", "-A", "child.ts", String(pipe.reader.handleValue())], {
   *   handles: [pipe.reader],
   * });
   * pipe.reader.close(); // the child has its own copy now
   * ```
   */
  handleValue(): number {
    return processesOf(this.kernel, NO_HANDLE_VALUES).handleValue(this.kernelHandle);
  }

  /**
   * Reads into `buffer`
   * ([ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)).
   * Resolves with the number of bytes read once another process (or task) has
   * written, or null once every write end is closed and the data is consumed
   * (ERROR_BROKEN_PIPE). A `buffer` in shared memory (a SharedArrayBuffer's)
   * the kernel reads into directly, with no copy.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * await pipe.writer.write(new TextEncoder().encode("hi"));
   * const buf = new Uint8Array(16);
   * await pipe.reader.read(buf); // 2
   * pipe.writer.close();
   * await pipe.reader.read(buf); // null: the end of the data
   * ```
   */
  async read(buffer: Uint8Array, options?: SignalOptions): Promise<number | null> {
    requireBytes(buffer, "buffer");
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    return (await this.readInto(buffer, signal))?.bytesRead ?? null;
  }

  /**
   * Reads into `buffer` in the calling thread
   * ([ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile))
   * and returns the number of bytes read, or null once every write end is
   * closed and the data is consumed. **It blocks the event loop** until data
   * arrives, so the writer must be another thread or process (the model, in
   * this thread, throws an Error instead of waiting).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * pipe.writer.writeSync(new TextEncoder().encode("hi"));
   * const buf = new Uint8Array(16);
   * pipe.reader.readSync(buf); // 2
   * pipe.writer.close();
   * pipe.reader.readSync(buf); // null: the end of the data
   * ```
   */
  readSync(buffer: Uint8Array): number | null {
    requireBytes(buffer, "buffer");
    return this.readIntoSync(buffer)?.bytesRead ?? null;
  }
}

/**
 * The write end of an anonymous pipe (write-only access).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new TextEncoder().encode("hello"));
 * ```
 */
export class PipeWriter extends PipeHandle {
  /**
   * A WritableStream whose chunks this end writes (WriteFile per chunk);
   * closing it closes the handle, which ends the data for the reader. Made
   * once (then cached) by the `streams` factories given to createWinpipe;
   * throws when none were given. See `@winpipe/streams` (`writableTo`).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * import { streams } from "@winpipe/streams";
   * const { createPipe } = createWinpipe(createModelKernel(), { streams });
   * using pipe = createPipe({ bufferSize: 65536 });
   * await ReadableStream.from(["a", "b"]).pipeThrough(new TextEncoderStream()).pipeTo(pipe.writer.writable);
   * pipe.writer.closed; // true
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    return this.cachedWritable();
  }

  /**
   * The handle's value, for a child process: an end made inheritable
   * (`inheritable` of createPipe) and passed to `spawn` in
   * `options.handles` has the same value in the child, which opens it with
   * `openInheritedHandle(value, "writer")` (as .NET's
   * `GetClientHandleAsString`). Throws once the handle is closed, and on a
   * kernel without processes (the model).
   *
   * @example
   * ```ts ignore
   * import { createPipe, spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * using pipe = createPipe({ inheritable: "writer" });
   * await using child = spawn("deno", ["run", "-A", "child.ts", String(pipe.writer.handleValue())], {
   *   handles: [pipe.writer],
   * });
   * pipe.writer.close(); // the child has its own copy now
   * ```
   */
  handleValue(): number {
    return processesOf(this.kernel, NO_HANDLE_VALUES).handleValue(this.kernelHandle);
  }

  /**
   * Writes all of `data`
   * ([WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)).
   * Waits while the buffer is full until a reader makes room; fails with
   * ERROR_NO_DATA once the read end is closed. `data` in shared memory (a
   * SharedArrayBuffer's) the kernel writes from directly, with no copy, so
   * leave it unchanged until the write settles.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe({ bufferSize: 4 });
   * const writing = pipe.writer.write(new Uint8Array(10)); // more than the buffer: waits for the reader
   * await pipe.reader.read(new Uint8Array(10)); // 10: the reader takes from the pending write too
   * await writing;
   * ```
   */
  async write(data: Uint8Array, options?: SignalOptions): Promise<void> {
    requireBytes(data, "data");
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    await writeAll(this.kernel, this.kernelHandle, data, signal);
  }

  /**
   * Writes `data` in the calling thread
   * ([WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile))
   * and returns the bytes written (all of them). **It blocks the event
   * loop** until the kernel has taken the data: while the pipe's buffer is
   * full, until the reader makes room.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * pipe.writer.writeSync(new TextEncoder().encode("hello")); // 5
   * ```
   */
  writeSync(data: Uint8Array): number {
    requireBytes(data, "data");
    return this.kernel.writeSync(this.kernelHandle, data);
  }
}

/**
 * An anonymous pipe: `reader` and `writer`. Disposing it closes both ends
 * that are still open.
 *
 * @example
 * ```ts
 * import { createWinpipe, type AnonymousPipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * const pipe: AnonymousPipe = createPipe();
 * pipe[Symbol.dispose](); // closes both ends, as `using` does
 * pipe.reader.closed; // true
 * ```
 */
export interface AnonymousPipe extends Disposable {
  /** The read end. */
  readonly reader: PipeReader;
  /** The write end. */
  readonly writer: PipeWriter;
}

/**
 * Creates an anonymous pipe (CreatePipe) on `kernel`. Prefer the bound
 * `createPipe` of a runtime package or of {@linkcode createWinpipe}.
 */
export function createPipeOn(context: HandleContext, options?: CreatePipeOptions): AnonymousPipe {
  const opts = requireOptions<CreatePipeOptions>(options);
  const bufferSize = validateBufferSize(opts.bufferSize ?? 0, "bufferSize");
  const inheritable = requireChoice(opts.inheritable ?? "none", "inheritable", ["none", "reader", "writer", "both"]);
  const { read, write } = context.kernel.createPipe(
    bufferSize,
    inheritable === "reader" || inheritable === "both",
    inheritable === "writer" || inheritable === "both",
  );
  const reader = new PipeReader(context, read);
  const writer = new PipeWriter(context, write);
  return {
    reader,
    writer,
    [Symbol.dispose]() {
      reader.close();
      writer.close();
    },
  };
}
