/**
 * The foreign symbols winpipe's Deno backend uses, and nothing else: one
 * table for kernel32.dll and one for ntdll.dll, each parameter labelled with
 * its Win32 name and C type (x64 Windows: HANDLE and pointers are 64-bit,
 * DWORD/ULONG/BOOL/NTSTATUS 32-bit).
 *
 * Conventions:
 * - HANDLE values are `"pointer"` (a `Deno.PointerObject`, or null for 0).
 * - Out parameters (LPDWORD, LPHANDLE, IO_STATUS_BLOCK*) and in/out structs
 *   (OVERLAPPED, SECURITY_ATTRIBUTES) are `"buffer"`: a Uint8Array or
 *   Uint32Array whose memory the call reads or writes.
 * - Strings (LPCWSTR) are `"buffer"`: NUL-terminated UTF-16LE, see
 *   {@linkcode wideString}.
 * - Entries named `...Blocking` are the same function declared
 *   `nonblocking: true`: Deno runs them on a thread of its blocking pool and
 *   returns a promise. Only functions whose result carries the whole outcome
 *   (an NTSTATUS or a WAIT_* value) are declared that way: GetLastError is
 *   per thread, so it is never read after a nonblocking call.
 *
 * The libraries are opened lazily by {@linkcode loadLibraries}: importing
 * this module on Linux or macOS does nothing; calling it there throws one
 * clear Error.
 *
 * @module
 */

/** The kernel32.dll symbols. */
export const KERNEL32_SYMBOLS = {
  /** HANDLE CreateNamedPipeW(...) */
  CreateNamedPipeW: {
    parameters: [
      "buffer", // LPCWSTR lpName
      "u32", // DWORD dwOpenMode
      "u32", // DWORD dwPipeMode
      "u32", // DWORD nMaxInstances
      "u32", // DWORD nOutBufferSize
      "u32", // DWORD nInBufferSize
      "u32", // DWORD nDefaultTimeOut
      "buffer", // LPSECURITY_ATTRIBUTES lpSecurityAttributes
    ],
    result: "pointer", // HANDLE (INVALID_HANDLE_VALUE on failure)
  },
  /** HANDLE CreateFileW(...) */
  CreateFileW: {
    parameters: [
      "buffer", // LPCWSTR lpFileName
      "u32", // DWORD dwDesiredAccess
      "u32", // DWORD dwShareMode
      "buffer", // LPSECURITY_ATTRIBUTES lpSecurityAttributes
      "u32", // DWORD dwCreationDisposition
      "u32", // DWORD dwFlagsAndAttributes
      "pointer", // HANDLE hTemplateFile
    ],
    result: "pointer", // HANDLE (INVALID_HANDLE_VALUE on failure)
  },
  /** BOOL CloseHandle(HANDLE hObject) */
  CloseHandle: {
    parameters: [
      "pointer", // HANDLE hObject
    ],
    result: "i32", // BOOL
  },
  /** BOOL DuplicateHandle(...) */
  DuplicateHandle: {
    parameters: [
      "pointer", // HANDLE hSourceProcessHandle
      "pointer", // HANDLE hSourceHandle
      "pointer", // HANDLE hTargetProcessHandle
      "buffer", // LPHANDLE lpTargetHandle
      "u32", // DWORD dwDesiredAccess
      "i32", // BOOL bInheritHandle
      "u32", // DWORD dwOptions
    ],
    result: "i32", // BOOL
  },
  /** DWORD GetCurrentProcessId(void) */
  GetCurrentProcessId: {
    parameters: [],
    result: "u32", // DWORD
  },
  /** DWORD GetLastError(void): read on the main thread right after a synchronous call, never after a nonblocking one. */
  GetLastError: {
    parameters: [],
    result: "u32", // DWORD
  },
  /** BOOL PeekNamedPipe(...) */
  PeekNamedPipe: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPVOID lpBuffer
      "u32", // DWORD nBufferSize
      "buffer", // LPDWORD lpBytesRead
      "buffer", // LPDWORD lpTotalBytesAvail
      "buffer", // LPDWORD lpBytesLeftThisMessage
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeHandleStateW(...) */
  GetNamedPipeHandleStateW: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPDWORD lpState
      "buffer", // LPDWORD lpCurInstances
      "buffer", // LPDWORD lpMaxCollectionCount
      "buffer", // LPDWORD lpCollectDataTimeout
      "buffer", // LPWSTR lpUserName
      "u32", // DWORD nMaxUserNameSize
    ],
    result: "i32", // BOOL
  },
  /** BOOL SetNamedPipeHandleState(...) */
  SetNamedPipeHandleState: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPDWORD lpMode
      "buffer", // LPDWORD lpMaxCollectionCount
      "buffer", // LPDWORD lpCollectDataTimeout
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeInfo(...) */
  GetNamedPipeInfo: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPDWORD lpFlags
      "buffer", // LPDWORD lpOutBufferSize
      "buffer", // LPDWORD lpInBufferSize
      "buffer", // LPDWORD lpMaxInstances
    ],
    result: "i32", // BOOL
  },
  /** BOOL DisconnectNamedPipe(HANDLE hNamedPipe) */
  DisconnectNamedPipe: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
    ],
    result: "i32", // BOOL
  },
  /** BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) */
  CancelIoEx: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPOVERLAPPED lpOverlapped (NULL: every request on the handle)
    ],
    result: "i32", // BOOL
  },
  /** BOOL ReadFile(...) on a handle opened with FILE_FLAG_OVERLAPPED. */
  ReadFile: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPVOID lpBuffer
      "u32", // DWORD nNumberOfBytesToRead
      "buffer", // LPDWORD lpNumberOfBytesRead (NULL with an OVERLAPPED)
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /** BOOL WriteFile(...) on a handle opened with FILE_FLAG_OVERLAPPED. */
  WriteFile: {
    parameters: [
      "pointer", // HANDLE hFile
      "buffer", // LPCVOID lpBuffer
      "u32", // DWORD nNumberOfBytesToWrite
      "buffer", // LPDWORD lpNumberOfBytesWritten (NULL with an OVERLAPPED)
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /** BOOL ConnectNamedPipe(HANDLE hNamedPipe, LPOVERLAPPED lpOverlapped) */
  ConnectNamedPipe: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /** BOOL TransactNamedPipe(...) */
  TransactNamedPipe: {
    parameters: [
      "pointer", // HANDLE hNamedPipe
      "buffer", // LPVOID lpInBuffer
      "u32", // DWORD nInBufferSize
      "buffer", // LPVOID lpOutBuffer
      "u32", // DWORD nOutBufferSize
      "buffer", // LPDWORD lpBytesRead (NULL with an OVERLAPPED)
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /**
   * HANDLE CreateIoCompletionPort(...): makes the process's one completion
   * port (FileHandle INVALID_HANDLE_VALUE) and associates each overlapped
   * pipe handle with it.
   */
  CreateIoCompletionPort: {
    parameters: [
      "pointer", // HANDLE FileHandle
      "pointer", // HANDLE ExistingCompletionPort
      "usize", // ULONG_PTR CompletionKey
      "u32", // DWORD NumberOfConcurrentThreads
    ],
    result: "pointer", // HANDLE (NULL on failure)
  },
  /**
   * BOOL SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags):
   * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, so that I/O that completes at once
   * queues no packet.
   */
  SetFileCompletionNotificationModes: {
    parameters: [
      "pointer", // HANDLE FileHandle
      "u8", // UCHAR Flags
    ],
    result: "i32", // BOOL
  },
  /**
   * BOOL PostQueuedCompletionStatus(...): wakes the waiting
   * GetQueuedCompletionStatusEx when nothing is left to wait for.
   */
  PostQueuedCompletionStatus: {
    parameters: [
      "pointer", // HANDLE CompletionPort
      "u32", // DWORD dwNumberOfBytesTransferred
      "usize", // ULONG_PTR dwCompletionKey
      "pointer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /**
   * BOOL GetQueuedCompletionStatusEx(...), on a thread of Deno's blocking
   * pool: one call waits for the completions of every pending overlapped
   * operation of the process and removes up to ulCount of them at once.
   * Only its result and the entries are used (FALSE is retried: the reason
   * is in another thread's last error).
   */
  GetQueuedCompletionStatusExBlocking: {
    name: "GetQueuedCompletionStatusEx",
    parameters: [
      "pointer", // HANDLE CompletionPort
      "buffer", // LPOVERLAPPED_ENTRY lpCompletionPortEntries
      "u32", // ULONG ulCount
      "buffer", // PULONG ulNumEntriesRemoved
      "u32", // DWORD dwMilliseconds
      "i32", // BOOL fAlertable
    ],
    result: "i32", // BOOL
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The ntdll.dll symbols: calls whose status is their return value. */
export const NTDLL_SYMBOLS = {
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
   * NTSTATUS NtFsControlFile(...): FSCTL_PIPE_WAIT (WaitNamedPipeW's own
   * call) issued asynchronously on a handle associated with the completion
   * port, so that it completes like overlapped I/O and CancelIoEx cancels it.
   */
  NtFsControlFile: {
    parameters: [
      "pointer", // HANDLE FileHandle
      "pointer", // HANDLE Event
      "pointer", // PIO_APC_ROUTINE ApcRoutine
      "pointer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "u32", // ULONG FsControlCode
      "buffer", // PVOID InputBuffer
      "u32", // ULONG InputBufferLength
      "buffer", // PVOID OutputBuffer
      "u32", // ULONG OutputBufferLength
    ],
    result: "i32", // NTSTATUS
  },
  /**
   * NTSTATUS NtFsControlFile(...) on a thread of Deno's blocking pool: the
   * waiting pipe controls (FSCTL_PIPE_LISTEN, FSCTL_PIPE_TRANSCEIVE) on a
   * handle without FILE_FLAG_OVERLAPPED, where the call itself waits.
   */
  NtFsControlFileBlocking: {
    name: "NtFsControlFile",
    parameters: [
      "pointer", // HANDLE FileHandle
      "pointer", // HANDLE Event
      "pointer", // PIO_APC_ROUTINE ApcRoutine
      "pointer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "u32", // ULONG FsControlCode
      "buffer", // PVOID InputBuffer
      "u32", // ULONG InputBufferLength
      "buffer", // PVOID OutputBuffer
      "u32", // ULONG OutputBufferLength
    ],
    result: "i32", // NTSTATUS
    nonblocking: true,
  },
  /**
   * NTSTATUS NtFlushBuffersFile(HANDLE, PIO_STATUS_BLOCK), on a thread of
   * Deno's blocking pool: FlushFileBuffers' own call, which waits until the
   * reader has drained the pipe and has no overlapped form.
   */
  NtFlushBuffersFileBlocking: {
    name: "NtFlushBuffersFile",
    parameters: [
      "pointer", // HANDLE FileHandle
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
    ],
    result: "i32", // NTSTATUS
    nonblocking: true,
  },
  /**
   * NTSTATUS NtReadFile(...) on a thread of Deno's blocking pool: ReadFile's
   * own call, for handles without FILE_FLAG_OVERLAPPED (anonymous-pipe ends
   * made inheritable for a child process), where the call itself waits.
   */
  NtReadFileBlocking: {
    name: "NtReadFile",
    parameters: [
      "pointer", // HANDLE FileHandle
      "pointer", // HANDLE Event
      "pointer", // PIO_APC_ROUTINE ApcRoutine
      "pointer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // PVOID Buffer
      "u32", // ULONG Length
      "buffer", // PLARGE_INTEGER ByteOffset
      "buffer", // PULONG Key
    ],
    result: "i32", // NTSTATUS
    nonblocking: true,
  },
  /** NTSTATUS NtWriteFile(...) on a thread of Deno's blocking pool: WriteFile's own call, as NtReadFileBlocking. */
  NtWriteFileBlocking: {
    name: "NtWriteFile",
    parameters: [
      "pointer", // HANDLE FileHandle
      "pointer", // HANDLE Event
      "pointer", // PIO_APC_ROUTINE ApcRoutine
      "pointer", // PVOID ApcContext
      "buffer", // PIO_STATUS_BLOCK IoStatusBlock
      "buffer", // const void* Buffer
      "u32", // ULONG Length
      "buffer", // PLARGE_INTEGER ByteOffset
      "buffer", // PULONG Key
    ],
    result: "i32", // NTSTATUS
    nonblocking: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The opened libraries. */
export interface Libraries {
  /** kernel32.dll */
  kernel32: Deno.DynamicLibrary<typeof KERNEL32_SYMBOLS>["symbols"];
  /** ntdll.dll */
  ntdll: Deno.DynamicLibrary<typeof NTDLL_SYMBOLS>["symbols"];
}

let libraries: Libraries | undefined;

/**
 * Opens kernel32.dll and ntdll.dll on first use and returns their symbols.
 * Off Windows it throws an Error that says so (and opens nothing).
 *
 * @example
 * ```ts ignore
 * import { loadLibraries } from "./ffi.ts";
 * const { kernel32 } = loadLibraries();
 * kernel32.GetCurrentProcessId();
 * ```
 */
export function loadLibraries(): Libraries {
  if (libraries !== undefined) return libraries;
  if (Deno.build.os !== "windows") {
    throw new Error(`winpipe: kernel32 is only available on Windows (Deno.build.os is "${Deno.build.os}")`);
  }
  const kernel32 = Deno.dlopen("kernel32.dll", KERNEL32_SYMBOLS).symbols;
  const ntdll = Deno.dlopen("ntdll.dll", NTDLL_SYMBOLS).symbols;
  libraries = { kernel32, ntdll };
  return libraries;
}

/**
 * `text` as a NUL-terminated UTF-16LE string, the form of LPCWSTR. The bytes
 * live in their own ArrayBuffer (off the V8 heap, so the address is stable).
 *
 * @example
 * ```ts
 * import { wideString } from "./ffi.ts";
 * wideString("ab"); // Uint16Array [97, 98, 0]
 * ```
 */
export function wideString(text: string): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(new ArrayBuffer((text.length + 1) * 2));
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
