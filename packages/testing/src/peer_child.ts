/**
 * {@linkcode runPeerChild}: the body of the child process of
 * `peerIdentitySuite`'s cases, for each runtime's fixture to call
 * with its own `connect` and process.
 *
 * @module
 */
import type { Winpipe } from "@winpipe/core";

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
