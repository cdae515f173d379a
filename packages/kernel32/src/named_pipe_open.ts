/**
 * The two calls that open a named pipe handle: CreateNamedPipeW (a server
 * instance, with its security descriptor converted from SDDL) and
 * CreateFileW (a client end, with its impersonation level). Both add
 * FILE_FLAG_OVERLAPPED unless the params ask for a synchronous handle; the
 * kernel associates an overlapped handle with the completion port
 * (kernel.ts).
 *
 * @module
 */
import {
  type CreateNamedPipeParams,
  FILE_FLAG_OVERLAPPED,
  type OpenPipeParams,
  SECURITY_IDENTIFICATION,
} from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import { securityAttributes, validHandle, wideString } from "./structs.ts";
import { OPEN_EXISTING, SECURITY_SQOS_PRESENT } from "./win32_constants.ts";
import { check, lastError } from "./win32.ts";

/** FILE_FLAG_OVERLAPPED, or 0 for a synchronous handle. */
function overlappedFlag(params: { synchronous?: boolean }): number {
  return params.synchronous ? 0 : FILE_FLAG_OVERLAPPED;
}

/** sddl.h's SDDL_REVISION_1, the only revision there is. */
const SDDL_REVISION_1 = 1;

/**
 * [CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew)
 * with FILE_FLAG_OVERLAPPED added unless `params.synchronous`; `params.securityDescriptor` (SDDL) is
 * converted with
 * [ConvertStringSecurityDescriptorToSecurityDescriptorW](https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertstringsecuritydescriptortosecuritydescriptorw)
 * and freed (LocalFree) once the call has returned. Returns the native handle.
 */
export function createNamedPipeNative(lib: Win32Library, params: CreateNamedPipeParams): number {
  let descriptor: bigint | undefined;
  if (params.securityDescriptor !== undefined) {
    const convert = "ConvertStringSecurityDescriptorToSecurityDescriptorW";
    const out = new BigUint64Array(new ArrayBuffer(8));
    check(
      lib,
      lib.advapi32[convert](wideString(params.securityDescriptor), SDDL_REVISION_1, out, null),
      convert,
      params.name,
    );
    descriptor = out[0];
  }
  let native: number | undefined;
  try {
    native = validHandle(lib.kernel32.CreateNamedPipeW(
      wideString(params.name),
      (params.openMode | overlappedFlag(params)) >>> 0,
      params.pipeMode,
      params.maxInstances,
      params.outBufferSize,
      params.inBufferSize,
      params.defaultTimeout,
      securityAttributes(params.inheritable, descriptor),
    ));
    if (native === undefined) throw lastError(lib, "CreateNamedPipeW", params.name);
  } finally {
    if (descriptor !== undefined) lib.kernel32.LocalFree(descriptor);
  }
  return native;
}

/**
 * [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)(name,
 * access, 0, sa, OPEN_EXISTING, FILE_FLAG_OVERLAPPED (unless
 * `params.synchronous`) | SECURITY_SQOS_PRESENT | the impersonation level,
 * by default SECURITY_IDENTIFICATION). Returns the native handle.
 */
export function openPipeNative(lib: Win32Library, params: OpenPipeParams): number {
  const native = validHandle(lib.kernel32.CreateFileW(
    wideString(params.name),
    params.access >>> 0,
    0,
    securityAttributes(params.inheritable),
    OPEN_EXISTING,
    (overlappedFlag(params) | SECURITY_SQOS_PRESENT | (params.securityQos ?? SECURITY_IDENTIFICATION)) >>> 0,
    0,
  ));
  if (native === undefined) throw lastError(lib, "CreateFileW", params.name);
  return native;
}
