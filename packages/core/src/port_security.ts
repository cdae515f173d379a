/**
 * The kernel port's access control and identity: an optional capability of a kernel (kernel32 and the model have it).
 * See port.ts for the conventions every port method follows.
 *
 * @module
 */
import type { KernelHandle } from "./port.ts";

/**
 * What GetSecurityInfo reads of a pipe.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * const { descriptor, owner } = kernel.security!.getSecurityInfo(read); // GetSecurityInfo
 * owner === kernel.security!.processUser(); // true: the creator owns an anonymous pipe
 * descriptor.startsWith("O:"); // true
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface PipeSecurityInfo {
  /**
   * The pipe's security descriptor as SDDL: owner, group, DACL and
   * mandatory label (OWNER_, GROUP_, DACL_ and LABEL_SECURITY_INFORMATION),
   * as ConvertSecurityDescriptorToStringSecurityDescriptorW prints it.
   */
  descriptor: string;
  /** The owner's SID (`S-1-...`, ConvertSidToStringSidW), or undefined when the descriptor has none. */
  owner: string | undefined;
}

/**
 * Access control and identity of pipes, as immediate calls (conventions as
 * {@linkcode PipeKernel}'s: a failure throws a PipeError with the Win32 code
 * and the call). SIDs are strings in `S-1-...` form.
 *
 * Impersonation is per OS thread: {@linkcode SecurityKernel.impersonateClient}
 * changes the token of the calling thread until
 * {@linkcode SecurityKernel.revertToSelf}. A caller must revert in the same
 * synchronous stretch of code, before any await: JavaScript that runs
 * meanwhile on this thread would run as the client.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const security = kernel.security!;
 * const sid = security.processUser(); // OpenProcessToken + GetTokenInformation(TokenUser)
 * security.lookupAccount(sid); // "MODEL\\user" (LookupAccountSidW)
 * ```
 */
export interface SecurityKernel<H extends KernelHandle = KernelHandle> {
  /** OpenProcessToken + GetTokenInformation(TokenUser): the SID of the user this process runs as. */
  processUser(): string;
  /** LookupAccountSidW: the account of a SID as `DOMAIN\name` (just `name` when it has no domain); ERROR_NONE_MAPPED when none. */
  lookupAccount(sid: string): string;
  /** GetSecurityInfo(handle, SE_KERNEL_OBJECT, ...): the pipe's descriptor and owner, from either end. */
  getSecurityInfo(handle: H): PipeSecurityInfo;
  /** GetNamedPipeClientProcessId. */
  clientProcessId(handle: H): number;
  /** GetNamedPipeClientSessionId. */
  clientSessionId(handle: H): number;
  /** GetNamedPipeClientComputerNameW; ERROR_PIPE_LOCAL when the client is on this machine. */
  clientComputerName(handle: H): string;
  /** GetNamedPipeServerProcessId. */
  serverProcessId(handle: H): number;
  /** GetNamedPipeServerSessionId. */
  serverSessionId(handle: H): number;
  /** ImpersonateNamedPipeClient: the calling thread takes the client's token (see the interface documentation). */
  impersonateClient(handle: H): void;
  /**
   * OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE) +
   * GetTokenInformation(TokenUser): the user of the token the calling thread
   * impersonates; ERROR_NO_TOKEN when it impersonates nobody.
   */
  threadUser(): string;
  /** RevertToSelf: the calling thread stops impersonating (succeeds when it was not). */
  revertToSelf(): void;
}
