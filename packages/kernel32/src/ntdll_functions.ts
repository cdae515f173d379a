/**
 * {@linkcode NTDLL_FUNCTIONS}: the ntdll.dll functions the kernel32 layer
 * calls (where a Win32 call has no form that reports its status without
 * the thread's last error), described as symbols.ts says.
 *
 * @module
 */
import type { Win32SymbolTable } from "./symbols.ts";

/**
 * The ntdll.dll functions: calls whose status is their return value.
 *
 * @example
 * ```ts
 * import { NTDLL_FUNCTIONS } from "@winpipe/kernel32";
 * NTDLL_FUNCTIONS.NtFlushBuffersFile.offThread; // true: FlushFileBuffers has no overlapped form
 * NTDLL_FUNCTIONS.RtlNtStatusToDosError.result; // "u32"
 * ```
 */
export const NTDLL_FUNCTIONS = {
  /** ULONG RtlNtStatusToDosError(NTSTATUS Status): the Win32 code kernel32 would set for an NTSTATUS. */
  RtlNtStatusToDosError: {
    parameters: [
      "i32", // NTSTATUS Status
    ],
    result: "u32", // ULONG
  },
  /**
   * NTSTATUS NtOpenFile(...): opens the named pipe file system's root
   * (`\??\PIPE\`) for FSCTL_PIPE_WAIT, and the write end of an anonymous
   * pipe (CreatePipe's own call).
   */
  NtOpenFile: {
    parameters: [
      "buffer", // PHANDLE FileHandle
      "u32", // ACCESS_MASK DesiredAccess
      "buffer", // POBJECT_ATTRIBUTES ObjectAttributes
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "u32", // ULONG ShareAccess
      "u32", // ULONG OpenOptions
    ],
    result: "i32", // NTSTATUS
  },
  /**
   * NTSTATUS NtCreateNamedPipeFile(...): CreatePipe's own call for the read
   * end, which lets the handle's access (GENERIC_READ |
   * FILE_WRITE_ATTRIBUTES) and synchronous or overlapped mode be chosen.
   */
  NtCreateNamedPipeFile: {
    parameters: [
      "buffer", // PHANDLE FileHandle
      "u32", // ULONG (ACCESS_MASK) DesiredAccess
      "buffer", // POBJECT_ATTRIBUTES ObjectAttributes
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "u32", // ULONG ShareAccess
      "u32", // ULONG CreateDisposition
      "u32", // ULONG CreateOptions
      "u32", // ULONG NamedPipeType
      "u32", // ULONG ReadMode
      "u32", // ULONG CompletionMode
      "u32", // ULONG MaximumInstances
      "u32", // ULONG InboundQuota
      "u32", // ULONG OutboundQuota
      "buffer", // PLARGE_INTEGER DefaultTimeout
    ],
    result: "i32", // NTSTATUS
  },
  /**
   * NTSTATUS NtFsControlFile(...). On the main thread: FSCTL_PIPE_WAIT
   * (WaitNamedPipeW's own call) issued asynchronously on a handle associated
   * with the completion port, so that it completes like overlapped I/O and
   * CancelIoEx cancels it. Off the main thread: the waiting pipe controls
   * (FSCTL_PIPE_LISTEN, FSCTL_PIPE_TRANSCEIVE) on a handle without
   * FILE_FLAG_OVERLAPPED, where the call itself waits.
   */
  NtFsControlFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "handle", // HANDLE Event
      "buffer", // PIO_APC_ROUTINE ApcRoutine
      "buffer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "u32", // ULONG FsControlCode
      "buffer", // PVOID InputBuffer
      "u32", // ULONG InputBufferLength
      "buffer", // PVOID OutputBuffer
      "u32", // ULONG OutputBufferLength
    ],
    result: "i32", // NTSTATUS
    offThread: true,
  },
  /**
   * NTSTATUS NtFlushBuffersFile(HANDLE, PIO_STATUS_BLOCK), off the main
   * thread: FlushFileBuffers' own call, which waits until the reader has
   * drained the pipe and has no overlapped form.
   */
  NtFlushBuffersFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
    ],
    result: "i32", // NTSTATUS
    offThread: true,
  },
  /**
   * NTSTATUS NtReadFile(...), off the main thread: ReadFile's own call, for
   * handles without FILE_FLAG_OVERLAPPED (anonymous-pipe ends made
   * inheritable for a child process), where the call itself waits.
   */
  NtReadFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "handle", // HANDLE Event
      "buffer", // PIO_APC_ROUTINE ApcRoutine
      "buffer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // PVOID Buffer
      "u32", // ULONG Length
      "buffer", // PLARGE_INTEGER ByteOffset
      "buffer", // PULONG Key
    ],
    result: "i32", // NTSTATUS
    offThread: true,
  },
  /**
   * NTSTATUS NtQueryInformationFile(...): FileModeInformation, whether a
   * handle adopted from a parent is synchronous or overlapped.
   */
  NtQueryInformationFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // PVOID FileInformation
      "u32", // ULONG Length
      "u32", // FILE_INFORMATION_CLASS FileInformationClass
    ],
    result: "i32", // NTSTATUS
  },
  /**
   * NTSTATUS NtQueryDirectoryFile(...), on the main thread and a synchronous
   * handle to the pipe file system's root: the names of its pipes
   * (FileDirectoryInformation), which it reports at once.
   */
  NtQueryDirectoryFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "handle", // HANDLE Event
      "buffer", // PIO_APC_ROUTINE ApcRoutine
      "buffer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // PVOID FileInformation
      "u32", // ULONG Length
      "u32", // FILE_INFORMATION_CLASS FileInformationClass
      "u8", // BOOLEAN ReturnSingleEntry
      "buffer", // PUNICODE_STRING FileName
      "u8", // BOOLEAN RestartScan
    ],
    result: "i32", // NTSTATUS
  },
  /** NTSTATUS NtWriteFile(...), off the main thread: WriteFile's own call, as NtReadFile. */
  NtWriteFile: {
    parameters: [
      "handle", // HANDLE FileHandle
      "handle", // HANDLE Event
      "buffer", // PIO_APC_ROUTINE ApcRoutine
      "buffer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // const void* Buffer
      "u32", // ULONG Length
      "buffer", // PLARGE_INTEGER ByteOffset
      "buffer", // PULONG Key
    ],
    result: "i32", // NTSTATUS
    offThread: true,
  },
} as const satisfies Win32SymbolTable;
