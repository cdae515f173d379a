/**
 * What the profiles that bypass winpipe share whatever runtime binds
 * kernel32 for them: the Win32 values and strings they pass, and the one call of the
 * bare throughput profiles (deno_bare_throughput.ts, bun_bare_throughput.ts),
 * written once over the runtime's FFI functions: a ReadFile or WriteFile on an overlapped handle attached to a
 * completion port with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, one call at a
 * time. A call that pends is watched in memory (its status in the
 * OVERLAPPED, SwitchToThread between looks, and a turn of the event loop
 * before each look unless spinning), then its packet removed: kernel32's
 * asynchronous pattern without winpipe's layers.
 *
 * @module
 */
import process from "node:process";

export const PIPE_ACCESS_DUPLEX = 3, FILE_FLAG_OVERLAPPED = 0x4000_0000;
export const PIPE_TYPE_BYTE = 0, PIPE_TYPE_MESSAGE = 4, PIPE_READMODE_MESSAGE = 2;
export const GENERIC_RW = 0xc000_0000, OPEN_EXISTING = 3;
export const ERROR_IO_PENDING = 997, ERROR_PIPE_CONNECTED = 535, ERROR_BROKEN_PIPE = 109;
export const STATUS_PENDING = 0x103, STATUS_PIPE_BROKEN = 0xc000_014b;
export const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;

/**
 * The size of each WriteFile and ReadFile of the bare throughput profiles: 64 KiB (the bench's
 * throughput-64k), or `BARE_CHUNK_KIB` KiB from the environment (256: the streams' gathered writes
 * and grown reads, docs/benchmarks.md, fourteenth round).
 */
export const BARE_CHUNK = Number(process.env.BARE_CHUNK_KIB ?? 64) * 1024;
/** The chunks of the `streams` mode's writer: 64 KiB, the bench's streams-64k, gathered into calls of BARE_CHUNK. */
export const STREAM_CHUNK = 64 * 1024;
/**
 * How a bare throughput profile moves its data: `spin` (a pending call watched
 * in a loop) or `turns` (once per turn of the event loop); `copies` and
 * `streams` are `turns` with winpipe's two copies, or through the thinnest
 * WHATWG streams ({@linkcode BareCalls.readSide}, {@linkcode BareCalls.writeSide}).
 */
export type BareMode = "spin" | "turns" | "copies" | "streams";
/** The pipe buffers of the bare throughput profiles: 64 KiB, as the bench's, whatever the call size. */
export const BARE_PIPE_BUFFER = 64 * 1024;

/** `text` as a NUL-terminated UTF-16 string, for the `W` functions. */
export function wide(text: string): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(new ArrayBuffer((text.length + 1) * 2));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The kernel32 functions a bare call makes, with the runtime's type of HANDLE (`H`). */
export interface BareFunctions<H> {
  ReadFile(file: H, buffer: Uint8Array, length: number, transferred: null, overlapped: Uint8Array): number;
  WriteFile(file: H, buffer: Uint8Array, length: number, transferred: null, overlapped: Uint8Array): number;
  GetLastError(): number;
  GetQueuedCompletionStatusEx(
    port: H,
    entries: Uint8Array,
    count: number,
    removed: Uint32Array,
    milliseconds: number,
    alertable: number,
  ): number;
  SwitchToThread(): number;
}

/** The functions {@linkcode waitForClient} calls. */
export interface ConnectFunctions<H> {
  ConnectNamedPipe(pipe: H, overlapped: Uint8Array): number;
  GetLastError(): number;
  WaitForSingleObject(handle: H, milliseconds: number): number;
}

/**
 * Waits, blocking, for a client of the overlapped pipe `pipe` (the connect
 * is not measured): an OVERLAPPED whose hEvent is `event`, whose value as a
 * HANDLE is `eventValue`.
 */
export function waitForClient<H>(k32: ConnectFunctions<H>, pipe: H, event: H, eventValue: bigint): void {
  const connecting = new Uint8Array(new ArrayBuffer(32));
  new DataView(connecting.buffer).setBigUint64(24, eventValue, true);
  if (!k32.ConnectNamedPipe(pipe, connecting)) {
    const error = k32.GetLastError();
    if (error === ERROR_IO_PENDING) k32.WaitForSingleObject(event, 0xffff_ffff);
    else if (error !== ERROR_PIPE_CONNECTED) throw new Error(`ConnectNamedPipe: Win32 error ${error}`);
  }
}

/**
 * One process's bare calls: its OVERLAPPED (one call in flight at a time),
 * and how many of the calls pended.
 *
 * @example
 * ```ts ignore
 * const calls = new BareCalls(k32, () => new Promise((resolve) => setImmediate(resolve)));
 * const n = await calls.call("ReadFile", handle, port, buffer); // bytes, or null at the end of the data
 * ```
 */
export class BareCalls<H> {
  /** How many calls returned ERROR_IO_PENDING. */
  pended = 0;
  readonly #k32: BareFunctions<H>;
  /** A turn of the event loop before each look at a pending call; undefined: look in a loop (spin). */
  readonly #nextTurn: (() => Promise<void>) | undefined;
  readonly #overlapped = new Uint8Array(new ArrayBuffer(32));
  readonly #view = new DataView(this.#overlapped.buffer);
  readonly #entries = new Uint8Array(new ArrayBuffer(16 * 4));
  readonly #removed = new Uint32Array(new ArrayBuffer(4));

  constructor(k32: BareFunctions<H>, nextTurn: (() => Promise<void>) | undefined) {
    this.#k32 = k32;
    this.#nextTurn = nextTurn;
  }

  /** One ReadFile or WriteFile of `buffer`; the bytes transferred, or null at the end of the data. */
  async call(op: "ReadFile" | "WriteFile", handle: H, port: H, buffer: Uint8Array): Promise<number | null> {
    const k32 = this.#k32, view = this.#view;
    this.#overlapped.fill(0);
    if (!k32[op](handle, buffer, buffer.length, null, this.#overlapped)) {
      const error = k32.GetLastError();
      if (error === ERROR_BROKEN_PIPE) return null;
      if (error !== ERROR_IO_PENDING) throw new Error(`${op}: Win32 error ${error}`);
      this.pended++;
      while (view.getUint32(0, true) === STATUS_PENDING) {
        if (this.#nextTurn !== undefined) await this.#nextTurn();
        k32.SwitchToThread();
      }
      // One call in flight per process: the packet is this one's.
      while (!k32.GetQueuedCompletionStatusEx(port, this.#entries, 4, this.#removed, 0xffff_ffff, 0)) { /* retry */ }
      const status = view.getUint32(0, true);
      if (status === STATUS_PIPE_BROKEN) return null;
      if (status !== 0) throw new Error(`${op}: NTSTATUS 0x${status.toString(16)}`);
    }
    return Number(view.getBigUint64(8, true));
  }

  /**
   * Reads until the end of the data through a WHATWG byte stream and its
   * default reader, as the thinnest streams binding over these calls would:
   * each pull reads into a fresh buffer of `size` bytes (the consumer keeps
   * its chunks, so their memory is new each time) and enqueues what came.
   * Returns the line {@linkcode BareCalls.readAll} prints.
   */
  async readAllThroughStream(handle: H, port: H, size: number): Promise<string> {
    return this.#line(await this.readThroughStream(handle, port, size));
  }

  /** {@linkcode BareCalls.readAllThroughStream}'s reads, measured (the bench's bare peer, streams-64k). */
  readThroughStream(handle: H, port: H, size: number): Promise<MeasuredReads> {
    const reader = new ReadableStream({
      type: "bytes",
      pull: async (controller) => {
        const buffer = new Uint8Array(new ArrayBuffer(size));
        const n = await this.call("ReadFile", handle, port, buffer);
        if (n === null) controller.close();
        else controller.enqueue(buffer.subarray(0, n));
      },
    }).getReader();
    return this.#measure(async () => {
      const next = await reader.read();
      return next.done ? null : next.value.length;
    });
  }

  /**
   * Writes `count` chunks of `chunk` bytes through a WHATWG WritableStream
   * as the thinnest gathering binding over these calls would: the sink
   * copies chunks into one of two buffers of `gather` bytes; a full one is
   * written while the producer fills the other, what was gathered goes as
   * soon as the kernel has nothing of ours, and the producer waits only when
   * both are busy (one call in flight, as here).
   */
  async writeAllThroughStream(handle: H, port: H, chunk: number, count: number, gather: number): Promise<void> {
    const buffers = [new Uint8Array(new ArrayBuffer(gather)), new Uint8Array(new ArrayBuffer(gather))];
    let filling = 0, length = 0, busy = false;
    let inFlight: Promise<void> = Promise.resolve();
    // Sends the buffer being filled (not empty, nothing in flight); once written, what gathered meanwhile goes too.
    const issue = () => {
      const bytes = buffers[filling].subarray(0, length);
      filling = 1 - filling;
      length = 0;
      busy = true;
      inFlight = this.call("WriteFile", handle, port, bytes).then(() => {
        busy = false;
        if (length > 0) issue();
      });
    };
    const writer = new WritableStream<Uint8Array>({
      write: async (bytes) => {
        while (length + bytes.length > gather) { // no room: the full buffer goes first
          if (busy) await inFlight;
          else issue();
        }
        buffers[filling].set(bytes, length);
        length += bytes.length;
        if (!busy && length + bytes.length > gather) issue(); // full, and the kernel has nothing of ours
      },
      close: async () => {
        while (busy || length > 0) {
          if (busy) await inFlight;
          else issue();
        }
      },
    }, new CountQueuingStrategy({ highWaterMark: 1 })).getWriter();
    const data = new Uint8Array(new ArrayBuffer(chunk));
    for (let i = 0; i < count; i++) {
      await writer.ready; // as pipeTo does
      writer.write(data).catch(() => {}); // a failure shows in close()
    }
    await writer.close();
  }

  /**
   * Reads into `buffer` until the end of the data, `each` given the size of
   * each read; the clock starts at the first data. Returns the line the
   * profiles print: MB/s and how many reads pended.
   */
  async readAll(handle: H, port: H, buffer: Uint8Array, each?: (bytesRead: number) => void): Promise<string> {
    return this.#line(await this.readMeasured(handle, port, buffer, each));
  }

  /** {@linkcode BareCalls.readAll}'s reads, measured (the bench's bare-calls peer). */
  readMeasured(handle: H, port: H, buffer: Uint8Array, each?: (bytesRead: number) => void): Promise<MeasuredReads> {
    return this.#measure(async () => {
      const n = await this.call("ReadFile", handle, port, buffer);
      if (n !== null) each?.(n);
      return n;
    });
  }

  /**
   * The reading side of a profile in `mode` (BARE_CHUNK at a time): into one
   * buffer (`spin`, `turns`), copied on into another (`copies`, as the API's
   * read does), or through the thinnest streams (`streams`). Returns the line
   * the profiles print.
   */
  readSide(mode: BareMode, handle: H, port: H): Promise<string> {
    if (mode === "streams") return this.readAllThroughStream(handle, port, BARE_CHUNK);
    const buffer = new Uint8Array(new ArrayBuffer(BARE_CHUNK));
    if (mode !== "copies") return this.readAll(handle, port, buffer);
    const delivered = new Uint8Array(new ArrayBuffer(BARE_CHUNK));
    return this.readAll(handle, port, buffer, (n) => delivered.set(buffer.subarray(0, n)));
  }

  /**
   * The writing side of a profile in `mode`: `mib` MiB in WriteFiles of
   * BARE_CHUNK from one buffer (`spin`, `turns`), from a copy taken before
   * each (`copies`, as kernel32.write does), or through the thinnest streams
   * in chunks of STREAM_CHUNK (`streams`). Returns the line the profiles print.
   */
  async writeSide(mode: BareMode, handle: H, port: H, mib: number): Promise<string> {
    const bytes = mib * 1024 * 1024;
    const cpu = process.cpuUsage();
    if (mode === "streams") {
      await this.writeAllThroughStream(handle, port, STREAM_CHUNK, bytes / STREAM_CHUNK, BARE_CHUNK);
    } else {
      const data = new Uint8Array(new ArrayBuffer(BARE_CHUNK));
      const copy = mode === "copies" ? new Uint8Array(new ArrayBuffer(BARE_CHUNK)) : undefined;
      for (let i = 0; i < bytes / BARE_CHUNK; i++) {
        copy?.set(data);
        await this.call("WriteFile", handle, port, copy ?? data);
      }
    }
    const used = process.cpuUsage(cpu), writes = bytes / (mode === "streams" ? STREAM_CHUNK : BARE_CHUNK);
    return `writer: ${this.pended} writes pended; CPU ${
      ((used.user + used.system) / writes).toFixed(0)
    } µs per write (${(used.user / writes).toFixed(0)} user)`;
  }

  /**
   * Takes reads from `next` (bytes, or null at the end) until the end; the
   * clock starts after the first, as the bench's readers start theirs.
   */
  async #measure(next: () => Promise<number | null>): Promise<MeasuredReads> {
    await next();
    const start = performance.now();
    const cpu = process.cpuUsage();
    let bytes = 0, reads = 0;
    for (let n; (n = await next()) !== null; reads++) bytes += n;
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return { bytes, seconds, reads, cpuMicros: used.user + used.system, userMicros: used.user };
  }

  /** The line the profiles print: MB/s, how many reads pended, and the process's CPU time per read. */
  #line({ bytes, seconds, reads, cpuMicros, userMicros }: MeasuredReads): string {
    return `${(bytes / 1e6 / seconds).toFixed(1)} MB/s; reader: ${this.pended} of ${reads} reads pended; ` +
      `CPU ${(cpuMicros / reads).toFixed(0)} µs per read (${(userMicros / reads).toFixed(0)} user)`;
  }
}

/** What a reading side measured: from the end of its first read to the end of the data. */
export interface MeasuredReads {
  /** Bytes read after the first read. */
  bytes: number;
  seconds: number;
  /** Reads after the first. */
  reads: number;
  /** The process's CPU time meanwhile (every thread), and the user part of it. */
  cpuMicros: number;
  userMicros: number;
}

/**
 * One byte pipe between two processes as the bare profiles and the bench's
 * bare peer (bench/peers/bare_peer.ts) make it, on a runtime's FFI (bare_kernel32.ts for
 * Deno, bun_bare_kernel32.ts for Bun): overlapped handles, 64 KiB pipe
 * buffers, each end on a completion port of its own.
 */
export interface BarePipes<H> {
  /** The runtime's bare calls, looking once per turn of the event loop (`spin`: in a loop). */
  calls(spin: boolean): BareCalls<H>;
  /** The server end of a new byte pipe `name` (one instance). */
  createServer(name: string): H;
  /** Waits, blocking, for a client of the server end `handle` (the connect is not measured). */
  waitForClient(handle: H): void;
  /** The client end of pipe `name`, tried every 2 ms until the pipe exists (for up to 30 s). */
  connect(name: string): Promise<H>;
  /** The completion port `handle` is attached to (its own). */
  attachToPort(handle: H): H;
  close(handle: H): void;
}

/** The kernel32 functions {@linkcode barePipesOver} calls, with the runtime's type of HANDLE (`H`). */
export interface PipeFunctions<H> extends BareFunctions<H>, ConnectFunctions<H> {
  CreateNamedPipeW(
    name: Uint16Array<ArrayBuffer>,
    openMode: number,
    pipeMode: number,
    maxInstances: number,
    outBufferSize: number,
    inBufferSize: number,
    defaultTimeout: number,
    security: null,
  ): H;
  CreateFileW(
    name: Uint16Array<ArrayBuffer>,
    access: number,
    share: number,
    security: null,
    disposition: number,
    flags: number,
    template: H,
  ): H;
  CreateEventW(security: null, manualReset: number, initialState: number, name: null): H;
  CreateIoCompletionPort(file: H, port: H, key: bigint, threads: number): H;
  SetFileCompletionNotificationModes(file: H, flags: number): number;
  CloseHandle(handle: H): number;
}

/** What {@linkcode barePipesOver} needs of a runtime besides its functions. */
export interface BareRuntime<H> {
  /** The NULL handle, as the runtime's FFI takes it. */
  none: H;
  /** A handle's value, unsigned (INVALID_HANDLE_VALUE is 0xffff_ffff_ffff_ffff). */
  value(handle: H): bigint;
  /** A turn of the event loop, as winpipe's polling phase takes it in that runtime. */
  nextTurn(): Promise<void>;
}

/** INVALID_HANDLE_VALUE, unsigned. */
const INVALID_HANDLE = 0xffff_ffff_ffff_ffffn;

/** {@linkcode BarePipes} over a runtime's kernel32 functions: written once for Deno and Bun. */
export function barePipesOver<H>(k32: PipeFunctions<H>, runtime: BareRuntime<H>): BarePipes<H> {
  const valid = (handle: H) => runtime.value(handle) !== INVALID_HANDLE;
  return {
    calls: (spin) => new BareCalls(k32, spin ? undefined : runtime.nextTurn),
    createServer(name) {
      const handle = k32.CreateNamedPipeW(
        wide(name),
        PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
        PIPE_TYPE_BYTE,
        1,
        BARE_PIPE_BUFFER,
        BARE_PIPE_BUFFER,
        0,
        null,
      );
      if (!valid(handle)) throw new Error(`CreateNamedPipeW: Win32 error ${k32.GetLastError()}`);
      return handle;
    },
    waitForClient(handle) {
      const event = k32.CreateEventW(null, 1, 0, null);
      waitForClient(k32, handle, event, runtime.value(event));
      k32.CloseHandle(event);
    },
    async connect(name) {
      const deadline = performance.now() + 30_000;
      for (;;) {
        const handle = k32.CreateFileW(
          wide(name),
          GENERIC_RW,
          0,
          null,
          OPEN_EXISTING,
          FILE_FLAG_OVERLAPPED,
          runtime.none,
        );
        if (valid(handle)) return handle;
        if (performance.now() > deadline) throw new Error(`CreateFileW ${name}: Win32 error ${k32.GetLastError()}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    // On a completion port of its own, with no packet for calls that complete at once, as the kernel32 layer does.
    attachToPort(handle) {
      const port = k32.CreateIoCompletionPort(handle, runtime.none, 0n, 0);
      k32.SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
      return port;
    },
    close: (handle) => void k32.CloseHandle(handle),
  };
}
