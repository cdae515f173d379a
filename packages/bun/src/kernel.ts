/**
 * {@linkcode Kernel32}: winpipe's kernel port over kernel32.dll for Bun: the
 * kernel of `@winpipe/kernel32` bound to {@linkcode bunBinding}. The
 * semantics live in `@winpipe/kernel32` (docs/kernel32.md); what is Bun's
 * own is in docs/bun-backend.md.
 *
 * @module
 */
import { Kernel32Kernel } from "@winpipe/kernel32";
import { bunBinding } from "./binding.ts";

/**
 * The kernel port over kernel32.dll through bun:ffi. Loading is lazy:
 * constructing one off Windows does nothing, calling a method throws an
 * Error saying kernel32 is only available on Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/bun";
 * const kernel = new Kernel32();
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const { bytes } = await kernel.read(read, 8); // Uint8Array [1, 2, 3]
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class Kernel32 extends Kernel32Kernel {
  constructor() {
    super(bunBinding);
  }
}
