/**
 * `@winpipe/core`: the Windows pipe API with its exact Win32 semantics,
 * written once over a kernel port.
 *
 * - Win32 constants and error codes under their documented names, and
 *   {@linkcode PipeError} carrying the code, its name, the call and the pipe.
 * - The kernel port ({@linkcode PipeKernel}) that backends implement: the
 *   in-memory reference model (`@winpipe/core/model`), kernel32 through
 *   Deno FFI (`@winpipe/deno`) and bun:ffi (`@winpipe/bun`).
 * - The public API ({@linkcode createWinpipe}): anonymous pipes, named pipe
 *   servers and clients, whole-message reads, transactions; WHATWG streams
 *   (`readable` / `writable` getters) when `@winpipe/streams`' factories are
 *   passed in ({@linkcode StreamFactories}).
 *
 * Runtime packages bind the API to kernel32; bind it to the model to test
 * pipe code on any OS:
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 *
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\demo`;
 * await using server = createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await connect(name, { readMode: "message" });
 * await using conn = await accepted;
 * await client.write(new TextEncoder().encode("ping"));
 * const message = await conn.readMessage(); // "ping" as bytes
 * ```
 *
 * @module
 */
export * from "./src/constants.ts";
export * from "./src/errors.ts";
export type * from "./src/port.ts";
export { MAX_PIPE_NAME_LENGTH, type ParsedPipeName, parsePipeName, pipePath } from "./src/validate.ts";
export type { PipeMode, WaitMode } from "./src/api/modes.ts";
export type { SignalOptions } from "./src/api/signals.ts";
export type { StreamFactories, StreamHandle } from "./src/api/handle_context.ts";
export {
  type HandleStateInfo,
  type PeekInfo,
  type PeekOptions,
  PipeHandle,
  type PipeInfoDetails,
  type SetStateOptions,
} from "./src/api/pipe_handle.ts";
export type { ReadResult } from "./src/api/read_delivery.ts";
export { PipeConnection } from "./src/api/pipe_connection.ts";
export { NamedPipeHandle } from "./src/api/named_pipe_handle.ts";
export type { ReadMessageOptions, TransactOptions, TransactSyncOptions } from "./src/api/connection_options.ts";
export { DEFAULT_MAX_MESSAGE_SIZE } from "./src/api/whole_message.ts";
export {
  type AnonymousPipe,
  type CreatePipeOptions,
  type Inheritable,
  PipeReader,
  PipeWriter,
} from "./src/api/anonymous.ts";
export { type PipeAccess, type ServerOptions } from "./src/api/server_config.ts";
export { type ConnectOutcome, ServerInstance } from "./src/api/server_instance.ts";
export { PipeServer, ServerClosedError } from "./src/api/pipe_server.ts";
export type {
  CallNamedPipeOptions,
  CallNamedPipeSyncOptions,
  ClientAccess,
  ConnectOptions,
  WaitNamedPipeOptions,
} from "./src/api/client.ts";
export type { ConnectionTimeoutOptions } from "./src/api/connection_timeouts.ts";
export type { ListedPipe, ListPipesOptions } from "./src/api/discovery.ts";
export { quoteWindowsArgument, windowsCommandLine, windowsEnvironmentBlock } from "./src/process/command_line.ts";
export {
  type ChildOutput,
  ChildProcess,
  type InheritedEnd,
  MAX_COMMAND_LINE,
  type SpawnOptions,
  type StdioOption,
} from "./src/api/process.ts";
export { createWinpipe, type Winpipe, type WinpipeOptions } from "./src/api/winpipe.ts";
export {
  type AccountInfo,
  currentUserDescriptor,
  type ImpersonationLevel,
  type ServerOwner,
  type ServerSecurity,
} from "./src/api/security.ts";
export {
  type AceInfo,
  type AceType,
  type AclInfo,
  fileRights,
  formatSecurityDescriptor,
  parseSecurityDescriptor,
  type SecurityDescriptorInfo,
} from "./src/security/sddl.ts";
export { parseSid, WELL_KNOWN_SIDS } from "./src/security/sid.ts";
