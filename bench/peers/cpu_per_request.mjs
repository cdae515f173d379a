// The CPU time a process spends per request, which the HTTP peers print
// beside their figure (`cpu http-rps server|client N us`; not a bench
// figure): under Wine it moves less than requests/s when the machine is
// shared, and it says which side's work a request costs
// (docs/benchmarks.md, nineteenth round).
import process from "node:process";

/**
 * Counts requests and prints this process's CPU time (user and system, all
 * threads) per request from the 100th to the last. In the model's `both`
 * run the one process is both sides, so each side prints their sum.
 *
 * @param {"server" | "client"} side what the printed line calls this process
 * @returns {{ count(): void, print(): void }} count each request; print once, at the end
 */
export function cpuPerRequest(side) {
  let requests = 0, from;
  return {
    count() {
      if (++requests === 100) from = process.cpuUsage();
    },
    print() {
      if (from === undefined) return;
      const used = process.cpuUsage(from);
      console.log(`cpu http-rps ${side} ${((used.user + used.system) / (requests - 100)).toFixed(1)} us`);
    },
  };
}
