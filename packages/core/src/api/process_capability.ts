/**
 * {@linkcode processesOf}: the optional process capability of a kernel.
 *
 * @module
 */
import type { PipeKernel, ProcessKernel } from "../port.ts";

/**
 * The process capability of `kernel`, or an Error saying that the kernel
 * `refusal` (e.g. "cannot start processes (kernel32 can)").
 */
export function processesOf(kernel: PipeKernel, refusal: string): ProcessKernel {
  if (kernel.processes === undefined) throw new Error(`winpipe: the ${kernel.name} kernel ${refusal}`);
  return kernel.processes;
}
