/**
 * Interop with real peers: vscode-jsonrpc (the JSON-RPC library of VS Code
 * and its language servers) against a JSON-RPC peer made of winpipe's
 * Content-Length framing, in this process over toNodeDuplex and in node.exe
 * over `net`; and a node.exe `node:http` server on a named pipe, asked by
 * `http.request` through toNodeDuplex. The node.exe cases run where the
 * backend can start it (kernel32: backend.nodeExe); node.exe under Wine
 * cannot have pipes as standard streams (docs/windows-test-bed.md), so it
 * runs with all three "null" and reports through a status file
 * (fixtures/node_exe_peer.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { PipeConnection } from "@winpipe/core";
import { waitForStatus } from "@winpipe/testing";
import { toNodeDuplex } from "../node.ts";
import { connected, scenario, type StreamsContext, type StreamsSuite, tick } from "./helpers.ts";
import { interopHandlers, JsonRpcPeer } from "./jsonrpc_peer.ts";
import { runVscodeSide, type VscodeSideResults } from "./fixtures/vscode_jsonrpc_side.ts";

/** A node.exe peer that has not reported by then fails the case. */
const PEER_TIMEOUT_MS = 60_000;
const PEER_SCRIPT = fileURLToPath(new URL("./fixtures/node_exe_peer.ts", import.meta.url));

/** What the vscode-jsonrpc side must have seen, and the winpipe side must have received. */
function checkExchange(results: VscodeSideResults, peer: JsonRpcPeer, who: string): void {
  assert.equal(results.sum, 10);
  assert.equal(results.echoedIntact, true, "the 200 kB echo came back intact");
  assert.equal(results.missing?.code, -32601, "an unknown method is a JSON-RPC error response");
  assert.deepEqual(results.roundTrip, { upper: { text: "HÉLLO 🚀", by: who } }, "a request the other way, answered");
  assert.deepEqual(peer.notifications, [{ method: "log", params: { message: `hello from ${who}` } }]);
}

/** The JSON-RPC exchange with vscode-jsonrpc on `theirs`'s duplex, or in node.exe, and the winpipe peer on `ours`. */
async function serveJsonRpc(ours: PipeConnection, vscodeSide: () => Promise<VscodeSideResults>, who: string) {
  const peer = new JsonRpcPeer(ours, interopHandlers);
  const results = await vscodeSide();
  checkExchange(results, peer, who);
  await peer.close();
  return peer;
}

/** A node.exe peer started with winpipe's spawn, reporting through a status file. */
class NodeExePeer implements AsyncDisposable {
  private constructor(
    readonly child: AsyncDisposable & { wait(): Promise<number>; kill(): void },
    readonly dir: string,
    readonly statusFile: string,
  ) {}

  static async start(ctx: StreamsContext, role: string, pipeName: string): Promise<NodeExePeer> {
    const dir = await mkdtemp(join(tmpdir(), "winpipe-node-"));
    const statusFile = join(dir, "status.jsonl");
    await writeFile(statusFile, "");
    const child = ctx.pipes.spawn(ctx.backend.nodeExe!, [PEER_SCRIPT, role, pipeName, statusFile], {
      stdin: "null",
      stdout: "null",
      stderr: "null",
    });
    return new NodeExePeer(child, dir, statusFile);
  }

  /** The first status of `phase`; throws on an error status or when node.exe exits or times out first. */
  async waitFor(phase: string): Promise<Record<string, unknown>> {
    let exited = false;
    this.child.wait().then(() => (exited = true), () => (exited = true));
    return await waitForStatus<Record<string, unknown> & { phase: string }>(phase, {
      read: () => readFile(this.statusFile, "utf8"),
      exited: () => exited,
    }, Date.now() + PEER_TIMEOUT_MS);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const exit = await Promise.race([this.child.wait(), tick(5000).then(() => "late")]);
    if (exit === "late") this.child.kill();
    await this.child[Symbol.asyncDispose]();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Registers the interop suites. */
export function interopTests(suite: StreamsSuite): void {
  scenario(
    suite,
    "JSON-RPC: vscode-jsonrpc over toNodeDuplex and winpipe's Content-Length framing, requests both ways",
    async (ctx) => {
      await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
      const duplex = toNodeDuplex(c.client);
      const connection = createMessageConnection(new StreamMessageReader(duplex), new StreamMessageWriter(duplex));
      await serveJsonRpc(
        c.conn,
        () => runVscodeSide(connection, "vscode-jsonrpc in this process"),
        "vscode-jsonrpc in this process",
      );
      connection.dispose();
      duplex.destroy();
    },
  );

  if (suite.backend.nodeExe === undefined) return;

  scenario(suite, "JSON-RPC: node.exe running vscode-jsonrpc connects to a winpipe server", async (ctx) => {
    const name = ctx.name("jsonrpc");
    await using server = ctx.pipes.createServer(name);
    const accepted = server.accept();
    await using peer = await NodeExePeer.start(ctx, "jsonrpc-client", name);
    const failed = peer.waitFor("done").then(() => new Promise<never>(() => {}));
    failed.catch(() => {}); // raced below: node.exe may fail before it connects
    await using conn = await Promise.race([accepted, failed]);
    const done = peer.waitFor("done");
    const who = await whoIsNode(conn, done);
    assert.match(who.name, /^node v\d+\.\d+\.\d+$/);
    checkExchange((await done).results as VscodeSideResults, who.peer, who.name);
  });

  scenario(suite, "JSON-RPC: a winpipe client connects to node.exe's vscode-jsonrpc on a net server", async (ctx) => {
    const name = ctx.name("jsonrpc");
    await using peer = await NodeExePeer.start(ctx, "jsonrpc-server", name);
    await peer.waitFor("listening");
    await using conn = await ctx.pipes.connect(name, { timeout: 10_000 });
    const done = peer.waitFor("done");
    const who = await whoIsNode(conn, done);
    assert.match(who.name, /^node v\d+\.\d+\.\d+$/);
    checkExchange((await done).results as VscodeSideResults, who.peer, who.name);
  });

  scenario(suite, "node:http: http.request through toNodeDuplex to node.exe's http server on a pipe", async (ctx) => {
    const name = ctx.name("http");
    await using peer = await NodeExePeer.start(ctx, "http-server", name);
    await peer.waitFor("listening");
    const conn = await ctx.pipes.connect(name, { timeout: 10_000 });
    const duplex = toNodeDuplex(conn);
    const { status, json } = await new Promise<{ status?: number; json: Record<string, unknown> }>(
      (resolve, reject) => {
        const request = http.request({ method: "PUT", path: "/files/a.txt", createConnection: () => duplex }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (part: string) => (text += part));
          res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
        });
        request.on("error", reject);
        request.end("x".repeat(123_456));
      },
    );
    assert.equal(status, 200);
    assert.match(String(json.server), /^node v\d+\./);
    assert.deepEqual({ ...json, server: undefined }, {
      server: undefined,
      method: "PUT",
      url: "/files/a.txt",
      bytes: 123_456,
    });
    await peer.waitFor("done");
    duplex.destroy();
    conn.close();
  });
}

/** Serves the winpipe side of the exchange on `conn` until node.exe reports; returns the peer and node's name. */
async function whoIsNode(conn: PipeConnection, done: Promise<Record<string, unknown>>) {
  const peer = new JsonRpcPeer(conn, interopHandlers);
  const status = await done;
  await peer.close();
  const roundTrip = (status.results as VscodeSideResults).roundTrip as { upper?: { by?: string } };
  return { peer, name: String(roundTrip.upper?.by) };
}
