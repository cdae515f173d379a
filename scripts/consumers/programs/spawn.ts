// A consumer's second program: a child process whose standard output is a
// winpipe pipe, read to its end as a stream. The consumers suite copies it
// into fresh projects (importing "@winpipe/bun" for Bun). It throws if the
// output or the exit code is not what cmd.exe was asked for.
import { spawn } from "@winpipe/deno";

const word = `winpipe-${crypto.randomUUID()}`;
await using child = spawn("cmd.exe", ["/d", "/c", `echo ${word}&& exit 3`], { stdout: "pipe" });
const output = await new Response(child.stdout!.readable).text();
const code = await child.wait();
if (output.trim() !== word) throw new Error(`spawn: expected ${JSON.stringify(word)}, read ${JSON.stringify(output)}`);
if (code !== 3) throw new Error(`spawn: expected exit code 3, got ${code}`);
console.log("winpipe-consumer: spawn ok");
