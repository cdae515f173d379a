/**
 * The foreign functions winpipe's kernel32 backends call, described once and
 * neutrally: for each function its DLL, the kind of each parameter
 * (labelled with its Win32 name and C type), the kind of its result, and
 * whether a backend must be able to run it off the main thread. Each
 * runtime builds its own `dlopen` table from these descriptions
 * (`@winpipe/deno`: `Deno.dlopen`; `@winpipe/bun`: `bun:ffi`), and
 * {@linkcode Win32Functions} gives the calls their TypeScript signatures.
 *
 * Kinds (x64 Windows):
 * - `"handle"`: a HANDLE, passed and returned as a number (a bigint only if
 *   a runtime returns one; Windows handles are small values, and
 *   INVALID_HANDLE_VALUE comes back as -1);
 * - `"buffer"`: a pointer to memory the call reads or writes (a string,
 *   struct, out parameter or data buffer), passed as a typed array or null
 *   for NULL. A backend may reject an empty typed array: pass a non-empty
 *   one with a length argument of 0 instead;
 * - `"u8"`, `"u32"`, `"i32"`: UCHAR; DWORD/ULONG/ACCESS_MASK; BOOL/NTSTATUS;
 * - `"usize"`: ULONG_PTR, a number or bigint.
 *
 * `offThread: true` marks the calls that can wait in the kernel (and so
 * must not run on the main thread when they would): the completion port
 * wait and the NT calls of operations with no overlapped form. Only
 * functions whose result carries the whole outcome (an NTSTATUS, or a BOOL
 * whose FALSE is retried) are marked so: GetLastError is per thread, so it
 * is never read after a call that ran on another thread.
 *
 * @module
 */

/** The kind of a parameter; see the module documentation. */
export type ParameterKind = "handle" | "buffer" | "u8" | "u32" | "i32" | "usize";

/** The kind of a result (`"void"`: the function returns nothing). */
export type ResultKind = "handle" | "i32" | "u32" | "void";

/** One foreign function. */
export interface Win32Function {
  /** Parameter kinds, in order. */
  readonly parameters: readonly ParameterKind[];
  /** Result kind. */
  readonly result: ResultKind;
  /** True when the call may be run off the main thread (see the module documentation). */
  readonly offThread?: boolean;
}

/** A table of foreign functions of one DLL. */
export type Win32SymbolTable = Readonly<Record<string, Win32Function>>;

/** The kernel32.dll functions. */
export const KERNEL32_FUNCTIONS = {
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
    result: "handle", // HANDLE (INVALID_HANDLE_VALUE on failure)
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
      "handle", // HANDLE hTemplateFile
    ],
    result: "handle", // HANDLE (INVALID_HANDLE_VALUE on failure)
  },
  /** BOOL CloseHandle(HANDLE hObject) */
  CloseHandle: {
    parameters: [
      "handle", // HANDLE hObject
    ],
    result: "i32", // BOOL
  },
  /** BOOL DuplicateHandle(...) */
  DuplicateHandle: {
    parameters: [
      "handle", // HANDLE hSourceProcessHandle
      "handle", // HANDLE hSourceHandle
      "handle", // HANDLE hTargetProcessHandle
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
  /** DWORD GetLastError(void): read on the main thread right after a call made there, never after an off-thread one. */
  GetLastError: {
    parameters: [],
    result: "u32", // DWORD
  },
  /** BOOL PeekNamedPipe(...) */
  PeekNamedPipe: {
    parameters: [
      "handle", // HANDLE hNamedPipe
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
      "handle", // HANDLE hNamedPipe
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
      "handle", // HANDLE hNamedPipe
      "buffer", // LPDWORD lpMode
      "buffer", // LPDWORD lpMaxCollectionCount
      "buffer", // LPDWORD lpCollectDataTimeout
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeInfo(...) */
  GetNamedPipeInfo: {
    parameters: [
      "handle", // HANDLE hNamedPipe
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
      "handle", // HANDLE hNamedPipe
    ],
    result: "i32", // BOOL
  },
  /** BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) */
  CancelIoEx: {
    parameters: [
      "handle", // HANDLE hFile
      "buffer", // LPOVERLAPPED lpOverlapped (NULL: every request on the handle)
    ],
    result: "i32", // BOOL
  },
  /** BOOL ReadFile(...) on a handle opened with FILE_FLAG_OVERLAPPED. */
  ReadFile: {
    parameters: [
      "handle", // HANDLE hFile
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
      "handle", // HANDLE hFile
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
      "handle", // HANDLE hNamedPipe
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /** BOOL TransactNamedPipe(...) */
  TransactNamedPipe: {
    parameters: [
      "handle", // HANDLE hNamedPipe
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
      "handle", // HANDLE FileHandle
      "handle", // HANDLE ExistingCompletionPort
      "usize", // ULONG_PTR CompletionKey
      "u32", // DWORD NumberOfConcurrentThreads
    ],
    result: "handle", // HANDLE (NULL on failure)
  },
  /**
   * BOOL SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags):
   * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, so that I/O that completes at once
   * queues no packet.
   */
  SetFileCompletionNotificationModes: {
    parameters: [
      "handle", // HANDLE FileHandle
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
      "handle", // HANDLE CompletionPort
      "u32", // DWORD dwNumberOfBytesTransferred
      "usize", // ULONG_PTR dwCompletionKey
      "buffer", // LPOVERLAPPED lpOverlapped
    ],
    result: "i32", // BOOL
  },
  /**
   * BOOL GetQueuedCompletionStatusEx(...), off the main thread: one call
   * waits for the completions of every pending overlapped operation of the
   * process and removes up to ulCount of them at once. Only its result and
   * the entries are used (FALSE is retried: the reason is in another
   * thread's last error).
   */
  GetQueuedCompletionStatusEx: {
    parameters: [
      "handle", // HANDLE CompletionPort
      "buffer", // LPOVERLAPPED_ENTRY lpCompletionPortEntries
      "u32", // ULONG ulCount
      "buffer", // PULONG ulNumEntriesRemoved
      "u32", // DWORD dwMilliseconds
      "i32", // BOOL fAlertable
    ],
    result: "i32", // BOOL
    offThread: true,
  },
  // --- child processes -------------------------------------------------------
  /**
   * BOOL CreateProcessW(...): starts a child with STARTF_USESTDHANDLES and
   * EXTENDED_STARTUPINFO_PRESENT, inheriting only the handles of its
   * PROC_THREAD_ATTRIBUTE_HANDLE_LIST.
   */
  CreateProcessW: {
    parameters: [
      "buffer", // LPCWSTR lpApplicationName (NULL: the first token of the command line, searched)
      "buffer", // LPWSTR lpCommandLine (writable: CreateProcessW may modify it)
      "buffer", // LPSECURITY_ATTRIBUTES lpProcessAttributes
      "buffer", // LPSECURITY_ATTRIBUTES lpThreadAttributes
      "i32", // BOOL bInheritHandles
      "u32", // DWORD dwCreationFlags
      "buffer", // LPVOID lpEnvironment
      "buffer", // LPCWSTR lpCurrentDirectory
      "buffer", // LPSTARTUPINFOW lpStartupInfo (a STARTUPINFOEXW)
      "buffer", // LPPROCESS_INFORMATION lpProcessInformation
    ],
    result: "i32", // BOOL
  },
  /** BOOL InitializeProcThreadAttributeList(...): called once with NULL for the size, then to initialise. */
  InitializeProcThreadAttributeList: {
    parameters: [
      "buffer", // LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList
      "u32", // DWORD dwAttributeCount
      "u32", // DWORD dwFlags (0)
      "buffer", // PSIZE_T lpSize
    ],
    result: "i32", // BOOL
  },
  /** BOOL UpdateProcThreadAttribute(...): PROC_THREAD_ATTRIBUTE_HANDLE_LIST. */
  UpdateProcThreadAttribute: {
    parameters: [
      "buffer", // LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList
      "u32", // DWORD dwFlags (0)
      "usize", // DWORD_PTR Attribute
      "buffer", // PVOID lpValue (the HANDLE array; must stay valid until the list is deleted)
      "usize", // SIZE_T cbSize
      "buffer", // PVOID lpPreviousValue (NULL)
      "buffer", // PSIZE_T lpReturnSize (NULL)
    ],
    result: "i32", // BOOL
  },
  /** void DeleteProcThreadAttributeList(LPPROC_THREAD_ATTRIBUTE_LIST) */
  DeleteProcThreadAttributeList: {
    parameters: [
      "buffer", // LPPROC_THREAD_ATTRIBUTE_LIST lpAttributeList
    ],
    result: "void",
  },
  /** BOOL GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode) */
  GetExitCodeProcess: {
    parameters: [
      "handle", // HANDLE hProcess
      "buffer", // LPDWORD lpExitCode
    ],
    result: "i32", // BOOL
  },
  /** BOOL TerminateProcess(HANDLE hProcess, UINT uExitCode) */
  TerminateProcess: {
    parameters: [
      "handle", // HANDLE hProcess
      "u32", // UINT uExitCode
    ],
    result: "i32", // BOOL
  },
  /** HANDLE CreateEventW(...): the auto-reset event that wakes the process watcher. */
  CreateEventW: {
    parameters: [
      "buffer", // LPSECURITY_ATTRIBUTES lpEventAttributes
      "i32", // BOOL bManualReset
      "i32", // BOOL bInitialState
      "buffer", // LPCWSTR lpName
    ],
    result: "handle", // HANDLE (NULL on failure)
  },
  /** BOOL SetEvent(HANDLE hEvent) */
  SetEvent: {
    parameters: [
      "handle", // HANDLE hEvent
    ],
    result: "i32", // BOOL
  },
  /**
   * DWORD WaitForMultipleObjects(...), off the main thread: one call waits
   * for the exit of every watched child process (and the watcher's wake
   * event). Its result carries the outcome (WAIT_OBJECT_0 + i,
   * WAIT_TIMEOUT, or WAIT_FAILED, which is retried).
   */
  WaitForMultipleObjects: {
    parameters: [
      "u32", // DWORD nCount
      "buffer", // const HANDLE* lpHandles
      "i32", // BOOL bWaitAll
      "u32", // DWORD dwMilliseconds
    ],
    result: "u32", // DWORD
    offThread: true,
  },
  /** HANDLE GetStdHandle(DWORD nStdHandle): a standard handle of this process (NULL when it has none). */
  GetStdHandle: {
    parameters: [
      "u32", // DWORD nStdHandle (STD_INPUT_HANDLE = (DWORD)-10, ...)
    ],
    result: "handle", // HANDLE
  },
  /** DWORD GetFileType(HANDLE hFile): FILE_TYPE_PIPE for a pipe end. */
  GetFileType: {
    parameters: [
      "handle", // HANDLE hFile
    ],
    result: "u32", // DWORD
  },
} as const satisfies Win32SymbolTable;

/** The ntdll.dll functions: calls whose status is their return value. */
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

/** The two tables by DLL name, as a backend opens them. */
export const WIN32_LIBRARIES = {
  kernel32: { dll: "kernel32.dll", functions: KERNEL32_FUNCTIONS },
  ntdll: { dll: "ntdll.dll", functions: NTDLL_FUNCTIONS },
} as const;

/** A HANDLE as the backends pass and return it: a number (a bigint if a runtime returns one). */
export type NativeHandle = number | bigint;

/** Memory passed to a `"buffer"` parameter: a typed array, or null for NULL. */
export type BufferArgument = ArrayBufferView | null;

/** The JavaScript type of a parameter kind. */
export type ParameterType<K extends ParameterKind> = K extends "handle" ? NativeHandle
  : K extends "buffer" ? BufferArgument
  : K extends "usize" ? number | bigint
  : number;

/** The JavaScript type of a result kind. */
export type ResultType<K extends ResultKind> = K extends "handle" ? NativeHandle : K extends "void" ? void : number;

/** The JavaScript types of a list of parameter kinds, as a tuple. */
export type ParameterTypes<P extends readonly unknown[]> = P extends
  readonly [infer Head extends ParameterKind, ...infer Rest] ? [ParameterType<Head>, ...ParameterTypes<Rest>]
  : [];

/** The argument list of a function of a table. */
export type Win32Arguments<F extends Win32Function> = ParameterTypes<F["parameters"]>;

/** The callable functions of a table, as a backend's loaded library exposes them. */
export type Win32Functions<T extends Win32SymbolTable> = {
  readonly [N in keyof T]: (...args: Win32Arguments<T[N]>) => ResultType<T[N]["result"]>;
};

/** The names of a table's functions marked `offThread`. */
export type OffThreadName<T extends Win32SymbolTable> =
  & {
    [N in keyof T]: T[N] extends { readonly offThread: true } ? N : never;
  }[keyof T]
  & string;

/** Every function that may run off the main thread, by name (the names are unique across both DLLs). */
export type OffThreadFunction =
  | OffThreadName<typeof KERNEL32_FUNCTIONS>
  | OffThreadName<typeof NTDLL_FUNCTIONS>;

/** The arguments of an off-thread function. */
export type OffThreadArguments<N extends OffThreadFunction> = N extends keyof typeof KERNEL32_FUNCTIONS
  ? Win32Arguments<(typeof KERNEL32_FUNCTIONS)[N]>
  : N extends keyof typeof NTDLL_FUNCTIONS ? Win32Arguments<(typeof NTDLL_FUNCTIONS)[N]>
  : never;
