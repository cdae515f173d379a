/**
 * {@linkcode collectGarbage}: the full collection the memory profiles
 * (pending_memory.ts, conn_memory.ts) make before they sample the heap.
 *
 * @module
 */

/** A full collection: Bun.gc(true), or V8's gc (Deno with --v8-flags=--expose-gc). */
export function collectGarbage(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun !== undefined) return bun.gc(true);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run Deno with --v8-flags=--expose-gc");
  gc();
}
