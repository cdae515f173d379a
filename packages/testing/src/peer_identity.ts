/**
 * The peer identity suite: what needs two processes. A spawned client and
 * its server agree on each other's process and session ids and user, and a
 * client's `serverOwner` refuses a pipe of another owner (docs/security.md).
 * {@linkcode runPeerChild} is the body of the child those cases start, for
 * each runtime's fixture to call with its own `connect` and process.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, type StreamFactories, WELL_KNOWN_SIDS, type Winpipe } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";

const { SYSTEM } = WELL_KNOWN_SIDS;

/**
 * Options of {@linkcode peerIdentitySuite}.
 *
 * @example
 * ```ts ignore
 * import { peerIdentitySuite, type PeerIdentitySuiteOptions, SECURITY_WINE_DEVIATIONS } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * const options: PeerIdentitySuiteOptions = {
 *   register: windowsRegister, // skipped off Windows
 *   skip: SECURITY_WINE_DEVIATIONS,
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   peerScript: new URL("./fixtures/peer_child.ts", import.meta.url).href,
 *   processId: Deno.pid,
 * };
 * peerIdentitySuite(() => kernel32, options);
 * ```
 */
export interface PeerIdentitySuiteOptions extends SuiteOptions {
  /** The `streams` of `@winpipe/streams` (core does not depend on it). */
  streams: StreamFactories;
  /** The program the children run: the runtime's own executable. */
  runtime: string;
  /** The arguments that make `runtime` run the script at `path` with `args`. */
  script(path: string, args: string[]): string[];
  /**
   * The runtime's peer child: `connect NAME OWNER` connects to NAME with
   * `serverOwner: OWNER`, writes one JSON line `{ pid, clientProcessId,
   * clientSessionId, serverProcessId, serverSessionId }` as its connection
   * reports them, and exits 0; if the connect fails it prints the error's
   * message to stderr and exits 3.
   */
  peerScript: string;
  /** This process's id. */
  processId: number;
}

/** The report of the peer child. */
interface PeerReport {
  pid: number;
  clientProcessId: number;
  clientSessionId: number;
  serverProcessId: number;
  serverSessionId: number;
}

/** Everything `conn` reads until the end of the data, as text. */
async function readToEnd(conn: { read(buffer: Uint8Array): Promise<{ bytesRead: number } | null> }): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for (;;) {
    const buffer = new Uint8Array(4096);
    const got = await conn.read(buffer);
    if (got === null) return text + decoder.decode();
    text += decoder.decode(buffer.subarray(0, got.bytesRead), { stream: true });
  }
}

/**
 * Registers the two-process cases (kernel32 only: the model has no child processes).
 *
 * @example
 * ```ts ignore
 * import { peerIdentitySuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * // Two processes: this one and a child running peerScript (packages/deno/test/fixtures/peer_child.ts is one).
 * peerIdentitySuite(() => kernel32, {
 *   register: windowsRegister,
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   peerScript: new URL("./peer_child.ts", import.meta.url).href,
 *   processId: Deno.pid,
 * });
 * ```
 */
export function peerIdentitySuite(factory: KernelFactory, options: PeerIdentitySuiteOptions): void {
  const add = (name: string, fn: (api: Winpipe) => Promise<void>) => {
    const full = `security: ${name}`;
    options.register(full, async () => {
      const api = createWinpipe(await factory(), { streams: options.streams });
      const before = api.liveHandles();
      await fn(api);
      assert.equal(api.liveHandles(), before, "every handle the case made is closed");
    }, options.skip?.[full]);
  };

  add("a spawned client and its server agree on each other's process and session ids and user", async (api) => {
    const name = uniquePipeName("peer");
    await using server = api.createServer(name);
    const accepted = server.accept();
    await using child = api.spawn(
      options.runtime,
      options.script(options.peerScript, ["connect", name, "current-user"]),
      {
        stdout: "null",
        stderr: "pipe",
      },
    );
    const errors = new Response(child.stderr!.readable).text();
    accepted.catch(() => {}); // a child that never connects: reported below
    const exited = child.wait();
    const first = await Promise.race([accepted, exited]);
    if (typeof first === "number" && first !== 0) assert.fail(`the child exited with ${first}: ${await errors}`);
    await using conn = await accepted;
    const line = await readToEnd(conn);
    assert.equal(await exited, 0, `the child connected and reported: ${await errors}`);
    const report = JSON.parse(line) as PeerReport;
    assert.equal(report.pid, child.pid, "the child is who spawn says");
    assert.equal(conn.clientProcessId(), child.pid, "the server sees the child's process");
    assert.equal(report.clientProcessId, child.pid, "the child sees itself as the client");
    assert.equal(report.serverProcessId, options.processId, "the child sees this process as the server");
    assert.equal(conn.serverProcessId(), options.processId);
    assert.equal(report.serverSessionId, conn.serverSessionId(), "both see the same server session");
    assert.equal(report.clientSessionId, conn.clientSessionId(), "both see the same client session");
    assert.deepEqual(conn.clientUser(), api.currentUser(), "the child runs as this user");
  });

  add("a spawned client that requires another owner refuses the server, naming both owners", async (api) => {
    const name = uniquePipeName("peer-owner");
    const { sid } = api.currentUser();
    await using server = api.createServer(name);
    const accepted = server.accept();
    await using child = api.spawn(options.runtime, options.script(options.peerScript, ["connect", name, SYSTEM]), {
      stdout: "null",
      stderr: "pipe",
    });
    const errors = new Response(child.stderr!.readable).text();
    assert.equal(await child.wait(), 3, "the child's connect failed");
    const message = await errors;
    assert.match(message, /ERROR_ACCESS_DENIED/);
    assert.match(message, new RegExp(`owned by ${sid}`));
    assert.match(message, /not by S-1-5-18/);
    await using conn = await accepted;
    assert.equal(await conn.read(new Uint8Array(8)), null, "the child wrote nothing");
  });
}

/**
 * What the child needs from its runtime.
 *
 * @example
 * ```ts ignore
 * import { connect } from "@winpipe/bun";
 * import type { PeerChildRuntime } from "@winpipe/testing";
 * const runtime: PeerChildRuntime = { connect, args: process.argv.slice(2), pid: process.pid, exit: (code) => process.exit(code) };
 * ```
 */
export interface PeerChildRuntime {
  /** The runtime package's `connect`. */
  connect: Winpipe["connect"];
  /** The child's arguments: `connect NAME OWNER`. */
  args: readonly string[];
  /** The child's process id. */
  pid: number;
  /** Ends the child with `code`. */
  exit(code: number): never;
}

/**
 * `connect NAME OWNER` connects to the pipe NAME requiring `serverOwner:
 * OWNER`, then writes one JSON line with its process id and the ids its
 * connection reports, and closes. A connect that fails prints the error's
 * message to standard error and exits with code 3; an unknown mode exits 2.
 *
 * @example
 * ```ts ignore
 * // packages/deno/test/fixtures/peer_child.ts
 * import { connect } from "@winpipe/deno";
 * import { runPeerChild } from "@winpipe/testing";
 * await runPeerChild({ connect, args: Deno.args, pid: Deno.pid, exit: Deno.exit });
 * ```
 */
export async function runPeerChild(runtime: PeerChildRuntime): Promise<void> {
  const [mode, name, owner] = runtime.args;
  if (mode !== "connect") {
    console.error(`peer_child: unknown mode ${mode}`);
    runtime.exit(2);
  }
  let conn;
  try {
    conn = await runtime.connect(name, { serverOwner: owner, timeout: 10_000 });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    runtime.exit(3);
  }
  const report = {
    pid: runtime.pid,
    clientProcessId: conn.clientProcessId(),
    clientSessionId: conn.clientSessionId(),
    serverProcessId: conn.serverProcessId(),
    serverSessionId: conn.serverSessionId(),
  };
  await conn.write(new TextEncoder().encode(JSON.stringify(report) + "\n"));
  conn.close();
}
