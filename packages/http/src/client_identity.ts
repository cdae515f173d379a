/**
 * {@linkcode clientIdentityOf}: what a handler's `info.client` says of the
 * process at the other end of a connection, read from the kernel when a
 * handler first asks.
 *
 * @module
 */
import type { AccountInfo, ServerInstance } from "@winpipe/core";

/**
 * What is known of the client process at the other end of a connection:
 * each field is read from the kernel on first use and then kept (one
 * connection has one client). A field is undefined when the kernel cannot
 * tell: a kernel without access control, or a client that connected at
 * `impersonation: "anonymous"` (then `user` is undefined).
 *
 * @example A handler that answers who called it
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 *
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\whoami`;
 * await using server = serveHttp(name, (_request, { client }) =>
 *   Response.json({ user: client.user?.account, process: client.processId })
 * );
 * await (await pipeFetch(name, "/")).json(); // { user: "MODEL\\user", process: 1000 }
 * ```
 */
export interface PipeClientIdentity {
  /** The client's process id (GetNamedPipeClientProcessId). */
  readonly processId: number | undefined;
  /** The client's session id (GetNamedPipeClientSessionId). */
  readonly sessionId: number | undefined;
  /**
   * The client's user: its SID and account (ServerInstance.clientUser, which
   * impersonates the client and reverts before it returns).
   */
  readonly user: AccountInfo | undefined;
}

/** The identity of the client of `conn`, read lazily; what fails to read is undefined. */
export function clientIdentityOf(conn: ServerInstance): PipeClientIdentity {
  const cache: { -readonly [K in keyof PipeClientIdentity]?: PipeClientIdentity[K] | null } = {};
  const once = <K extends keyof PipeClientIdentity>(key: K, read: () => PipeClientIdentity[K]) => {
    if (cache[key] === undefined) {
      try {
        cache[key] = read() ?? null;
      } catch {
        cache[key] = null; // no access control in this kernel, an anonymous client, a connection gone
      }
    }
    return cache[key] ?? undefined;
  };
  return {
    get processId() {
      return once("processId", () => conn.clientProcessId());
    },
    get sessionId() {
      return once("sessionId", () => conn.clientSessionId());
    },
    get user() {
      return once("user", () => conn.clientUser());
    },
  };
}
