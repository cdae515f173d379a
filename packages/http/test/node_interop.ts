/**
 * Interop with peers nobody here wrote: Node's `http` module in node.exe.
 * Its client (`http.request({ socketPath })` with a keep-alive Agent, a
 * chunked upload, 10 MiB both ways, 50 concurrent keep-alive clients, an
 * `Upgrade` through its 'upgrade' event) against serveHttp; pipeFetch and pipeUpgrade against its server
 * (`http.createServer().listen(pipe)`, with an 'upgrade' listener). Windows only (node.exe under the
 * Wine test bed, or on PATH).
 *
 * node.exe is WINPIPE_NODE_EXE, else `Z:\win\node.exe` (the test bed's
 * `/win/node.exe`), else the first node.exe on PATH. Under Wine it fails
 * with EBADF when a standard stream is a pipe, so it runs with all three
 * ignored and reports through a status file (fixtures/node_http_peer.mjs).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { PipeHttpClient } from "@winpipe/http";
import { waitForStatus } from "@winpipe/testing";
import { type HttpBackend, type RegisterTest, uniqueName } from "./helpers.ts";

/** Bytes each way in the big-body exchanges. */
const SIZE = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** node.exe's whole part of one test must end within this. */
const DEADLINE_MS = 120_000;

/** Byte `i` of a body sent by `sender`; the same function is in fixtures/node_http_peer.mjs and node_ws_peer.mjs. */
export function patternByte(sender: "node" | "winpipe", i: number): number {
  return ((i * 7) + (i >>> 8) * 13 + (i >>> 16) * 29 + (sender === "node" ? 101 : 0)) & 255;
}

/** SIZE bytes of winpipe's pattern, made as they are pulled. */
function patternStream(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= SIZE) return controller.close();
      const n = Math.min(CHUNK, SIZE - sent);
      const out = new Uint8Array(n);
      for (let k = 0; k < n; k++) out[k] = patternByte("winpipe", sent + k);
      sent += n;
      controller.enqueue(out);
    },
  }, { highWaterMark: 0 });
}

/** Reads a body, checking `sender`'s pattern. */
async function checkPattern(stream: ReadableStream<Uint8Array>, sender: "node" | "winpipe") {
  let bytes = 0, badAt = -1;
  for await (const chunk of stream) {
    for (let k = 0; k < chunk.length; k++) {
      if (badAt < 0 && chunk[k] !== patternByte(sender, bytes + k)) badAt = bytes + k;
    }
    bytes += chunk.length;
  }
  return { bytes, badAt };
}

/** Why the node.exe interop tests are skipped when {@linkcode findNode} finds none. */
export const NO_NODE = "node.exe not found (WINPIPE_NODE_EXE, Z:\\win\\node.exe, PATH)";

/** Where node.exe is, or undefined. */
export function findNode(): string | undefined {
  const fromEnv = process.env.WINPIPE_NODE_EXE;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync("Z:\\win\\node.exe")) return "Z:\\win\\node.exe";
  for (const dir of (process.env.PATH ?? "").split(";")) {
    if (dir && existsSync(join(dir, "node.exe"))) return join(dir, "node.exe");
  }
  return undefined;
}

const PEER = fileURLToPath(new URL("./fixtures/node_http_peer.mjs", import.meta.url));

/** What the node.exe client reports (fixtures/node_http_peer.mjs). */
interface ClientResults {
  hello: { status: number; body: string; connection: string }[];
  upgrade: { status: number; upgrade: string; echoed: string };
  upload: { status: number; body: unknown; connection: string };
  download: { status: number; bytes: number; badAt: number; transferEncoding: string; connection: string };
  many: { requests: number; ok: number; connections: number; ms: number };
}

/** A status line of a node.exe peer. */
export interface PeerStatus {
  phase: "listening" | "done" | "error";
  message?: string;
  [key: string]: unknown;
}

/** A running node.exe peer, read through its status file. */
export class NodePeer {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #statusFile: string;
  readonly exited: Promise<number | null>;
  #done = false;
  /** How it exited, for the error of one that exits before reporting. */
  #exit = "";

  private constructor(child: ChildProcess, dir: string, statusFile: string) {
    this.#child = child;
    this.#dir = dir;
    this.#statusFile = statusFile;
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.#exit = signal === null ? `exit code ${code}` : `signal ${signal}`;
        this.#done = true;
        resolve(code);
      });
      child.on("error", () => {
        this.#done = true;
        resolve(null);
      });
    });
  }

  /**
   * Starts `node.exe fixture ...args STATUS_FILE`, its standard output
   * ignored and its standard error into a file (node.exe under Wine cannot
   * use pipes for them): the script reports through STATUS_FILE, one JSON
   * object a line; what node.exe itself prints when it dies is in the file.
   */
  static async start(node: string, fixture: string, args: string[]): Promise<NodePeer> {
    const dir = await mkdtemp(join(tmpdir(), "winpipe-http-node-"));
    const statusFile = join(dir, "status.jsonl");
    await writeFile(statusFile, "");
    const stderr = openSync(join(dir, "stderr.txt"), "w");
    try {
      const child = spawn(node, [fixture, ...args, statusFile], { stdio: ["ignore", "ignore", stderr] });
      return new NodePeer(child, dir, statusFile);
    } finally {
      closeSync(stderr);
    }
  }

  /** The end of what node.exe wrote to its standard error. */
  async #stderrTail(): Promise<string> {
    const text = await readFile(join(this.#dir, "stderr.txt"), "utf8").catch(() => "");
    return text.trim().slice(-2000) || "(nothing)";
  }

  /** The first status line of `phase`; rejects on an error line, an early exit or the deadline. */
  waitFor(phase: PeerStatus["phase"], deadline: number): Promise<PeerStatus> {
    return waitForStatus<PeerStatus>(
      phase,
      {
        read: () => readFile(this.#statusFile, "utf8"),
        exited: () => this.#done,
        exitDetail: async () => `${this.#exit}; its standard error: ${await this.#stderrTail()}`,
      },
      deadline,
      25,
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#done) this.#child.kill();
    await this.exited;
    await rm(this.#dir, { recursive: true, force: true });
  }
}

export function nodeInteropSuite(register: RegisterTest, b: HttpBackend): void {
  const node = findNode();
  const skip = node === undefined ? NO_NODE : undefined;
  const t = (name: string, fn: () => Promise<void>) => register(`http interop (${b.name}): ${name}`, fn, skip);

  t(
    "node.exe's http client (keep-alive agent, chunked upload, 10 MiB both ways, 50 clients, an upgrade) against serveHttp",
    async () => {
      const deadline = Date.now() + DEADLINE_MS;
      const name = uniqueName("node-client");
      const uploads: { bytes: number; badAt: number }[] = [];
      await using _server = b.http.serveHttp(name, async (request, info) => {
        const headers = { "x-connection": String(info.connection) };
        const path = new URL(request.url).pathname;
        if (path.startsWith("/hello/")) return new Response(`hello ${path.slice(7)}`, { headers });
        if (path === "/upload") {
          const check = await checkPattern(request.body!, "node");
          uploads.push(check);
          return Response.json({ ...check, transferEncoding: request.headers.get("transfer-encoding") }, { headers });
        }
        if (path === "/download") return new Response(patternStream(), { headers });
        if (path.startsWith("/many/")) return new Response(path, { headers });
        if (path === "/shout") {
          const upgrade = info.upgrade();
          void upgrade.connection.then(async (upgraded) => {
            const writer = upgraded.writable.getWriter();
            try {
              for await (const chunk of upgraded.readable) {
                await writer.write(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
              }
            } catch {
              // node destroyed the socket
            } finally {
              upgraded.close();
            }
          });
          return upgrade.response;
        }
        return new Response("not found", { status: 404 });
      });
      await using peer = await NodePeer.start(node!, PEER, ["client", name, String(SIZE)]);
      const done = await peer.waitFor("done", deadline);
      assert.equal(await peer.exited, 0);
      const results = done.results as ClientResults;
      assert.deepEqual(results.hello.map((h) => h.body), ["hello 0", "hello 1", "hello 2"]);
      assert.equal(new Set(results.hello.map((h) => h.connection)).size, 1, "one keep-alive socket");
      assert.deepEqual(results.upload.body, { bytes: SIZE, badAt: -1, transferEncoding: "chunked" });
      assert.equal(results.upload.connection, results.hello[0].connection, "the upload reused the socket");
      assert.deepEqual(
        { status: results.download.status, bytes: results.download.bytes, badAt: results.download.badAt },
        { status: 200, bytes: SIZE, badAt: -1 },
      );
      assert.equal(results.download.transferEncoding, "chunked");
      assert.equal(results.many.requests, 200);
      assert.equal(results.many.ok, 200);
      assert.ok(results.many.connections <= 50, `${results.many.connections} connections for 50 clients`);
      assert.deepEqual(uploads, [{ bytes: SIZE, badAt: -1 }]);
      assert.deepEqual(results.upgrade, { status: 101, upgrade: "shout", echoed: "PING" });
    },
  );

  t(
    "pipeFetch against node.exe's http server: keep-alive, 10 MiB both ways, a redirect, 50 clients, an upgrade",
    async () => {
      const deadline = Date.now() + DEADLINE_MS;
      const name = uniqueName("node-server");
      await using peer = await NodePeer.start(node!, PEER, ["server", name, String(SIZE)]);
      await peer.waitFor("listening", deadline);
      using client = new PipeHttpClient(b.pipes, { maxIdlePerPipe: 50 });
      const sockets = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const response = await client.fetch(name, "http://node.pipe/hello");
        assert.equal(await response.text(), "hello from node, GET node.pipe");
        sockets.add(response.headers.get("x-socket")!);
      }
      assert.equal(sockets.size, 1, "three requests on one keep-alive connection");
      const download = await client.fetch(name, "/download");
      assert.equal(download.headers.get("transfer-encoding"), "chunked");
      assert.deepEqual(await checkPattern(download.body!, "node"), { bytes: SIZE, badAt: -1 });
      const upload = await client.fetch(
        name,
        "/upload",
        { method: "POST", body: patternStream(), duplex: "half" } as RequestInit,
      );
      assert.deepEqual(await upload.json(), { bytes: SIZE, badAt: -1, transferEncoding: "chunked" });
      const redirected = await client.fetch(name, "/redirect");
      assert.equal(redirected.url, "http://localhost/hello");
      assert.equal(await redirected.text(), "hello from node, GET localhost");
      const many = await Promise.all(Array.from({ length: 50 }, async (_, c) => {
        const got: string[] = [];
        for (let r = 0; r < 4; r++) got.push(await (await client.fetch(name, `/many/${c}/${r}`)).text());
        return got.every((text, r) => text === `/many/${c}/${r}`);
      }));
      assert.equal(many.filter(Boolean).length, 50);
      // Node's 'upgrade' event: a 101 with bytes of the new protocol behind it, then an echo (a byte pipe).
      const result = await client.upgrade(name, "/shout", { headers: { upgrade: "shout" } });
      assert.ok(!(result instanceof Response), "node switched");
      assert.equal(result.status, 101);
      assert.equal(result.headers.get("upgrade"), "shout");
      const reader = result.readable.getReader();
      let text = "";
      while (text.length < "welcome\n".length) text += new TextDecoder().decode((await reader.read()).value);
      assert.equal(text, "welcome\n");
      const writer = result.writable.getWriter();
      await writer.write(new TextEncoder().encode("ping"));
      text = "";
      while (text.length < 4) text += new TextDecoder().decode((await reader.read()).value);
      assert.equal(text, "PING");
      result.close();
      assert.equal(await (await client.fetch(name, "/shutdown")).text(), "bye");
      const done = await peer.waitFor("done", deadline);
      assert.equal(await peer.exited, 0);
      assert.ok((done.sockets as number) <= 51, `node saw ${done.sockets} sockets for 50 clients`);
      assert.deepEqual(done.uploads, [{ bytes: SIZE, badAt: -1 }]);
      assert.equal(done.upgraded, "ping");
    },
  );
}
