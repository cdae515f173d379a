/**
 * The security suites of `@winpipe/testing` against the Bun kernel32
 * backend: access control (the current-user default, SDDL, os-default,
 * serverOwner), peer identity (process and session ids, clientUser, also
 * of a spawned bun.exe client) and the refusal of bad input before any
 * system call. Run under the Wine test bed (docs/windows-test-bed.md);
 * under Wine the cases of SECURITY_WINE_DEVIATIONS are skipped, each with
 * its finding (docs/wine-findings.md); off Windows every case is skipped.
 *
 * @module
 */
import { peerIdentitySuite, SECURITY_WINE_DEVIATIONS, securitySuite } from "@winpipe/testing";
import { streams } from "@winpipe/streams";
import { Kernel32, kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, underWine, windowsRegister } from "./util.ts";

const skip = underWine ? SECURITY_WINE_DEVIATIONS : {};
securitySuite(() => new Kernel32(), {
  register: windowsRegister,
  pendingDelayMs: PENDING_DELAY_MS,
  skip,
  processId: () => process.pid,
});
peerIdentitySuite(() => kernel32, {
  register: windowsRegister,
  skip,
  streams,
  runtime: process.execPath,
  script: (path, args) => [path, ...args],
  peerScript: Bun.fileURLToPath(new URL("./fixtures/peer_child.ts", import.meta.url)),
  processId: process.pid,
});
