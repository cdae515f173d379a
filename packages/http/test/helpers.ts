/**
 * What the @winpipe/http suites share: the backend they run on (the model,
 * or kernel32 through a runtime package), and raw exchanges over a pipe.
 *
 * @module
 */
import type { PipeConnection, PipeKernel, Winpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import type { RegisterTest } from "@winpipe/testing";
import { createHttp, type WinpipeHttp } from "@winpipe/http";

export type { RegisterTest };

/** Where a suite runs. */
export interface HttpBackend {
  /** "model", "kernel32-deno", "kernel32-bun". */
  name: string;
  /** The winpipe API the suite uses (one per backend: kernel32's pool and the model's namespace are shared). */
  pipes: Winpipe;
  /** serveHttp and pipeFetch bound to `pipes`. */
  http: WinpipeHttp;
  /** Bytes each way in the big-body tests: 1 GiB on the model, less where a byte costs a wineserver round trip. */
  bigBodyBytes: number;
}

/** A backend over `pipes`; `http` defaults to createHttp(pipes) (a runtime package passes its own exports). */
export function backend(name: string, pipes: Winpipe, bigBodyBytes: number, http?: WinpipeHttp): HttpBackend {
  return { name, pipes, http: http ?? createHttp(pipes), bigBodyBytes };
}

let counter = 0;
/** A pipe name no other test uses. */
export function uniqueName(what: string): string {
  return String.raw`\\.\pipe\winpipe-http-test-` + `${what}-${Date.now().toString(36)}-${++counter}-` +
    Math.random().toString(36).slice(2, 8);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

/** Text as bytes, each character one byte (the corpus holds bytes above 0x7F as \xNN). */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Connects to `name`, writes `request` (ignoring a failed write: the
 * server may close first), and reads until the server closes the
 * connection or `until` says the bytes so far are enough. Resolves with
 * what came back, as Latin-1 text, and whether the server closed.
 * `gapMs` waits between the parts of a request, so that the server reads
 * them apart.
 */
export async function rawExchange(
  pipes: Winpipe,
  name: string,
  request: Uint8Array | Uint8Array[],
  until?: (text: string) => boolean,
  timeoutMs = 10_000,
  gapMs = 0,
): Promise<{ text: string; closed: boolean }> {
  await using conn = await pipes.connect(name, { timeout: 5000 });
  const signal = AbortSignal.timeout(timeoutMs);
  const parts = Array.isArray(request) ? request : [request];
  const writing = (async () => {
    for (const [i, part] of parts.entries()) {
      if (i > 0 && gapMs > 0) await delay(gapMs);
      await conn.write(part, { signal });
    }
  })().catch(() => {});
  let text = "";
  const buf = new Uint8Array(65536);
  let closed = false;
  for (;;) {
    if (until?.(text)) break;
    let result;
    try {
      result = await conn.read(buf, { signal });
    } catch (err) {
      if (signal.aborted) throw new Error(`no end after ${timeoutMs} ms; got ${JSON.stringify(text)}`, { cause: err });
      throw err;
    }
    if (result === null) {
      closed = true;
      break;
    }
    text += decoder.decode(buf.subarray(0, result.bytesRead));
  }
  await writing;
  return { text, closed };
}

/** The status codes of the responses in `text`, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** `promise`, or a rejection with the Error `what` after `ms`; the timer is cleared when `promise` settles. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A ReadableStream of `total` bytes of a pattern, in `chunk`-byte chunks made as they are pulled. */
export function patternStream(total: number, chunk = 65536): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      const out = new Uint8Array(n);
      for (let k = 0; k < n; k += 4096) out[k] = ((sent + k) / 4096) & 255;
      sent += n;
      controller.enqueue(out);
    },
  }, { highWaterMark: 0 });
}

/** Reads a body stream to its end, checking the pattern of {@linkcode patternStream}; resolves with its length. */
export async function countPattern(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of stream) {
    for (let k = (4096 - (total % 4096)) % 4096; k < chunk.length; k += 4096) {
      if (chunk[k] !== ((total + k) / 4096 & 255)) throw new Error(`wrong byte at ${total + k}`);
    }
    total += chunk.length;
  }
  return total;
}

/** A ReadableStream of the given chunks (ReadableStream.from, which bun-types does not declare yet). */
export function streamOf<T>(chunks: T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

/** A server that answers every request on a connection with `reply` (raw bytes), reading one head each time. */
export function rawServer(b: HttpBackend, name: string, reply: (request: string) => string | null) {
  const server = b.pipes.createServer(name);
  const serving = (async () => {
    for await (const conn of server) {
      void (async (c: PipeConnection) => {
        const buf = new Uint8Array(65536);
        let pending = "";
        try {
          for (;;) {
            const r = await c.read(buf);
            if (r === null) break;
            pending += new TextDecoder("latin1").decode(buf.subarray(0, r.bytesRead));
            const end = pending.indexOf("\r\n\r\n");
            if (end === -1) continue;
            const text = reply(pending.slice(0, end));
            pending = pending.slice(end + 4);
            if (text === null) break;
            await c.write(bytes(text));
          }
        } catch {
          // the client went away
        } finally {
          c.close();
        }
      })(conn);
    }
  })();
  return {
    [Symbol.asyncDispose]: async () => {
      server.close();
      await serving;
    },
  };
}

/**
 * The model behind two APIs: one that records the calls named `read` and
 * `write` (and each write's length), and one that does not.
 */
export function recordedModel(): { recorded: PipeKernel; plain: PipeKernel; calls: string[]; writes: number[] } {
  const plain = createModelKernel();
  const calls: string[] = [];
  const writes: number[] = [];
  const recorded = new Proxy(plain, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      if (key !== "read" && key !== "write") return value.bind(target);
      return (...args: unknown[]) => {
        calls.push(key);
        if (key === "write") writes.push((args[1] as Uint8Array).length);
        return value.apply(target, args);
      };
    },
  }) as PipeKernel;
  return { recorded, plain, calls, writes };
}
