/**
 * {@linkcode Kernel32Security}: access control and identity for the kernel32
 * kernel: security descriptors as SDDL, SIDs, the client and server id
 * calls, impersonation. Every call is immediate and made on the main
 * thread, and a failure's GetLastError is read at once (win32.ts `check`).
 *
 * Memory: the conversions allocate what they return with LocalAlloc; it is
 * copied into JavaScript strings (lstrlenW, RtlMoveMemory) and freed
 * (LocalFree) before the method returns, also when it fails. What the
 * kernel reads (strings, the TOKEN_USER buffer whose SID pointer points
 * into itself) is memory of ours, referenced until the call has returned.
 *
 * @module
 */
import { ERROR_INSUFFICIENT_BUFFER, ERROR_PROC_NOT_FOUND, PipeError } from "@winpipe/core";
import type { PipeSecurityInfo, SecurityKernel } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import type { Kernel32Handle } from "./handle.ts";
import type { Session } from "./session.ts";
import { handleAt, struct, wideString } from "./structs.ts";
import { CURRENT_PROCESS } from "./win32_constants.ts";
import { check, keepUntilHere, lastError } from "./win32.ts";

/** GetCurrentThread(): the pseudo handle of the calling thread, (HANDLE)-2. */
const CURRENT_THREAD = -2;
/** OpenProcessToken / OpenThreadToken DesiredAccess: TOKEN_QUERY. */
const TOKEN_QUERY = 0x0008;
/** GetTokenInformation TokenInformationClass: TokenUser. */
const TOKEN_USER = 1;
/** sizeof(TOKEN_USER) + the largest SID (68 bytes), rounded up. */
const TOKEN_USER_SIZE = 128;
/** GetSecurityInfo ObjectType: SE_KERNEL_OBJECT. */
const SE_KERNEL_OBJECT = 6;
/** SECURITY_INFORMATION: OWNER_ | GROUP_ | DACL_ | LABEL_SECURITY_INFORMATION. */
const DESCRIPTOR_PARTS = 0x1 | 0x2 | 0x4 | 0x10;
/** StringSDRevision. */
const SDDL_REVISION_1 = 1;
/** Characters of a name buffer for LookupAccountSidW (grown if that is not enough). */
const NAME_CHARS = 256;
/** Characters of a computer name: a DNS name has at most 255. */
const COMPUTER_NAME_CHARS = 256;

/** What the security calls need of the kernel (given by Kernel32Kernel). */
export interface SecurityAccess {
  /** The session of the loaded libraries (throws off Windows). */
  session(): Session;
  /** The native handle of an open handle of this kernel (throws a PipeError naming `call` when closed). */
  native(handle: Kernel32Handle, call: string): number;
}

/** A NUL-terminated UTF-16 string the system allocated at `address`, copied into a JavaScript string. */
function wideAt(lib: Win32Library, address: number | bigint): string {
  const length = lib.kernel32.lstrlenW(address);
  const chars = new Uint16Array(new ArrayBuffer(Math.max(2, length * 2)));
  if (length > 0) lib.kernel32.RtlMoveMemory(chars, address, length * 2);
  return new TextDecoder("utf-16le").decode(chars.subarray(0, length));
}

/** An out parameter that receives a pointer (PSID*, LPWSTR*, ...). */
function pointerOut(): BigUint64Array<ArrayBuffer> {
  return new BigUint64Array(new ArrayBuffer(8));
}

/** LocalFree of what a conversion allocated (nothing for NULL). */
function localFree(lib: Win32Library, address: bigint): void {
  if (address !== 0n) lib.kernel32.LocalFree(address);
}

/**
 * [ConvertSidToStringSidW](https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertsidtostringsidw):
 * the SID at `sid` as `S-1-...`.
 */
function sidString(lib: Win32Library, sid: bigint): string {
  const out = pointerOut();
  check(lib, lib.advapi32.ConvertSidToStringSidW(sid, out), "ConvertSidToStringSidW");
  try {
    return wideAt(lib, out[0]);
  } finally {
    localFree(lib, out[0]);
  }
}

/**
 * [GetTokenInformation](https://learn.microsoft.com/en-us/windows/win32/api/securitybaseapi/nf-securitybaseapi-gettokeninformation)(TokenUser)
 * of an open token: its user's SID. Closes the token.
 */
function tokenUser(lib: Win32Library, token: number): string {
  try {
    const info = struct(TOKEN_USER_SIZE);
    const length = new Uint32Array(new ArrayBuffer(4));
    check(lib, lib.advapi32.GetTokenInformation(token, TOKEN_USER, info, info.length, length), "GetTokenInformation");
    // TOKEN_USER { SID_AND_ATTRIBUTES User { PSID Sid; DWORD Attributes; } }: Sid points into `info`.
    const sid = new DataView(info.buffer).getBigUint64(0, true);
    const text = sidString(lib, sid);
    keepUntilHere([info]);
    return text;
  } finally {
    lib.kernel32.CloseHandle(token);
  }
}

/**
 * The kernel32 kernel's {@linkcode SecurityKernel}. Each method names the
 * Win32 calls it makes.
 *
 * @example
 * ```ts ignore
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * kernel32.security.processUser(); // "S-1-5-21-...-1001"
 * ```
 */
export class Kernel32Security implements SecurityKernel<Kernel32Handle> {
  readonly #access: SecurityAccess;

  /** @internal Made by Kernel32Kernel. */
  constructor(access: SecurityAccess) {
    this.#access = access;
  }

  get #lib(): Win32Library {
    return this.#access.session().lib;
  }

  /**
   * [OpenProcessToken](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-openprocesstoken)(GetCurrentProcess(), TOKEN_QUERY)
   * and GetTokenInformation(TokenUser): the SID of the user this process runs as.
   */
  processUser(): string {
    const lib = this.#lib;
    const out = pointerOut();
    check(lib, lib.advapi32.OpenProcessToken(CURRENT_PROCESS, TOKEN_QUERY, out), "OpenProcessToken");
    return tokenUser(lib, handleAt(out));
  }

  /**
   * [ConvertStringSidToSidW](https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertstringsidtosidw)
   * and [LookupAccountSidW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-lookupaccountsidw):
   * `DOMAIN\name`, or `name` for an account without a domain (Everyone).
   */
  lookupAccount(sid: string): string {
    const lib = this.#lib;
    const out = pointerOut();
    check(lib, lib.advapi32.ConvertStringSidToSidW(wideString(sid), out), "ConvertStringSidToSidW");
    try {
      let nameChars = NAME_CHARS, domainChars = NAME_CHARS;
      for (;;) {
        const name = new Uint16Array(new ArrayBuffer(nameChars * 2));
        const domain = new Uint16Array(new ArrayBuffer(domainChars * 2));
        const sizes = new Uint32Array(new ArrayBuffer(12));
        sizes[0] = nameChars;
        sizes[1] = domainChars;
        const ok = lib.advapi32.LookupAccountSidW(
          null,
          out[0],
          name,
          sizes.subarray(0, 1),
          domain,
          sizes.subarray(1, 2),
          sizes.subarray(2, 3),
        );
        if (!ok) {
          const err = lastError(lib, "LookupAccountSidW");
          if (err.code !== ERROR_INSUFFICIENT_BUFFER) throw err;
          // The sizes now hold what is needed (with the NUL).
          nameChars = Math.max(nameChars + 1, sizes[0]);
          domainChars = Math.max(domainChars + 1, sizes[1]);
          continue;
        }
        // On success the sizes are the lengths, without the NUL.
        const decoder = new TextDecoder("utf-16le");
        const account = decoder.decode(name.subarray(0, sizes[0]));
        const where = decoder.decode(domain.subarray(0, sizes[1]));
        return where === "" ? account : `${where}\\${account}`;
      }
    } finally {
      localFree(lib, out[0]);
    }
  }

  /**
   * [GetSecurityInfo](https://learn.microsoft.com/en-us/windows/win32/api/aclapi/nf-aclapi-getsecurityinfo)(handle,
   * SE_KERNEL_OBJECT, OWNER_ | GROUP_ | DACL_ | LABEL_SECURITY_INFORMATION)
   * and [ConvertSecurityDescriptorToStringSecurityDescriptorW](https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertsecuritydescriptortostringsecuritydescriptorw):
   * the pipe's descriptor as SDDL, and its owner (ConvertSidToStringSidW).
   * Needs READ_CONTROL on the handle, which every pipe handle winpipe opens has.
   */
  getSecurityInfo(handle: Kernel32Handle): PipeSecurityInfo {
    const call = "GetSecurityInfo";
    const native = this.#access.native(handle, call);
    const lib = this.#lib;
    const owner = pointerOut();
    const descriptor = pointerOut();
    const code = lib.advapi32.GetSecurityInfo(
      native,
      SE_KERNEL_OBJECT,
      DESCRIPTOR_PARTS,
      owner,
      null,
      null,
      null,
      descriptor,
    );
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
    try {
      const text = pointerOut();
      const convert = "ConvertSecurityDescriptorToStringSecurityDescriptorW";
      check(
        lib,
        lib.advapi32[convert](descriptor[0], SDDL_REVISION_1, DESCRIPTOR_PARTS, text, null),
        convert,
        handle.pipeName,
      );
      let sddl: string;
      try {
        sddl = wideAt(lib, text[0]);
      } finally {
        localFree(lib, text[0]);
      }
      // The owner points into the descriptor, freed below.
      return { descriptor: sddl, owner: owner[0] === 0n ? undefined : sidString(lib, owner[0]) };
    } finally {
      localFree(lib, descriptor[0]);
    }
  }

  /** A call that writes one ULONG: the id calls. */
  #ulong(
    handle: Kernel32Handle,
    call: string,
    fn: (native: number, out: Uint32Array<ArrayBuffer>) => number,
  ): number {
    const native = this.#access.native(handle, call);
    const { lib, dwords, dword } = this.#access.session();
    dwords[0] = 0;
    check(lib, fn(native, dword[0]), call, handle.pipeName);
    return dwords[0];
  }

  /** [GetNamedPipeClientProcessId](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipeclientprocessid). */
  clientProcessId(handle: Kernel32Handle): number {
    const lib = this.#lib;
    return this.#ulong(
      handle,
      "GetNamedPipeClientProcessId",
      (h, out) => lib.kernel32.GetNamedPipeClientProcessId(h, out),
    );
  }

  /** [GetNamedPipeClientSessionId](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipeclientsessionid). */
  clientSessionId(handle: Kernel32Handle): number {
    const lib = this.#lib;
    return this.#ulong(
      handle,
      "GetNamedPipeClientSessionId",
      (h, out) => lib.kernel32.GetNamedPipeClientSessionId(h, out),
    );
  }

  /** [GetNamedPipeServerProcessId](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipeserverprocessid). */
  serverProcessId(handle: Kernel32Handle): number {
    const lib = this.#lib;
    return this.#ulong(
      handle,
      "GetNamedPipeServerProcessId",
      (h, out) => lib.kernel32.GetNamedPipeServerProcessId(h, out),
    );
  }

  /** [GetNamedPipeServerSessionId](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipeserversessionid). */
  serverSessionId(handle: Kernel32Handle): number {
    const lib = this.#lib;
    return this.#ulong(
      handle,
      "GetNamedPipeServerSessionId",
      (h, out) => lib.kernel32.GetNamedPipeServerSessionId(h, out),
    );
  }

  /**
   * [GetNamedPipeClientComputerNameW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-getnamedpipeclientcomputernamew):
   * ERROR_PIPE_LOCAL for a client on this machine. Where kernel32.dll does
   * not export it (Wine 10), ERROR_PROC_NOT_FOUND, without a call.
   */
  clientComputerName(handle: Kernel32Handle): string {
    const call = "GetNamedPipeClientComputerNameW";
    const native = this.#access.native(handle, call);
    const lib = this.#lib;
    const fn = lib.kernel32.GetNamedPipeClientComputerNameW;
    if (fn === null) {
      throw new PipeError(ERROR_PROC_NOT_FOUND, call, {
        pipeName: handle.pipeName,
        detail: "kernel32.dll does not export GetNamedPipeClientComputerNameW",
      });
    }
    const name = new Uint16Array(new ArrayBuffer(COMPUTER_NAME_CHARS * 2));
    check(lib, fn(native, name, name.byteLength), call, handle.pipeName);
    const end = name.indexOf(0);
    return new TextDecoder("utf-16le").decode(name.subarray(0, end < 0 ? name.length : end));
  }

  /**
   * [ImpersonateNamedPipeClient](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-impersonatenamedpipeclient):
   * the calling (main) thread takes the client's token until
   * {@linkcode Kernel32Security.revertToSelf}.
   */
  impersonateClient(handle: Kernel32Handle): void {
    const call = "ImpersonateNamedPipeClient";
    const native = this.#access.native(handle, call);
    const lib = this.#lib;
    check(lib, lib.advapi32.ImpersonateNamedPipeClient(native), call, handle.pipeName);
  }

  /**
   * [OpenThreadToken](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-openthreadtoken)(GetCurrentThread(),
   * TOKEN_QUERY, OpenAsSelf TRUE) and GetTokenInformation(TokenUser):
   * ERROR_NO_TOKEN when the thread impersonates nobody,
   * ERROR_CANT_OPEN_ANONYMOUS when it impersonates an anonymous client.
   */
  threadUser(): string {
    const lib = this.#lib;
    const out = pointerOut();
    check(lib, lib.advapi32.OpenThreadToken(CURRENT_THREAD, TOKEN_QUERY, 1, out), "OpenThreadToken");
    return tokenUser(lib, handleAt(out));
  }

  /** [RevertToSelf](https://learn.microsoft.com/en-us/windows/win32/api/securitybaseapi/nf-securitybaseapi-reverttoself). */
  revertToSelf(): void {
    const lib = this.#lib;
    check(lib, lib.advapi32.RevertToSelf(), "RevertToSelf");
  }
}
