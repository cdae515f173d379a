/**
 * How much CPU a process spends while an operation stays pending and nothing
 * happens: the check that kernel32's polling of the completion port (on by
 * default, docs/kernel32.md) does not keep a CPU busy while idle. A read
 * waits 3 s for data that comes at the end; the process's CPU time over
 * those 3 s is printed, with polling off and on (the default), twice.
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/idle_cpu.ts
 *   scripts/wine/run.sh -- wine /win/bun.exe bench/profile/idle_cpu.ts
 *
 * @module
 */
import process from "node:process";
import type { Winpipe } from "@winpipe/core";

const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
const pipes = await import(binding) as Winpipe & {
  kernel32: { setWaitOptions(o: { pollWindowMicros: number }): void };
};
const IDLE_MS = 3000;

// Each setting twice, alternating: the first wait of a process also starts its waiter (a Worker under Bun).
for (const window of [0, 1000, 0, 1000]) {
  pipes.kernel32.setWaitOptions({ pollWindowMicros: window });
  using pipe = pipes.createPipe();
  const before = process.cpuUsage();
  const reading = pipe.reader.read(new Uint8Array(16));
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const used = process.cpuUsage(before);
  await pipe.writer.write(new Uint8Array([1]));
  await reading;
  const ms = (used.user + used.system) / 1000;
  console.log(`${binding} poll window ${window} µs: ${ms.toFixed(1)} ms CPU over ${IDLE_MS} ms idle`);
}
process.exit(0);
