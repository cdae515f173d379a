/**
 * `@winpipe/core/model`: an in-memory Windows pipe kernel, the executable
 * specification of winpipe.
 *
 * {@linkcode createModelKernel} returns a `PipeKernel` (the port of `@winpipe/core`) that
 * implements every behaviour of docs/behaviours.md the way Windows does it: a
 * `\\.\pipe\` namespace with case-insensitive names, instances that listen,
 * connect, close and disconnect, buffer quotas and blocking writes, byte and
 * message types, read modes and wait modes, peek counts, zero-length
 * messages, transactions, flushes, cancellation and anonymous pipes. It runs
 * on any OS and any runtime (no Deno or Bun APIs), so pipe code can be tested
 * without Windows, and the same conformance suite and differential tests run
 * against it and against kernel32.
 *
 * How waiting works: calls that Windows completes at once return settled
 * promises (no timers, so the model is fast and deterministic). Calls that
 * would wait return promises that settle when another call on the same
 * kernel satisfies them (a write for a pending read, a read that makes room
 * for a pending write, a CreateFile for a pending ConnectNamedPipe), when a
 * close or disconnect ends them, when their AbortSignal aborts or
 * `cancelIo` cancels them, or, for `waitNamedPipe`, when its timeout runs
 * out (the only timer). A wait that no later call on the kernel satisfies
 * stays pending, as it would on Windows.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 *
 * const kernel = createModelKernel();
 * // An anonymous pipe with a 4-byte buffer.
 * const { read, write } = kernel.createPipe(4, false, false);
 * // The write does not fit: it waits for the reader to make room.
 * const written = kernel.write(write, new Uint8Array([1, 2, 3, 4, 5, 6]));
 * const { bytes } = await kernel.read(read, 8); // 6 bytes: reads take from pending writes too
 * await written; // 6
 * kernel.close(write);
 * await kernel.read(read, 8).catch((e) => e.codeName); // "ERROR_BROKEN_PIPE"
 * kernel.close(read);
 * kernel.liveHandles(); // 0
 * ```
 *
 * Identities: each kernel is one process of a machine, with a process and
 * session id and a token (user, groups, integrity level); access checks,
 * the peer identity calls and impersonation see them.
 * `kernel.otherProcess(...)` is another process of the same machine, so
 * pipe code can be tested against clients of other users, SYSTEM, the
 * anonymous logon or sandboxed (low integrity) processes:
 *
 * @example Another user, and a sandboxed process of the same user
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, MODEL_SYSTEM } from "@winpipe/core/model";
 * const machine = createModelKernel();
 * const system = machine.otherProcess({ user: MODEL_SYSTEM });
 * const sandboxed = machine.otherProcess({ integrity: "low" });
 * const name = String.raw`\\.\pipe\service`;
 * using server = createWinpipe(machine).createServer(name); // security: "current-user"
 * await using fromSystem = await createWinpipe(system).connect(name); // SYSTEM may connect
 * await createWinpipe(sandboxed).connect(name).catch((e) => e.codeName); // "ERROR_ACCESS_DENIED": no write up
 * ```
 *
 * @module
 */
export { createModelKernel, ModelKernel, type ModelKernelOptions } from "./src/model/kernel.ts";
export type { ModelHandle } from "./src/model/handle_record.ts";
export {
  type IntegrityLevel,
  MODEL_ANONYMOUS,
  MODEL_SYSTEM,
  MODEL_USER,
  type ModelAccount,
  ModelProcess,
  type ModelProcessOptions,
} from "./src/model/identity.ts";
export { ModelSecurity } from "./src/model/security.ts";
