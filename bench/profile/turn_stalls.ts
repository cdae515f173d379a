/**
 * How often a runtime's main thread stalls between turns of its event loop,
 * with nothing else running: a MessageChannel message posted from each
 * turn to the next (as winpipe-bun's polling phase takes its turns) for
 * two seconds, and the distribution of the gaps between turns. A gap of
 * more than a millisecond is longer than the completion port's polling
 * window, so a peer waiting on this process for a reply sees it late
 * (docs/benchmarks.md, fourteenth round, "Bun's round-trip tail").
 *
 *   deno run bench/profile/turn_stalls.ts        bun bench/profile/turn_stalls.ts
 *   scripts/wine/run.sh -- 'bun bench/profile/turn_stalls.ts; deno run bench/profile/turn_stalls.ts'
 *
 * @module
 */
const SECONDS = 2;

const channel = new MessageChannel();
const gaps: number[] = [];
let last = performance.now();
const end = last + SECONDS * 1000;
await new Promise<void>((resolve) => {
  channel.port1.onmessage = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (now < end) {
      channel.port2.postMessage(0);
    } else {
      channel.port1.close();
      resolve();
    }
  };
  channel.port2.postMessage(0);
});

gaps.sort((a, b) => a - b);
const at = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(3);
const over = (ms: number) => gaps.filter((gap) => gap > ms).length;
const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(
  `${runtime}: ${gaps.length} turns in ${SECONDS} s; gap p50 ${at(0.5)}, p99 ${at(0.99)}, p99.9 ${at(0.999)}, ` +
    `max ${at(1)} ms; over 1 ms: ${over(1)}, over 0.5 ms: ${over(0.5)}`,
);
