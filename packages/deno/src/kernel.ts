/**
 * {@linkcode Kernel32}: winpipe's kernel port over kernel32.dll for Deno:
 * the kernel of `@winpipe/kernel32` bound to {@linkcode denoBinding}. The
 * semantics live in `@winpipe/kernel32` (docs/kernel32.md); what is Deno's
 * own is in docs/deno-backend.md.
 *
 * @module
 */
import { isInvalidHandleValue as isInvalidValue, Kernel32Handle, Kernel32Kernel } from "@winpipe/kernel32";
import { denoBinding } from "./binding.ts";

export { Kernel32Handle };

/**
 * True when `value` is INVALID_HANDLE_VALUE ((HANDLE)-1) in any encoding
 * Deno can hand back for a HANDLE: a pointer object, a bigint (signed or
 * unsigned) or a number (-1, or 2^64-1 rounded to 2^64).
 *
 * @example
 * ```ts
 * import { isInvalidHandleValue } from "@winpipe/deno";
 * isInvalidHandleValue(-1n); // true
 * isInvalidHandleValue(0xffff_ffff_ffff_ffffn); // true
 * isInvalidHandleValue(-1); // true
 * isInvalidHandleValue(0x1c4n); // false
 * ```
 */
export function isInvalidHandleValue(value: Deno.PointerValue | bigint | number): boolean {
  if (value !== null && typeof value === "object") return isInvalidValue(Deno.UnsafePointer.value(value));
  return isInvalidValue(value);
}

/**
 * The kernel port over kernel32.dll through Deno FFI. Loading is lazy:
 * constructing one off Windows does nothing, calling a method throws an
 * Error saying kernel32 is only available on Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/deno";
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
    super(denoBinding);
  }
}
