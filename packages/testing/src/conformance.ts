/**
 * The conformance suite: one or more cases per behaviour id of docs/behaviours.md, run
 * through the {@linkcode PipeKernel} port only, so that the in-memory model
 * and the kernel32 backends (Deno FFI, bun:ffi) are held to the same
 * contract. Each case name starts with its behaviour id.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * conformanceSuite(() => createModelKernel(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   pendingDelayMs: 5,
 * });
 * ```
 *
 * @module
 */
import { type KernelFactory, type SuiteOptions, withCase } from "./harness.ts";
import type { ConformanceCase } from "./conformance/util.ts";
import { anonymousSeedCases } from "./conformance/seeds_anonymous.ts";
import { modeSeedCases, S15_ACCESS_CASE_TITLE } from "./conformance/seeds_modes.ts";
import { creationCases } from "./conformance/creation.ts";
import { connectCases } from "./conformance/connect.ts";
import { byteModeCases } from "./conformance/byte_mode.ts";
import { messageModeCases } from "./conformance/message_mode.ts";
import { E40_MESSAGE_CASE_NAME, nonblockingCases } from "./conformance/nonblocking.ts";
import { peekFlushCases } from "./conformance/peek_flush.ts";
import { brokenPipeCases } from "./conformance/broken_pipe.ts";
import { overlappedCases } from "./conformance/overlapped.ts";
import { transactCases } from "./conformance/transact.ts";
import { syncCallCases } from "./conformance/sync_calls.ts";
import { handleStateCases } from "./conformance/handle_state.ts";
import { discoveryCases, L80_LISTING_CASE_NAME } from "./conformance/discovery.ts";
import { waitingForCreationCases } from "./conformance/waiting_for_creation.ts";
import { timeoutCases } from "./conformance/timeouts.ts";
import { K79_ANONYMOUS_CASE_TITLE, securityCases } from "./conformance/security.ts";

export type { ConformanceCase } from "./conformance/util.ts";
export { E40_MESSAGE_CASE_NAME } from "./conformance/nonblocking.ts";
export { L80_LISTING_CASE_NAME } from "./conformance/discovery.ts";
export { assertSameDescriptor, K79_ANONYMOUS_CASE_TITLE } from "./conformance/security.ts";

/** Every case of the suite, section by section in docs/behaviours.md order. */
const CASES: readonly ConformanceCase[] = [
  ...anonymousSeedCases,
  ...modeSeedCases,
  ...creationCases,
  ...connectCases,
  ...byteModeCases,
  ...messageModeCases,
  ...nonblockingCases,
  ...peekFlushCases,
  ...brokenPipeCases,
  ...overlappedCases,
  ...transactCases,
  ...syncCallCases,
  ...handleStateCases,
  ...securityCases,
  ...discoveryCases,
  ...waitingForCreationCases,
  ...timeoutCases,
];

/**
 * The cases of the suite.
 *
 * @example
 * ```ts
 * import { conformanceCases } from "@winpipe/testing";
 * conformanceCases().some((c) => c.id === "D26"); // true
 * ```
 */
export function conformanceCases(): readonly ConformanceCase[] {
  return CASES;
}

/**
 * The id and name of every case, for coverage checks and skip lists.
 *
 * @example
 * ```ts
 * import { conformanceCaseList } from "@winpipe/testing";
 * const ids = new Set(conformanceCaseList().map((c) => c.id));
 * ids.has("A1"); // true
 * ```
 */
export function conformanceCaseList(): { id: string; name: string }[] {
  return CASES.map(({ id, name }) => ({ id, name }));
}

/**
 * The cases that kernel32 under Wine 10 cannot pass, keyed by behaviour id or
 * case name, each with its reason: a deviation from docs/behaviours.md's list of known
 * Wine deviations, or a finding recorded with its evidence in
 * docs/wine-findings.md (and pinned there by a test that fails once Wine
 * behaves like Windows). The kernel32 backends pass this as `options.skip`
 * when they run under Wine.
 *
 * @example
 * ```ts
 * import { WINE_KNOWN_DEVIATIONS } from "@winpipe/testing";
 * Object.keys(WINE_KNOWN_DEVIATIONS).includes("A7"); // true: Wine 10 ignores FILE_FLAG_FIRST_PIPE_INSTANCE
 * ```
 */
export const WINE_KNOWN_DEVIATIONS: Readonly<Record<string, string>> = {
  A7: "Wine 10 ignores FILE_FLAG_FIRST_PIPE_INSTANCE (docs/behaviours.md, known Wine deviations)",
  [`S15 ${S15_ACCESS_CASE_TITLE}`]: "Wine 10 lets SetNamedPipeHandleState change a client handle opened without " +
    "FILE_WRITE_ATTRIBUTES; Windows fails it with ERROR_ACCESS_DENIED (docs/wine-findings.md, W-S15)",
  [E40_MESSAGE_CASE_NAME]: "Wine differs from Windows on a 514-byte nonblocking write to a message pipe with a " +
    "1-byte read pending (docs/behaviours.md, known Wine deviations; todo_wine in Wine's pipe.c test_nowait)",
  K69:
    "Wine 10 does not keep a pipe's mandatory label: GetSecurityInfo reads back no SACL (docs/wine-findings.md, W-K69)",
  K70: "Wine 10 gives a pipe made without a descriptor no descriptor at all: no owner, no DACL " +
    "(docs/wine-findings.md, W-K70)",
  K71: "Wine 10 does not check a pipe's DACL when a client opens it (docs/wine-findings.md, W-K71)",
  K72: "Wine 10 does not check FILE_CREATE_PIPE_INSTANCE when an instance is added (docs/wine-findings.md, W-K71)",
  K73: "Wine 10 lets a pipe's creator assign any owner (docs/wine-findings.md, W-K73)",
  K75: "Wine 10 still reports the client's ids after DisconnectNamedPipe (docs/behaviours.md, known Wine deviations; " +
    "todo_wine in Wine's pipe.c test_namedpipe_process_id)",
  K76: "Wine 10's kernel32 does not export GetNamedPipeClientComputerNameW (docs/wine-findings.md, W-K76)",
  K78: "Wine 10 lets a server impersonate with no client connected (docs/wine-findings.md, W-K78)",
  [`K79 ${K79_ANONYMOUS_CASE_TITLE}`]: "Wine 10 ignores the client's impersonation level: an anonymous client's user " +
    "can be read (docs/wine-findings.md, W-K79)",
  [L80_LISTING_CASE_NAME]: "Wine 10 cannot list \\.\pipe\: NtQueryDirectoryFile fails with " +
    "STATUS_BAD_DEVICE_TYPE (docs/wine-findings.md, W-L80)",
};

/**
 * Registers every conformance case with `options.register`. Each case runs
 * with a fresh kernel from `factory` inside {@linkcode withCase}, which
 * closes the case's handles and checks for leaks. A case is skipped when
 * `options.skip` has its behaviour id or its full name; the value is the reason.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { test } from "bun:test";
 * conformanceSuite(() => createModelKernel(), {
 *   register: (name, fn, skip) => (skip === undefined ? test(name, fn) : test.skip(`${name} (${skip})`, fn)),
 * });
 * ```
 */
export function conformanceSuite(factory: KernelFactory, options: SuiteOptions): void {
  const delay = options.pendingDelayMs ?? 50;
  const skip = options.skip ?? {};
  for (const c of CASES) {
    const reason = skip[c.name] ?? skip[c.id];
    options.register(c.name, () => withCase(factory, delay, c.run), reason);
  }
}
