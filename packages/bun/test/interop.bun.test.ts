/**
 * Cross-runtime interop: a Deno server with a Bun client and a Bun server
 * with a Deno client, over one named pipe, in message mode (1000 messages of
 * random sizes 0..256 KiB, each received whole, checked byte for byte and
 * echoed) and byte mode (10 MiB each way at once, every byte checked). The
 * Deno side is a child deno.exe running fixtures/interop_peer.ts; the Bun
 * side runs fixtures/interop_protocol.ts in this process.
 *
 * deno.exe is `Z:\win\deno.exe` in the Wine test bed, or WINPIPE_DENO_EXE,
 * or `deno` on PATH. WINPIPE_INTEROP_SEED replays one seed (printed by each
 * test).
 *
 * @module
 */
import { expect } from "bun:test";
import * as winpipe from "../mod.ts";
import { type Api, client, listen, type Params, serve } from "./fixtures/interop_protocol.ts";
import { uniqueName, windowsRegister } from "./util.ts";

const TIMEOUT_MS = 180_000;
const MESSAGES = 1000;
const BYTES = 10 * 1024 * 1024;
const api = winpipe as unknown as Api;

async function denoExe(): Promise<string> {
  const fromEnv = process.env.WINPIPE_DENO_EXE;
  if (fromEnv) return fromEnv;
  const testBed = "Z:\\win\\deno.exe";
  return (await Bun.file(testBed).exists()) ? testBed : "deno";
}

/** Runs the Deno peer with `role`; resolves with its summary, rejects with its stderr if it fails or hangs. */
async function denoPeer(role: "server" | "client", params: Params): Promise<string> {
  const peer = Bun.fileURLToPath(new URL("./fixtures/interop_peer.ts", import.meta.url));
  const child = Bun.spawn(
    [
      await denoExe(),
      "run",
      "-A",
      peer,
      role,
      params.mode,
      params.name,
      String(params.seed),
      String(params.count),
      String(params.bytes),
    ],
    { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((
    resolve,
  ) => (timer = setTimeout(() => resolve("timeout"), TIMEOUT_MS - 10_000)));
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") child.kill();
  const stdout = await new Response(child.stdout).text();
  const stderr = await new Response(child.stderr).text();
  if (outcome !== 0) {
    throw new Error(`the Deno ${role} ${outcome === "timeout" ? "timed out" : `exited with ${outcome}`}:\n${stderr}`);
  }
  return stdout.trim();
}

function seedFor(i: number): number {
  const fixed = process.env.WINPIPE_INTEROP_SEED;
  return fixed ? Number(fixed) : (Date.now() + i * 7919) % 1_000_000;
}

const cases: { mode: Params["mode"]; bunIs: "server" | "client" }[] = [
  { mode: "message", bunIs: "client" },
  { mode: "message", bunIs: "server" },
  { mode: "byte", bunIs: "client" },
  { mode: "byte", bunIs: "server" },
];

for (const [i, { mode, bunIs }] of cases.entries()) {
  const denoIs = bunIs === "server" ? "client" : "server";
  const what = mode === "message" ? `${MESSAGES} messages of 0..256 KiB` : "10 MiB each way";
  windowsRegister(`interop: a Deno ${denoIs} and a Bun ${bunIs}, ${mode} mode, ${what}`, async () => {
    const params: Params = {
      name: uniqueName(`interop-${mode}`),
      mode,
      seed: seedFor(i),
      count: MESSAGES,
      bytes: BYTES,
    };
    console.log(`seed ${params.seed} (replay: WINPIPE_INTEROP_SEED=${params.seed})`);
    const started = performance.now();
    let summaries: string[];
    if (bunIs === "server") {
      const server = listen(api, params); // listening before the Deno client starts
      summaries = await Promise.all([serve(server, params).then((s) => `bun ${s}`), denoPeer("client", params)]);
    } else {
      summaries = await Promise.all([client(api, params).then((s) => `bun ${s}`), denoPeer("server", params)]);
    }
    for (const line of summaries) console.log(`  ${line}`);
    console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s including deno.exe's start`);
    expect(summaries.length).toBe(2);
    expect(winpipe.liveHandles()).toBe(0);
  });
}
