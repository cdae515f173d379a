/**
 * Interop with Node's `net` module over Windows named pipes: a Deno client
 * (winpipe `connect`) against a node.exe `net` server, and a node.exe `net`
 * client against a Deno server (winpipe `createServer`). Each side sends
 * 10 MiB of a deterministic pattern and checks every byte it receives, both
 * directions at once. Run under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/deno/test/node_interop_test.ts
 *
 * node.exe is looked for in WINPIPE_NODE_EXE, then at `Z:\win\node.exe`
 * (the test bed's `/win/node.exe`), then on PATH. Under Wine it fails with
 * EBADF when a standard stream is a pipe, so it runs with all three set to
 * "null" and reports through a status file (fixtures/node_pipe_peer.mjs).
 *
 * @module
 */
import { waitForStatus } from "@winpipe/testing";
import { connect, createServer } from "../mod.ts";
import { onWindows, uniqueName } from "./util.ts";

/** Bytes each side sends. */
const SIZE = 10 * 1024 * 1024;
/** Chunk size of the Deno side's writes and reads. */
const CHUNK = 64 * 1024;
/** The whole exchange, node.exe start to exit, must end within this. */
const TIMEOUT_MS = 120_000;

/** Byte `i` of the stream sent by `sender`; the same function is in fixtures/node_pipe_peer.mjs. */
function patternByte(sender: "node" | "deno", i: number): number {
  return ((i * 7) + (i >>> 8) * 13 + (i >>> 16) * 29 + (sender === "node" ? 101 : 0)) & 255;
}

function fill(sender: "node" | "deno", offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = patternByte(sender, offset + k);
  return out;
}

/** A Windows path from a file: URL. */
function windowsPath(url: URL): string {
  return decodeURIComponent(url.pathname).replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\");
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Where node.exe is, or undefined. */
function findNode(): string | undefined {
  if (!onWindows) return undefined;
  const fromEnv = Deno.env.get("WINPIPE_NODE_EXE");
  if (fromEnv && exists(fromEnv)) return fromEnv;
  if (exists("Z:\\win\\node.exe")) return "Z:\\win\\node.exe";
  for (const dir of (Deno.env.get("PATH") ?? "").split(";")) {
    if (dir && exists(`${dir}\\node.exe`)) return `${dir}\\node.exe`;
  }
  return undefined;
}

const NODE = findNode();
const PEER = windowsPath(new URL("./fixtures/node_pipe_peer.mjs", import.meta.url));

/** What the node.exe peer reported. */
interface PeerStatus {
  phase: "listening" | "connected" | "done" | "error";
  sent?: number;
  received?: number;
  badAt?: number;
  ms?: number;
  message?: string;
}

/** A running node.exe peer: its status lines, its exit, and a kill that is safe to call twice. */
class NodePeer {
  readonly #child: Deno.ChildProcess;
  readonly #statusFile: string;
  readonly #dir: string;
  readonly status: Promise<Deno.CommandStatus>;
  #exited = false;

  private constructor(child: Deno.ChildProcess, dir: string, statusFile: string) {
    this.#child = child;
    this.#dir = dir;
    this.#statusFile = statusFile;
    this.status = child.status.finally(() => (this.#exited = true));
  }

  static async start(role: "server" | "client", pipeName: string): Promise<NodePeer> {
    const dir = await Deno.makeTempDir({ prefix: "winpipe-node-" });
    const statusFile = `${dir}\\status.jsonl`;
    await Deno.writeTextFile(statusFile, "");
    const child = new Deno.Command(NODE!, {
      args: [PEER, role, pipeName, String(SIZE), statusFile],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return new NodePeer(child, dir, statusFile);
  }

  /** Resolves with the first status line of `phase`; rejects on an error line, an early exit or the deadline. */
  waitFor(phase: PeerStatus["phase"], deadline: number): Promise<PeerStatus> {
    return waitForStatus<PeerStatus>(phase, {
      read: () => Deno.readTextFile(this.#statusFile),
      exited: () => this.#exited,
    }, deadline);
  }

  /** Waits for the exit; kills the process if it is not gone by the deadline. */
  async exit(deadline: number): Promise<Deno.CommandStatus> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([this.status, late]);
    clearTimeout(timer);
    if (result === "late") {
      this.kill();
      throw new Error("node.exe did not exit in time (killed)");
    }
    return result;
  }

  kill(): void {
    if (this.#exited) return;
    try {
      this.#child.kill();
    } catch {
      // Already gone.
    }
  }

  /** Kills the process if it still runs, waits for it and removes the status file. */
  async cleanup(): Promise<void> {
    this.kill();
    await this.status.catch(() => {});
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}

/** The part of the winpipe connection API this test uses. */
interface Conn {
  read(buffer: Uint8Array, options?: { signal?: AbortSignal }): Promise<{ bytesRead: number } | null>;
  write(data: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
}

/** The Deno side: sends SIZE bytes and checks SIZE bytes, both at once. */
async function exchange(conn: Conn, signal: AbortSignal) {
  const started = performance.now();
  const send = (async () => {
    for (let sent = 0; sent < SIZE; sent += CHUNK) {
      await conn.write(fill("deno", sent, Math.min(CHUNK, SIZE - sent)), { signal });
    }
    return performance.now() - started;
  })();
  const receive = (async () => {
    const buffer = new Uint8Array(CHUNK);
    let received = 0;
    let badAt = -1;
    while (received < SIZE) {
      const result = await conn.read(buffer, { signal });
      if (result === null) throw new Error(`the pipe ended after ${received} of ${SIZE} bytes`);
      for (let k = 0; k < result.bytesRead; k++) {
        if (badAt < 0 && buffer[k] !== patternByte("node", received + k)) badAt = received + k;
      }
      received += result.bytesRead;
    }
    return { received, badAt, ms: performance.now() - started };
  })();
  const [sendMs, got] = await Promise.all([send, receive]);
  return { sendMs, ...got, ms: performance.now() - started };
}

function mbps(bytes: number, ms: number): string {
  return (bytes / (1024 * 1024) / (ms / 1000)).toFixed(1);
}

function check(side: string, result: { received?: number; badAt?: number }) {
  if (result.received !== SIZE) throw new Error(`${side} received ${result.received} of ${SIZE} bytes`);
  if (result.badAt !== -1) {
    throw new Error(`${side}: the received bytes differ from the pattern at offset ${result.badAt}`);
  }
}

const ignore = NODE === undefined;
const reason = onWindows ? " (skipped: node.exe not found)" : "";

Deno.test({
  name: `node interop: a Deno client and a node.exe net server exchange 10 MiB each way${ignore ? reason : ""}`,
  ignore,
  async fn() {
    const deadline = Date.now() + TIMEOUT_MS;
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    const name = uniqueName("node-server");
    const peer = await NodePeer.start("server", name);
    try {
      await peer.waitFor("listening", deadline);
      const conn = await connect(name, { timeout: 10_000, signal });
      let ours;
      try {
        ours = await exchange(conn, signal);
      } finally {
        conn.close();
      }
      const theirs = await peer.waitFor("done", deadline);
      const exit = await peer.exit(deadline);
      check("Deno", ours);
      check("node.exe", theirs);
      if (exit.code !== 0) throw new Error(`node.exe exited with ${exit.code}`);
      console.log(
        `Deno client: sent 10 MiB in ${ours.sendMs.toFixed(0)} ms, received 10 MiB in ${ours.ms.toFixed(0)} ms; ` +
          `${mbps(2 * SIZE, ours.ms)} MB/s both ways together. node.exe server: done in ${theirs.ms} ms`,
      );
    } finally {
      await peer.cleanup();
    }
  },
});

Deno.test({
  name: `node interop: a node.exe net client and a Deno server exchange 10 MiB each way${ignore ? reason : ""}`,
  ignore,
  async fn() {
    const deadline = Date.now() + TIMEOUT_MS;
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    const name = uniqueName("deno-server");
    await using server = createServer(name, { inBufferSize: 65536, outBufferSize: 65536 });
    const peer = await NodePeer.start("client", name);
    try {
      const accepted = server.accept({ signal });
      // node.exe may fail before it connects: do not wait for a client that will not come.
      const failed = peer.waitFor("done", deadline).then(() => new Promise<never>(() => {}));
      failed.catch(() => {}); // raced below; a failure after the race is reported by the later waitFor
      const conn = await Promise.race([accepted, failed]);
      let ours;
      try {
        ours = await exchange(conn, signal);
      } finally {
        conn.close();
      }
      const theirs = await peer.waitFor("done", deadline);
      const exit = await peer.exit(deadline);
      check("Deno", ours);
      check("node.exe", theirs);
      if (exit.code !== 0) throw new Error(`node.exe exited with ${exit.code}`);
      console.log(
        `Deno server: sent 10 MiB in ${ours.sendMs.toFixed(0)} ms, received 10 MiB in ${ours.ms.toFixed(0)} ms; ` +
          `${mbps(2 * SIZE, ours.ms)} MB/s both ways together. node.exe client: done in ${theirs.ms} ms`,
      );
    } finally {
      await peer.cleanup();
    }
  },
});
