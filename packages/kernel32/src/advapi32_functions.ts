/**
 * {@linkcode ADVAPI32_FUNCTIONS}: the advapi32.dll functions the kernel32
 * layer calls for access control and identity (security descriptors, SIDs,
 * tokens, impersonation), described as symbols.ts says. All are immediate
 * calls made on the main thread, whose failure is read with GetLastError at
 * once (GetSecurityInfo returns its error code instead).
 *
 * @module
 */
import type { Win32SymbolTable } from "./symbols.ts";

/**
 * The advapi32.dll functions.
 *
 * @example
 * ```ts
 * import { ADVAPI32_FUNCTIONS } from "@winpipe/kernel32";
 * ADVAPI32_FUNCTIONS.GetSecurityInfo.result; // "u32": it returns its error code
 * ADVAPI32_FUNCTIONS.ImpersonateNamedPipeClient.parameters; // ["handle"]
 * ```
 */
export const ADVAPI32_FUNCTIONS = {
  /** BOOL ConvertStringSecurityDescriptorToSecurityDescriptorW(...): SDDL to a self-relative descriptor (LocalFree it). */
  ConvertStringSecurityDescriptorToSecurityDescriptorW: {
    parameters: [
      "buffer", // LPCWSTR StringSecurityDescriptor
      "u32", // DWORD StringSDRevision (SDDL_REVISION_1)
      "buffer", // PSECURITY_DESCRIPTOR* SecurityDescriptor
      "buffer", // PULONG SecurityDescriptorSize (NULL)
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConvertSecurityDescriptorToStringSecurityDescriptorW(...): a descriptor to SDDL (LocalFree it). */
  ConvertSecurityDescriptorToStringSecurityDescriptorW: {
    parameters: [
      "usize", // PSECURITY_DESCRIPTOR SecurityDescriptor
      "u32", // DWORD RequestedStringSDRevision (SDDL_REVISION_1)
      "u32", // SECURITY_INFORMATION SecurityInformation
      "buffer", // LPWSTR* StringSecurityDescriptor
      "buffer", // PULONG StringSecurityDescriptorLen (NULL)
    ],
    result: "i32", // BOOL
  },
  /** DWORD GetSecurityInfo(...): the descriptor of a kernel object by handle (returns the error code; LocalFree ppSecurityDescriptor). */
  GetSecurityInfo: {
    parameters: [
      "handle", // HANDLE handle
      "u32", // SE_OBJECT_TYPE ObjectType (SE_KERNEL_OBJECT)
      "u32", // SECURITY_INFORMATION SecurityInfo
      "buffer", // PSID* ppsidOwner
      "buffer", // PSID* ppsidGroup (NULL)
      "buffer", // PACL* ppDacl (NULL)
      "buffer", // PACL* ppSacl (NULL)
      "buffer", // PSECURITY_DESCRIPTOR* ppSecurityDescriptor
    ],
    result: "u32", // DWORD (ERROR_SUCCESS or the error)
  },
  /** BOOL OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess, PHANDLE TokenHandle) */
  OpenProcessToken: {
    parameters: [
      "handle", // HANDLE ProcessHandle
      "u32", // DWORD DesiredAccess
      "buffer", // PHANDLE TokenHandle
    ],
    result: "i32", // BOOL
  },
  /** BOOL OpenThreadToken(HANDLE ThreadHandle, DWORD DesiredAccess, BOOL OpenAsSelf, PHANDLE TokenHandle) */
  OpenThreadToken: {
    parameters: [
      "handle", // HANDLE ThreadHandle
      "u32", // DWORD DesiredAccess
      "i32", // BOOL OpenAsSelf
      "buffer", // PHANDLE TokenHandle
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetTokenInformation(...) */
  GetTokenInformation: {
    parameters: [
      "handle", // HANDLE TokenHandle
      "u32", // TOKEN_INFORMATION_CLASS TokenInformationClass
      "buffer", // LPVOID TokenInformation
      "u32", // DWORD TokenInformationLength
      "buffer", // PDWORD ReturnLength
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConvertSidToStringSidW(PSID Sid, LPWSTR* StringSid): LocalFree the string. */
  ConvertSidToStringSidW: {
    parameters: [
      "usize", // PSID Sid
      "buffer", // LPWSTR* StringSid
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConvertStringSidToSidW(LPCWSTR StringSid, PSID* Sid): LocalFree the SID. */
  ConvertStringSidToSidW: {
    parameters: [
      "buffer", // LPCWSTR StringSid
      "buffer", // PSID* Sid
    ],
    result: "i32", // BOOL
  },
  /** BOOL LookupAccountSidW(...) */
  LookupAccountSidW: {
    parameters: [
      "buffer", // LPCWSTR lpSystemName (NULL: this machine)
      "usize", // PSID Sid
      "buffer", // LPWSTR Name
      "buffer", // LPDWORD cchName
      "buffer", // LPWSTR ReferencedDomainName
      "buffer", // LPDWORD cchReferencedDomainName
      "buffer", // PSID_NAME_USE peUse
    ],
    result: "i32", // BOOL
  },
  /** BOOL ImpersonateNamedPipeClient(HANDLE hNamedPipe): the calling thread takes the client's token. */
  ImpersonateNamedPipeClient: {
    parameters: [
      "handle", // HANDLE hNamedPipe
    ],
    result: "i32", // BOOL
  },
  /** BOOL RevertToSelf(void): the calling thread stops impersonating. */
  RevertToSelf: {
    parameters: [],
    result: "i32", // BOOL
  },
} as const satisfies Win32SymbolTable;
