/**
 * Which "later turn of the event loop" is a real macrotask, and what one
 * costs: a reused MessageChannel, a fresh one per turn, setTimeout(0),
 * setImmediate (and, in Deno, the channels again once node:worker_threads
 * is loaded). For each: after how many microtasks a second turn resolved
 * ("no": not within 1,000, a real macrotask), after how many turns a
 * setTimeout(0) ran, and µs per turn. Why the streams' gathering waits with
 * setImmediate: docs/streams.md.
 *
 *   deno run -A bench/profile/event_loop_turns.ts ; bun bench/profile/event_loop_turns.ts
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/event_loop_turns.ts
 *   scripts/wine/run.sh -- wine /win/bun.exe bench/profile/event_loop_turns.ts
 *
 * @module
 */

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const N = 2000;
async function measure(label: string, make: () => { next(): Promise<void>; close(): void }) {
  // 1) is it a real macrotask? count microtasks before it resolves (a real turn: never, within 1000)
  let micro = 0;
  {
    const t = make();
    await t.next(); // first one
    let got = false;
    t.next().then(() => (got = true));
    let i = 0;
    for (; i < 1000 && !got; i++) await Promise.resolve();
    micro = got ? i : -1;
    if (!got) await new Promise((r) => setTimeout(r, 50));
    t.close();
  }
  // 2) does a timer get its turn within a chain of them?
  const t = make();
  let fired = false;
  setTimeout(() => (fired = true), 0);
  let n = 0;
  for (; n < N; n++) {
    await t.next();
    if (fired) break;
  }
  const timerAfter = fired ? n : -1;
  const t1 = performance.now();
  for (let k = 0; k < N; k++) await t.next();
  const per = (performance.now() - t1) / N * 1000;
  t.close();
  console.log(
    `${label}: second turn after ${micro < 0 ? "no" : micro} microtasks; a timer ran after ${timerAfter} turns; ${
      per.toFixed(1)
    } µs per turn`,
  );
}
function channel() {
  const ch = new MessageChannel();
  let res: (() => void) | undefined;
  ch.port1.onmessage = () => {
    const r = res;
    res = undefined;
    r?.();
  };
  return {
    next: () =>
      new Promise<void>((r) => {
        res = r;
        ch.port2.postMessage(null);
      }),
    close: () => {
      ch.port1.close();
      ch.port2.close();
    },
  };
}
function freshChannel() {
  return {
    next: () =>
      new Promise<void>((r) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          ch.port1.close();
          ch.port2.close();
          r();
        };
        ch.port2.postMessage(null);
      }),
    close() {},
  };
}
const timeout = () => ({ next: () => new Promise<void>((r) => setTimeout(r, 0)), close() {} });
await measure("MessageChannel, reused", channel);
await measure("MessageChannel, fresh per turn", freshChannel);
await measure("setTimeout(0)", timeout);
const si = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate ??
  (await import("node:timers")).setImmediate;
await measure("setImmediate", () => ({ next: () => new Promise<void>((r) => si(r)), close() {} }));
if (isDeno) {
  await import("node:worker_threads");
  await measure("MessageChannel reused, node:worker_threads loaded", channel);
  await measure("fresh, node:worker_threads loaded", freshChannel);
}
