/**
 * The program of the Bun backend's Workers: they run the calls that wait in
 * the kernel (GetQueuedCompletionStatusEx for the completion port,
 * NtFlushBuffersFile, and NtReadFile / NtWriteFile / NtFsControlFile on
 * synchronous handles) one at a time, blocking a worker's thread instead of
 * the main thread.
 *
 * The program has no file of its own: {@linkcode offThreadWorkerUrl} is a
 * Blob URL made from the source text of {@linkcode runOffThreadCalls}, so a
 * `bun build` bundle (or a `bun build --compile` executable) carries it
 * inside the main thread's code. A worker loaded from a file next to this
 * one would be missing from every bundle (Bun bundles a Worker's file only
 * when the user names it as an entry point).
 *
 * Protocol: the first message is the {@linkcode OffThreadSetup} (the
 * `bun:ffi` tables of the functions a worker runs), and the worker opens
 * its own copy of kernel32.dll and ntdll.dll with it. Every later message
 * is an {@linkcode OffThreadRequest} `{ id, name, args }` whose pointer
 * arguments are already addresses (the main thread keeps the memory
 * referenced until the reply); the worker calls `name(...args)` and posts
 * an {@linkcode OffThreadReply} `{ id, result }` (or `{ id, error }` if the
 * call threw). Only the result is used: GetLastError is per thread and is
 * never read here.
 *
 * @module
 */
import type { dlopen, FFIFunction } from "bun:ffi";

/** The first message: the `bun:ffi` tables of the functions a worker runs. */
export interface OffThreadSetup {
  kernel32: Record<string, FFIFunction>;
  ntdll: Record<string, FFIFunction>;
}

/** A call from the main thread. */
export interface OffThreadRequest {
  id: number;
  name: string;
  args: (number | bigint | null)[];
}

/** The reply. */
export interface OffThreadReply {
  id: number;
  result?: number;
  error?: string;
}

/** The global scope of a worker, as this program uses it. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<OffThreadSetup | OffThreadRequest>) => void) | null;
  postMessage(message: OffThreadReply): void;
}

/**
 * The worker's program. It runs inside the worker from its source text, so
 * it may use only its parameter and the worker's globals: nothing else of
 * this module exists there.
 */
export function runOffThreadCalls(open: typeof dlopen): void {
  const scope = globalThis as unknown as WorkerScope;
  let functions: Record<string, (...args: unknown[]) => number> | undefined;
  scope.onmessage = (event) => {
    if (functions === undefined) {
      const setup = event.data as OffThreadSetup;
      functions = {
        ...open("kernel32.dll", setup.kernel32).symbols,
        ...open("ntdll.dll", setup.ntdll).symbols,
      } as unknown as Record<string, (...args: unknown[]) => number>;
      return;
    }
    const { id, name, args } = event.data as OffThreadRequest;
    let reply: OffThreadReply;
    try {
      reply = { id, result: functions[name]!(...args) };
    } catch (err) {
      reply = { id, error: err instanceof Error ? err.message : String(err) };
    }
    scope.postMessage(reply);
  };
}

let url: string | undefined;

/**
 * The URL to start a worker from (made once per process): a module that
 * imports `dlopen` and runs {@linkcode runOffThreadCalls} with it.
 *
 * @example
 * ```ts ignore
 * import { offThreadWorkerUrl } from "./worker.ts";
 * const worker = new Worker(offThreadWorkerUrl());
 * ```
 */
export function offThreadWorkerUrl(): string {
  if (url === undefined) {
    const source = `import { dlopen } from "bun:ffi";\n(${runOffThreadCalls.toString()})(dlopen);\n`;
    url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  }
  return url;
}
