/**
 * Win32 and NT constants that are the kernel32 layer's own business (not
 * part of the public API, whose constants live in `@winpipe/core`). Each
 * names the parameter it goes into.
 *
 * @module
 */

/** CreateFileW dwCreationDisposition: open an existing file (pipe, device). */
export const OPEN_EXISTING = 3;
/** CreateFileW dwFlagsAndAttributes: the impersonation level below is given. */
export const SECURITY_SQOS_PRESENT = 0x00100000;
/** DuplicateHandle dwOptions: same access as the source. */
export const DUPLICATE_SAME_ACCESS = 0x00000002;
/** A wait's dwMilliseconds: no time-out. */
export const INFINITE = 0xffffffff;
/** The pseudo handle of the current process, (HANDLE)-1, as GetCurrentProcess returns it. */
export const CURRENT_PROCESS = -1;
/** INVALID_HANDLE_VALUE, the FileHandle that makes CreateIoCompletionPort create a port. */
export const INVALID_HANDLE_VALUE = -1;
/** SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE. */
export const SKIP_PORT_AND_EVENT = 0x1 | 0x2;

/** DesiredAccess: SYNCHRONIZE. */
export const SYNCHRONIZE = 0x00100000;
/** FILE_GENERIC_WRITE: what GENERIC_WRITE means for a file (CreatePipe's write end). */
export const FILE_GENERIC_WRITE = 0x120116;
/** ShareAccess / dwShareMode: FILE_SHARE_READ. */
export const FILE_SHARE_READ = 0x1;
/** ShareAccess / dwShareMode: FILE_SHARE_READ | FILE_SHARE_WRITE. */
export const FILE_SHARE_READ_WRITE = 0x3;
/** NtCreateNamedPipeFile CreateDisposition: create, fail if the name exists. */
export const FILE_CREATE = 2;
/** CreateOptions / OpenOptions: synchronous I/O (the handle is not overlapped). */
export const FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
/** OpenOptions: the object must not be a directory. */
export const FILE_NON_DIRECTORY_FILE = 0x40;

/** DesiredAccess: FILE_LIST_DIRECTORY (a directory's names). */
export const FILE_LIST_DIRECTORY = 0x1;
/** FILE_INFORMATION_CLASS: FileDirectoryInformation (FILE_DIRECTORY_INFORMATION entries). */
export const FILE_DIRECTORY_INFORMATION_CLASS = 1;

/** FSCTL_PIPE_LISTEN: ConnectNamedPipe's control code. */
export const FSCTL_PIPE_LISTEN = 0x00110008;
/** FSCTL_PIPE_WAIT: WaitNamedPipeW's control code. */
export const FSCTL_PIPE_WAIT = 0x00110018;
/** FSCTL_PIPE_TRANSCEIVE: TransactNamedPipe's control code. */
export const FSCTL_PIPE_TRANSCEIVE = 0x0011c017;
