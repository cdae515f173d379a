/**
 * The error wording suite: a failure that reaches the caller names its
 * Win32 code and says what went wrong in the terms of the call that failed
 * (a pipe, a host, a program, a directory), never a bare "system error".
 * It needs a kernel that reaches a real kernel (kernel32); the process
 * cases are in the process suite, and the table itself is checked natively
 * (packages/testing/test/suites/errors.ts).
 *
 * @example
 * ```ts ignore
 * import { errorWordingSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * errorWordingSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_BAD_NET_NAME, ERROR_BAD_NETPATH, ERROR_NETWORK_UNREACHABLE, ERROR_PATH_NOT_FOUND } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import { createWinpipe } from "@winpipe/core";
import type { KernelFactory, SuiteOptions } from "./harness.ts";

/** The codes a pipe name on a host that does not exist gets (Wine: ERROR_PATH_NOT_FOUND; Windows: ERROR_BAD_NETPATH). */
const NO_SUCH_HOST = [ERROR_PATH_NOT_FOUND, ERROR_BAD_NETPATH, ERROR_BAD_NET_NAME, ERROR_NETWORK_UNREACHABLE];

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { errorWordingSuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * errorWordingSuite(() => new Kernel32(), { register: windowsRegister });
 * ```
 */
export function errorWordingSuite(factory: KernelFactory, options: SuiteOptions): void {
  const name = "errors: connect, waitNamedPipe and callNamedPipe to a host that does not exist name the host";
  options.register(name, async () => {
    const pipes = createWinpipe(await factory());
    const remote = String.raw`\\winpipe-no-such-host\pipe\x`;
    const calls: [string, () => Promise<unknown>][] = [
      ["connect", () => pipes.connect(remote)],
      ["waitNamedPipe", () => pipes.waitNamedPipe(remote, { timeout: 100 })],
      ["callNamedPipe", () => pipes.callNamedPipe(remote, new Uint8Array(1))],
    ];
    for (const [what, call] of calls) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(isPipeError(err) && NO_SUCH_HOST.includes(err.code), `${what}: ${err}`);
        assert.doesNotMatch(err.message, /system error|ERROR_\d/, what);
        assert.match(err.message, /host/, what);
        assert.equal(err.pipeName, remote);
        return true;
      });
    }
  }, options.skip?.[name]);
}
