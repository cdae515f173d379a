/**
 * Piping a child process's output as streams, through the real kernel32 (no
 * model).
 *
 * What it shows:
 * - `spawn(program, args, { stdout: "pipe", stderr: "pipe" })` starts a
 *   Windows process (CreateProcessW) whose standard handles are winpipe
 *   pipe ends; this process gets the other ends as `child.stdout` /
 *   `child.stderr`, with `readable` streams.
 * - Reading the output as lines of text: `readable.pipeThrough(new
 *   LineDecoderStream())` (`@winpipe/streams`: "\r\n" or "\n", decoded as
 *   UTF-8, at most 1 MiB per line). The stream ends when the child exits
 *   (its write end closes with it), and `child.wait()` gives the exit code.
 * - Passing one more pipe to the child (as .NET's `GetClientHandleAsString`):
 *   the parent makes an anonymous pipe whose write end is inheritable, passes
 *   `report.writer.handleValue()` on the command line and the end itself in
 *   `handles`, then closes its own copy; the child opens it with
 *   `openInheritedHandle(value, "writer")` and writes a summary there.
 * - Only those handles are inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST):
 *   no stray write end in the child keeps a reader here from seeing the end.
 *
 * The child is this same script run by the same deno.exe with `--child`.
 *
 * Run it on Windows:
 *
 *   deno run -A examples/process_output.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/process_output.ts
 *
 * @module
 */
import { createPipe, openInheritedHandle, spawn } from "@winpipe/deno";
import { LineDecoderStream } from "@winpipe/streams";

const LINES = 1000;

if (Deno.args[0] === "--child") {
  // The child: lines on stdout, a note on stderr, a summary on the pipe its parent passed.
  const [, reportHandle, count] = Deno.args;
  using report = openInheritedHandle(reportHandle, "writer");
  for (let i = 1; i <= Number(count); i++) console.log(`line ${i} of ${count}`);
  console.error("child: done printing");
  await report.write(new TextEncoder().encode(JSON.stringify({ pid: Deno.pid, printed: Number(count) })));
} else {
  // The parent.
  using report = createPipe({ inheritable: "writer" });
  await using child = spawn(
    Deno.execPath(),
    ["run", "-A", import.meta.url, "--child", String(report.writer.handleValue()), String(LINES)],
    { stdout: "pipe", stderr: "pipe", handles: [report.writer] },
  );
  report.writer.close(); // the child has its own copy: the report ends when the child closes it
  console.log(`started child pid ${child.pid}`);

  const stderr = new Response(child.stderr!.readable).text();
  const summary = new Response(report.reader.readable).text();
  let count = 0;
  let first = "", last = "";
  for await (const line of child.stdout!.readable.pipeThrough(new LineDecoderStream())) {
    count++;
    if (line !== `line ${count} of ${LINES}`) throw new Error(`line ${count} arrived as ${JSON.stringify(line)}`);
    if (count === 1) first = line;
    last = line;
  }
  console.log(`read ${count} lines in order (first "${first}", last "${last}"); stdout ended`);
  console.log(`child stderr: ${(await stderr).trim()}`);
  console.log(`report from the child over the inherited pipe: ${await summary}`);
  console.log(`child exited with code ${await child.wait()}`);
}
