/**
 * {@linkcode ModelSecurity}: the model's access control and identity calls
 * (GetSecurityInfo, the client and server id calls, impersonation).
 *
 * The semantics follow Windows as Wine's kernel32 pipe tests (validated on
 * Windows) and ReactOS's NPFS (npfs/secursup.c, fsctrl.c) show them: the
 * client's process, session and security context are captured when it
 * opens the pipe (static tracking) and kept when it closes, and a
 * disconnect drops them (ERROR_NOT_FOUND for the ids, ERROR_CANNOT_IMPERSONATE
 * for impersonation); a client end the server disconnected answers
 * ERROR_PIPE_NOT_CONNECTED; impersonating through a client end is
 * STATUS_ILLEGAL_FUNCTION (ERROR_INVALID_FUNCTION). Impersonation is a
 * state of the process's one thread (the model has one per process).
 *
 * @module
 */
import {
  ERROR_CANNOT_IMPERSONATE,
  ERROR_CANT_OPEN_ANONYMOUS,
  ERROR_INVALID_FUNCTION,
  ERROR_INVALID_SID,
  ERROR_NO_TOKEN,
  ERROR_NONE_MAPPED,
  ERROR_NOT_FOUND,
  ERROR_PIPE_LOCAL,
  ERROR_PIPE_NOT_CONNECTED,
  SECURITY_ANONYMOUS,
} from "../constants.ts";
import type { PipeSecurityInfo, SecurityKernel } from "../port.ts";
import { formatSecurityDescriptor } from "../security/sddl.ts";
import { parseSid } from "../security/sid.ts";
import { failure } from "./checks.ts";
import type { ModelHandle } from "./handle_record.ts";
import type { ModelProcess } from "./identity.ts";
import type { ClientContext, PipeEnd, PipeInstance } from "./instance.ts";

/** What the security calls need of their kernel (given by ModelKernel). */
export interface SecurityAccess {
  /** The process the kernel acts as. */
  readonly process: ModelProcess;
  /** The accounts of the machine, by SID. */
  readonly accounts: ReadonlyMap<string, string>;
  /** The end of an open handle of this kernel (ERROR_INVALID_HANDLE otherwise). */
  end(handle: ModelHandle, call: string): PipeEnd;
  /** The client context the process's thread impersonates, if any. */
  impersonation(): ClientContext | undefined;
  /** Sets (or, with undefined, ends) the impersonation of the process's thread. */
  impersonate(context: ClientContext | undefined): void;
}

/**
 * The model's {@linkcode SecurityKernel}: see the module documentation.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * kernel.security!.getSecurityInfo(read).owner === kernel.process.user.sid; // true
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class ModelSecurity implements SecurityKernel<ModelHandle> {
  readonly #kernel: SecurityAccess;

  /** @internal Made by ModelKernel. */
  constructor(kernel: SecurityAccess) {
    this.#kernel = kernel;
  }

  /** The SID of the user the process runs as. */
  processUser(): string {
    return this.#kernel.process.user.sid;
  }

  /** The account of a SID the machine knows; ERROR_NONE_MAPPED otherwise. */
  lookupAccount(sid: string): string {
    let canonical: string;
    try {
      canonical = parseSid(sid);
    } catch {
      throw failure(ERROR_INVALID_SID, "ConvertStringSidToSidW", undefined);
    }
    const account = this.#kernel.accounts.get(canonical);
    if (account === undefined) throw failure(ERROR_NONE_MAPPED, "LookupAccountSidW", undefined);
    return account;
  }

  /** The pipe's descriptor as the first instance set it (owner, group, DACL, label), and its owner. */
  getSecurityInfo(handle: ModelHandle): PipeSecurityInfo {
    const end = this.#kernel.end(handle, "GetSecurityInfo");
    const descriptor = end.pipe.descriptor;
    return { descriptor: formatSecurityDescriptor(descriptor), owner: descriptor.owner };
  }

  /** The instance of an end a disconnect has not cut off (ERROR_PIPE_NOT_CONNECTED). */
  #instance(handle: ModelHandle, call: string): PipeInstance {
    const end = this.#kernel.end(handle, call);
    if (end.instance === undefined) throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName);
    return end.instance;
  }

  /** The client's process: ERROR_NOT_FOUND while no client is connected (listening, disconnected). */
  #client(handle: ModelHandle, call: string): ModelProcess {
    const instance = this.#instance(handle, call);
    if (instance.clientProcess === undefined) throw failure(ERROR_NOT_FOUND, call, handle.pipeName);
    return instance.clientProcess;
  }

  /** GetNamedPipeClientProcessId. */
  clientProcessId(handle: ModelHandle): number {
    return this.#client(handle, "GetNamedPipeClientProcessId").processId;
  }

  /** GetNamedPipeClientSessionId. */
  clientSessionId(handle: ModelHandle): number {
    return this.#client(handle, "GetNamedPipeClientSessionId").sessionId;
  }

  /** GetNamedPipeClientComputerNameW: the model has no network, so every client is local (ERROR_PIPE_LOCAL). */
  clientComputerName(handle: ModelHandle): string {
    const call = "GetNamedPipeClientComputerNameW";
    this.#client(handle, call);
    throw failure(ERROR_PIPE_LOCAL, call, handle.pipeName);
  }

  /** GetNamedPipeServerProcessId. */
  serverProcessId(handle: ModelHandle): number {
    return this.#instance(handle, "GetNamedPipeServerProcessId").serverProcess.processId;
  }

  /** GetNamedPipeServerSessionId. */
  serverSessionId(handle: ModelHandle): number {
    return this.#instance(handle, "GetNamedPipeServerSessionId").serverProcess.sessionId;
  }

  /** ImpersonateNamedPipeClient: the process's thread takes the client's captured context. */
  impersonateClient(handle: ModelHandle): void {
    const call = "ImpersonateNamedPipeClient";
    const end = this.#kernel.end(handle, call);
    if (end.role === "client") throw failure(ERROR_INVALID_FUNCTION, call, end.pipeName);
    const context = end.instance?.clientContext;
    if (context === undefined) throw failure(ERROR_CANNOT_IMPERSONATE, call, end.pipeName);
    this.#kernel.impersonate(context);
  }

  /** OpenThreadToken + GetTokenInformation(TokenUser) of the impersonated client. */
  threadUser(): string {
    const call = "OpenThreadToken";
    const context = this.#kernel.impersonation();
    if (context === undefined) throw failure(ERROR_NO_TOKEN, call, undefined);
    if (context.level === SECURITY_ANONYMOUS) throw failure(ERROR_CANT_OPEN_ANONYMOUS, call, undefined);
    return context.process.user.sid;
  }

  /** RevertToSelf. */
  revertToSelf(): void {
    this.#kernel.impersonate(undefined);
  }
}
