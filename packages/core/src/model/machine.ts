/**
 * A model machine: what the processes of one machine share (the pipe
 * namespace, the handle values, the accounts), and the options of a
 * kernel, which is one process of a machine.
 *
 * @module
 */
import { ModelProcess, type ModelProcessOptions, WELL_KNOWN_ACCOUNTS } from "./identity.ts";
import { PipeNamespace } from "./namespace.ts";

/**
 * Options of {@linkcode createModelKernel}.
 *
 * @example
 * ```ts
 * import { createModelKernel, type ModelKernelOptions } from "@winpipe/core/model";
 * const options: ModelKernelOptions = { name: "model-b" };
 * createModelKernel(options).name; // "model-b"
 * ```
 */
export interface ModelKernelOptions {
  /** The kernel's {@linkcode PipeKernel.name}, for messages and test labels. Default "model". */
  name?: string;
  /** Who the kernel's process is: ids, user, groups, integrity level. Default: process 1000 of MODEL\\user, medium integrity. */
  process?: ModelProcessOptions;
}

/** What the processes of one model machine share: the pipe namespace, the handle values, the accounts. */
export class Machine {
  readonly names = new PipeNamespace();
  nextHandleValue = 4;
  nextProcessId = 1000;
  readonly accounts = new Map<string, string>(WELL_KNOWN_ACCOUNTS.map(({ sid, account }) => [sid, account]));

  /** A new process of this machine; its user becomes a known account. */
  process(options: ModelProcessOptions | undefined): ModelProcess {
    const process = new ModelProcess(this.nextProcessId, options);
    this.nextProcessId = Math.max(this.nextProcessId, process.processId) + 4;
    if (!this.accounts.has(process.user.sid)) this.accounts.set(process.user.sid, process.user.account);
    return process;
  }
}
