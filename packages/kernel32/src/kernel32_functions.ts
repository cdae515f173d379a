/**
 * {@linkcode KERNEL32_FUNCTIONS}: the kernel32.dll functions the kernel32
 * layer calls, described as symbols.ts says.
 *
 * @module
 */
import type { Win32SymbolTable } from "./symbols.ts";

/**
 * The kernel32.dll functions.
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS } from "@winpipe/kernel32";
 * KERNEL32_FUNCTIONS.ReadFile.parameters; // ["handle", "buffer", "u32", "buffer", "buffer"]
 * KERNEL32_FUNCTIONS.ReadFile.result; // "i32" (BOOL)
 * KERNEL32_FUNCTIONS.GetQueuedCompletionStatusEx.offThread; // true: the completion port's waiter
 * ```
 */
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
  /**
   * BOOL SwitchToThread(void): the polling main thread gives its CPU to a
   * thread that is ready to run (the peer, or wineserver under Wine).
   */
  SwitchToThread: {
    parameters: [],
    result: "i32", // BOOL
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
  /**
   * DWORD SearchPathW(LPCWSTR lpPath, LPCWSTR lpFileName, LPCWSTR
   * lpExtension, DWORD nBufferLength, LPWSTR lpBuffer, LPWSTR *lpFilePart):
   * where a batch file that spawn is given is.
   */
  SearchPathW: {
    parameters: [
      "buffer", // LPCWSTR lpPath (NULL: the system's search order)
      "buffer", // LPCWSTR lpFileName
      "buffer", // LPCWSTR lpExtension (NULL)
      "u32", // DWORD nBufferLength (in characters)
      "buffer", // LPWSTR lpBuffer
      "buffer", // LPWSTR* lpFilePart (NULL)
    ],
    result: "u32", // DWORD: the length copied, without the NUL; the size needed when too small; 0 on failure
  },
  /**
   * UINT GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize): the system
   * directory, where the cmd.exe that runs batch files is taken from.
   */
  GetSystemDirectoryW: {
    parameters: [
      "buffer", // LPWSTR lpBuffer
      "u32", // UINT uSize (in characters, with the NUL)
    ],
    result: "u32", // UINT: the length copied, without the NUL; 0 on failure
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
  /**
   * DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds), on the
   * calling thread: how a synchronous call (sync_io.ts) waits for the event
   * of its OVERLAPPED.
   */
  WaitForSingleObject: {
    parameters: [
      "handle", // HANDLE hHandle
      "u32", // DWORD dwMilliseconds
    ],
    result: "u32", // DWORD
  },
  /** BOOL WaitNamedPipeW(LPCWSTR lpNamedPipeName, DWORD nTimeOut), on the calling thread (waitNamedPipeSync). */
  WaitNamedPipeW: {
    parameters: [
      "buffer", // LPCWSTR lpNamedPipeName
      "u32", // DWORD nTimeOut
    ],
    result: "i32", // BOOL
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
  // --- peer identity and the memory the security calls hand back -------------
  /** BOOL GetNamedPipeClientProcessId(HANDLE Pipe, PULONG ClientProcessId) */
  GetNamedPipeClientProcessId: {
    parameters: [
      "handle", // HANDLE Pipe
      "buffer", // PULONG ClientProcessId
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeClientSessionId(HANDLE Pipe, PULONG ClientSessionId) */
  GetNamedPipeClientSessionId: {
    parameters: [
      "handle", // HANDLE Pipe
      "buffer", // PULONG ClientSessionId
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeServerProcessId(HANDLE Pipe, PULONG ServerProcessId) */
  GetNamedPipeServerProcessId: {
    parameters: [
      "handle", // HANDLE Pipe
      "buffer", // PULONG ServerProcessId
    ],
    result: "i32", // BOOL
  },
  /** BOOL GetNamedPipeServerSessionId(HANDLE Pipe, PULONG ServerSessionId) */
  GetNamedPipeServerSessionId: {
    parameters: [
      "handle", // HANDLE Pipe
      "buffer", // PULONG ServerSessionId
    ],
    result: "i32", // BOOL
  },
  /**
   * BOOL GetNamedPipeClientComputerNameW(HANDLE Pipe, LPWSTR
   * ClientComputerName, ULONG ClientComputerNameLength). Optional: Wine 10's
   * kernel32 does not export it (docs/wine-findings.md, W-K76).
   */
  GetNamedPipeClientComputerNameW: {
    parameters: [
      "handle", // HANDLE Pipe
      "buffer", // LPWSTR ClientComputerName
      "u32", // ULONG ClientComputerNameLength (in bytes)
    ],
    result: "i32", // BOOL
    optional: true,
  },
  /** HLOCAL LocalFree(HLOCAL hMem): frees what the security conversions allocated (NULL on success). */
  LocalFree: {
    parameters: [
      "usize", // HLOCAL hMem
    ],
    result: "handle", // HLOCAL
  },
  /** int lstrlenW(LPCWSTR lpString): the length of a string the system allocated. */
  lstrlenW: {
    parameters: [
      "usize", // LPCWSTR lpString
    ],
    result: "i32", // int
  },
  /** void RtlMoveMemory(VOID *Destination, const VOID *Source, SIZE_T Length): copies what the system allocated into our memory. */
  RtlMoveMemory: {
    parameters: [
      "buffer", // VOID* Destination
      "usize", // const VOID* Source
      "usize", // SIZE_T Length
    ],
    result: "void",
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
