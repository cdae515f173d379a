// The implementations the bench runs, the variants a remedy measurement adds
// (--variant, --baseline), and the command that starts each one's peers.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";

export const BUILD = "bench/.build";

/** The peer of the floors' rows (bare-calls-*, thinnest-streams-*): bare kernel32 calls, no winpipe layer. */
const BARE_PEER = "bench/peers/bare_peer.ts";

/** The peer cases of the `-sync` rows: the ones raw_pipe.c makes with the same blocking calls. */
const SYNC_CASES = ["rtt", "throughput-4k", "throughput-64k", "throughput-1m"];

/**
 * Every implementation of a full run. `peer`/`httpPeer`: the scripts it runs; `args`: peer arguments of
 * its own; `cases`: the peer cases it runs when not all (see CASES' `peerCase` in report.mjs);
 * `inProcess`: server and client in one process (the model's kernel cannot be shared).
 */
export const IMPLS = [
  { name: "raw-c", runner: "raw-c" },
  {
    name: "winpipe-deno",
    runner: "deno",
    peer: "bench/peers/winpipe_peer.ts",
    httpPeer: "bench/peers/http_winpipe_peer.ts",
  },
  {
    name: "winpipe-bun",
    runner: "bun",
    peer: "bench/peers/winpipe_peer.ts",
    httpPeer: "bench/peers/http_winpipe_peer.ts",
  },
  // The synchronous calls (readSync, writeSync: they block the calling thread) on synchronous handles, for the
  // round trip and the one-way throughput.
  {
    name: "winpipe-deno-sync",
    runner: "deno",
    peer: "bench/peers/winpipe_peer.ts",
    args: ["api=sync"],
    cases: SYNC_CASES,
  },
  {
    name: "winpipe-bun-sync",
    runner: "bun",
    peer: "bench/peers/winpipe_peer.ts",
    args: ["api=sync"],
    cases: SYNC_CASES,
  },
  {
    name: "node-libuv",
    runner: "node",
    peer: "bench/peers/node_net_peer.mjs",
    httpPeer: "bench/peers/node_http_peer.mjs",
  },
  { name: "bun-node-net", runner: "bun", peer: "bench/peers/node_net_peer.mjs" },
  // The floors of winpipe's figures in each runtime: kernel32's asynchronous calls with no winpipe layer
  // (bare-calls-*), and the thinnest WHATWG streams over them (thinnest-streams-*).
  ...["deno", "bun"].flatMap((runtime) => [
    { name: `bare-calls-${runtime}`, runner: runtime, peer: BARE_PEER, cases: ["throughput-64k", "throughput-1m"] },
    { name: `thinnest-streams-${runtime}`, runner: runtime, peer: BARE_PEER, cases: ["streams-64k"] },
  ]),
  {
    name: "model",
    runner: "host-deno",
    peer: "bench/peers/winpipe_peer.ts",
    httpPeer: "bench/peers/http_winpipe_peer.ts",
    inProcess: true,
  },
];

/**
 * `--variant=LABEL=IMPL:ARG ARG...`: IMPL run again under LABEL with more peer arguments (e.g.
 * `--variant="deno-nopoll=winpipe-deno:poll=0"`), to measure a remedy against the code as it is in
 * the same rounds. An ARG starting with `--` goes to the runtime instead, before the script (e.g.
 * `--variant="deno-semi1=winpipe-deno:--v8-flags=--max-semi-space-size=1"`, or `bun-smol=winpipe-bun:--smol`).
 * A variant runs the HTTP case too when its implementation has one: the HTTP peer takes `poll=` and
 * the runtime's flags, and ignores the pipe cases' other arguments.
 */
export function parseVariant(spec, known) {
  const match = /^([\w@.+-]+)=([\w-]+)(?::(.*))?$/.exec(spec);
  const base = match && known.find((impl) => impl.name === match[2]);
  if (!base) throw new Error(`--variant=${spec}: expected LABEL=IMPL:ARG..., IMPL one of ${known.map((i) => i.name)}`);
  const extra = (match[3] ?? "").split(/\s+/).filter((a) => a !== "");
  const runtimeArgs = extra.filter((a) => a.startsWith("--"));
  const args = [...(base.args ?? []), ...extra.filter((a) => !a.startsWith("--"))];
  return { ...base, name: match[1], base: base.name, args, runtimeArgs };
}

/**
 * `--baseline=REV`: the winpipe peers of another commit (its packages and peers, from `git archive`, in
 * bench/.build/baseline/REV), run as `winpipe-deno@REV`, `winpipe-bun@REV` and their `-sync` rows in the
 * same rounds (`http-rps` too, where that commit has its HTTP peer): the before of a before/after
 * measurement.
 */
export function baselineImpls(rev, known) {
  const resolved = spawnSync("git", ["rev-parse", "--short", rev], { encoding: "utf8" });
  if (resolved.status !== 0) throw new Error(`--baseline=${rev}: ${resolved.stderr.trim()}`);
  const short = resolved.stdout.trim();
  const dir = `${BUILD}/baseline/${short}`;
  if (!fs.existsSync(`${dir}/deno.json`)) {
    fs.mkdirSync(dir, { recursive: true });
    const paths = ["packages", "bench/peers", "deno.json", "tsconfig.json", "package.json"];
    const archive = spawnSync("git", ["archive", "--format=tar", short, ...paths], { maxBuffer: 1 << 28 });
    if (archive.status !== 0) throw new Error(`git archive ${short}: ${archive.stderr}`);
    const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
  }
  // A peer from before the -sync rows ran throughput (35f4c3f) makes only its round trip synchronously: its
  // throughput would be the asynchronous calls' under a -sync name.
  const peerSource = fs.readFileSync(path.join(dir, "bench/peers/winpipe_peer.ts"), "utf8");
  const syncCases = peerSource.includes("syncCase(") ? SYNC_CASES : ["rtt"];
  return ["winpipe-deno", "winpipe-bun", "winpipe-deno-sync", "winpipe-bun-sync"].map((name) => {
    const impl = known.find((i) => i.name === name);
    return {
      ...impl,
      ...(impl.cases ? { cases: syncCases } : {}),
      name: `${name}@${short}`,
      base: name,
      peer: path.join(dir, impl.peer),
      // Deno finds its configuration from the working directory: point it at the baseline's workspace.
      config: `${dir}/deno.json`,
      // The HTTP case too, where that commit has its peer.
      httpPeer: impl.httpPeer && fs.existsSync(path.join(dir, impl.httpPeer))
        ? path.join(dir, impl.httpPeer)
        : undefined,
    };
  });
}

/** A tool installed by npm into node_modules/.bin (the host's deno, or deno/bun/node on Windows). */
export function localBin(name) {
  const base = path.join("node_modules", ".bin", name);
  // On Windows the extensionless file is a shell script for Git Bash, not something spawn can run.
  const candidates = process.platform === "win32" ? [`${base}.exe`, `${base}.cmd`] : [base];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? name;
}

/** The command that starts a peer of `impl` (its HTTP peer with `http`), before the role and key=value arguments. */
export function runnerCommand(impl, { http = false, underWine }) {
  // A variant's runtime flags (parseVariant) go before the script.
  const peer = [...(impl.runtimeArgs ?? []), ...(http ? [impl.httpPeer] : impl.peer ? [impl.peer] : [])];
  const hostDeno = localBin("deno");
  const denoRun = ["run", "-A", ...(impl.config ? ["--config", impl.config] : []), ...peer];
  if (impl.runner === "host-deno") return [hostDeno, ...denoRun];
  if (underWine) {
    return {
      "raw-c": ["wine", `${BUILD}/raw_pipe.exe`],
      deno: ["wine", "/win/deno.exe", ...denoRun],
      bun: ["wine", "/win/bun.exe", ...peer],
      node: ["wine", "/win/node.exe", ...peer],
    }[impl.runner];
  }
  return {
    "raw-c": [`${BUILD}/raw_pipe.exe`],
    deno: [hostDeno, ...denoRun],
    bun: [localBin("bun"), ...peer],
    node: [process.execPath, ...peer],
  }[impl.runner];
}
