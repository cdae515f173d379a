/**
 * The Win32 and NT structures the kernel32 backends build, their x64
 * layouts, and the small value conversions around them (UTF-16 names,
 * HANDLE values, NTSTATUS). Every struct lives in a typed array backed by an
 * ArrayBuffer made for it, so that its address is stable in every runtime
 * (V8 moves small typed arrays allocated on its heap; JavaScriptCore moves
 * the bytes of a small typed array the first time its `.buffer` is taken).
 *
 * @module
 */
import { NMPWAIT_USE_DEFAULT_WAIT, NMPWAIT_WAIT_FOREVER } from "@winpipe/core";
import type { NativeHandle } from "./symbols.ts";

/** NTSTATUS: the operation is still in progress. */
export const STATUS_PENDING = 0x103;
/** NTSTATUS: end of file (ReadFile on a synchronous handle turns it into success with 0 bytes). */
export const STATUS_END_OF_FILE = 0xc0000011;
/** NTSTATUS: the name exists already. */
export const STATUS_OBJECT_NAME_COLLISION = 0xc0000035;

/** sizeof(OVERLAPPED) on x64: Internal, InternalHigh, Offset, OffsetHigh (or Pointer), hEvent. */
export const OVERLAPPED_SIZE = 32;
/** sizeof(IO_STATUS_BLOCK) on x64: Status (padded to 8), Information. */
export const IO_STATUS_BLOCK_SIZE = 16;
/** sizeof(OVERLAPPED_ENTRY) on x64: lpCompletionKey, lpOverlapped, Internal, dwNumberOfBytesTransferred (+ padding). */
export const OVERLAPPED_ENTRY_SIZE = 32;
/** Offset of OVERLAPPED_ENTRY.lpOverlapped. */
export const OVERLAPPED_ENTRY_OVERLAPPED = 8;

/** A zeroed struct of `size` bytes in its own ArrayBuffer (stable address). */
export function struct(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new ArrayBuffer(size));
}

/**
 * `text` as a NUL-terminated UTF-16LE string, the form of LPCWSTR, in its
 * own ArrayBuffer.
 *
 * @example
 * ```ts
 * import { wideString } from "@winpipe/kernel32";
 * wideString("ab"); // Uint16Array [97, 98, 0]
 * ```
 */
export function wideString(text: string): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(new ArrayBuffer((text.length + 1) * 2));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * True when `value` is INVALID_HANDLE_VALUE ((HANDLE)-1) in any encoding a
 * runtime can hand back for a HANDLE: a bigint (signed or unsigned) or a
 * number (-1, or 2^64-1 rounded to 2^64).
 *
 * @example
 * ```ts
 * import { isInvalidHandleValue } from "@winpipe/kernel32";
 * isInvalidHandleValue(-1n); // true
 * isInvalidHandleValue(0xffff_ffff_ffff_ffffn); // true
 * isInvalidHandleValue(-1); // true
 * isInvalidHandleValue(0x1c4); // false
 * ```
 */
export function isInvalidHandleValue(value: NativeHandle | null): boolean {
  if (value === null) return false;
  if (typeof value === "bigint") return BigInt.asUintN(64, value) === 0xffff_ffff_ffff_ffffn;
  return value === -1 || value === 2 ** 64;
}

/** A HANDLE result that is a real handle (neither NULL nor INVALID_HANDLE_VALUE), as a number; undefined otherwise. */
export function validHandle(value: NativeHandle | null): number | undefined {
  if (value === null || isInvalidHandleValue(value)) return undefined;
  const n = Number(value);
  return n === 0 ? undefined : n;
}

/** The HANDLE an out parameter (PHANDLE, LPHANDLE: 8 bytes) received. */
export function handleAt(out: BigUint64Array<ArrayBuffer>): number {
  return Number(BigInt.asIntN(64, out[0]));
}

/** A fresh IO_STATUS_BLOCK { NTSTATUS Status (padded); ULONG_PTR Information; }. */
export function ioStatusBlock(): Uint8Array<ArrayBuffer> {
  return struct(IO_STATUS_BLOCK_SIZE);
}

/** IO_STATUS_BLOCK.Information (or OVERLAPPED.InternalHigh): bytes transferred. */
export function information(block: Uint8Array<ArrayBuffer>): number {
  return Number(new DataView(block.buffer, block.byteOffset, 16).getBigUint64(8, true));
}

/**
 * SECURITY_ATTRIBUTES { DWORD nLength; LPVOID lpSecurityDescriptor;
 * BOOL bInheritHandle; } with the descriptor at `descriptor` (NULL when
 * undefined: the default descriptor) and the handle's inheritability, or
 * null (the default: no descriptor, not inheritable) when neither is asked
 * for.
 */
export function securityAttributes(
  inheritable: boolean,
  descriptor?: number | bigint,
): Uint8Array<ArrayBuffer> | null {
  if (!inheritable && descriptor === undefined) return null;
  const sa = struct(24);
  const view = new DataView(sa.buffer);
  view.setUint32(0, 24, true);
  if (descriptor !== undefined) view.setBigUint64(8, BigInt(descriptor), true);
  view.setUint32(16, inheritable ? 1 : 0, true);
  return sa;
}

/** OBJECT_ATTRIBUTES.Attributes: case-insensitive name lookup. */
const OBJ_CASE_INSENSITIVE = 0x40;
/** OBJECT_ATTRIBUTES.Attributes: the handle is inheritable. */
const OBJ_INHERIT = 0x2;

/**
 * OBJECT_ATTRIBUTES for an NT path, with its UNICODE_STRING and characters.
 * `keep` holds what the struct points to: keep it referenced until the call
 * that reads the struct has returned.
 */
export function objectAttributes(
  ntName: string,
  inheritable: boolean,
  addressOf: (view: ArrayBufferView) => number,
): { bytes: Uint8Array<ArrayBuffer>; keep: readonly unknown[] } {
  const chars = wideString(ntName);
  // UNICODE_STRING { USHORT Length; USHORT MaximumLength; PWSTR Buffer; }
  const unicode = struct(16);
  const u = new DataView(unicode.buffer);
  u.setUint16(0, ntName.length * 2, true);
  u.setUint16(2, ntName.length * 2 + 2, true);
  u.setBigUint64(8, BigInt(addressOf(chars)), true);
  // OBJECT_ATTRIBUTES { ULONG Length; HANDLE RootDirectory; PUNICODE_STRING ObjectName; ULONG Attributes;
  //                     PVOID SecurityDescriptor; PVOID SecurityQualityOfService; }
  const bytes = struct(48);
  const a = new DataView(bytes.buffer);
  a.setUint32(0, 48, true);
  a.setBigUint64(16, BigInt(addressOf(unicode)), true);
  a.setUint32(24, OBJ_CASE_INSENSITIVE | (inheritable ? OBJ_INHERIT : 0), true);
  return { bytes, keep: [chars, unicode] };
}

/**
 * FILE_PIPE_WAIT_FOR_BUFFER { LARGE_INTEGER Timeout; ULONG NameLength;
 * BOOLEAN TimeoutSpecified; WCHAR Name[]; }: FSCTL_PIPE_WAIT's input, with
 * the timeout encoded as WaitNamedPipeW does (NMPWAIT_USE_DEFAULT_WAIT:
 * TimeoutSpecified FALSE; NMPWAIT_WAIT_FOREVER: the largest positive time;
 * otherwise relative, in 100 ns units).
 */
export function pipeWaitRequest(pipe: string, timeout: number): Uint8Array<ArrayBuffer> {
  const request = struct(14 + pipe.length * 2);
  const view = new DataView(request.buffer);
  if (timeout === NMPWAIT_WAIT_FOREVER || timeout === Infinity) {
    view.setBigInt64(0, 0x7fff_ffff_ffff_ffffn, true);
  } else if (timeout !== NMPWAIT_USE_DEFAULT_WAIT) {
    view.setBigInt64(0, BigInt(timeout) * -10000n, true);
  }
  view.setUint32(8, pipe.length * 2, true);
  view.setUint8(12, timeout === NMPWAIT_USE_DEFAULT_WAIT ? 0 : 1);
  for (let i = 0; i < pipe.length; i++) view.setUint16(14 + i * 2, pipe.charCodeAt(i), true);
  return request;
}

/** Eight hex digits. */
export function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
