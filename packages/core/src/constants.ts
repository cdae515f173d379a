/**
 * Win32 constants used by the pipe API, under their documented names.
 *
 * The values come from the Windows SDK headers (winbase.h, winnt.h,
 * winerror.h). They are exported so that code written against the
 * Microsoft documentation reads the same here.
 *
 * @example
 * ```ts
 * import { PIPE_TYPE_MESSAGE, PIPE_READMODE_MESSAGE } from "@winpipe/core";
 * const pipeMode = PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE; // 6
 * ```
 * @module
 */

/** dwOpenMode: the pipe is inbound only (client writes, server reads). */
export const PIPE_ACCESS_INBOUND = 0x00000001;
/** dwOpenMode: the pipe is outbound only (server writes, client reads). */
export const PIPE_ACCESS_OUTBOUND = 0x00000002;
/** dwOpenMode: the pipe is bidirectional. */
export const PIPE_ACCESS_DUPLEX = 0x00000003;
/** dwOpenMode: fail with ERROR_ACCESS_DENIED if an instance of this name already exists. */
export const FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
/** dwOpenMode / dwFlagsAndAttributes: the handle is opened for overlapped I/O. */
export const FILE_FLAG_OVERLAPPED = 0x40000000;
/** dwOpenMode: write-through mode (only matters for remote byte pipes). */
export const FILE_FLAG_WRITE_THROUGH = 0x80000000;

/** dwPipeMode: data is written as a stream of bytes (default). */
export const PIPE_TYPE_BYTE = 0x00000000;
/** dwPipeMode: data is written as a stream of messages. */
export const PIPE_TYPE_MESSAGE = 0x00000004;
/** dwPipeMode / lpMode: data is read as a stream of bytes (default). */
export const PIPE_READMODE_BYTE = 0x00000000;
/** dwPipeMode / lpMode: data is read as a stream of messages. */
export const PIPE_READMODE_MESSAGE = 0x00000002;
/** dwPipeMode / lpMode: blocking mode (default). */
export const PIPE_WAIT = 0x00000000;
/** dwPipeMode / lpMode: nonblocking mode (LAN Manager 2.0 compatibility). */
export const PIPE_NOWAIT = 0x00000001;
/** dwPipeMode: remote clients may connect (default). */
export const PIPE_ACCEPT_REMOTE_CLIENTS = 0x00000000;
/** dwPipeMode: connections from remote clients are refused. */
export const PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;
/** nMaxInstances: as many instances as system resources allow. */
export const PIPE_UNLIMITED_INSTANCES = 255;

/** GetNamedPipeInfo lpFlags: the handle is the client end (no bit set). */
export const PIPE_CLIENT_END = 0x00000000;
/** GetNamedPipeInfo lpFlags: the handle is the server end. */
export const PIPE_SERVER_END = 0x00000001;

/** Access right: read data. */
export const GENERIC_READ = 0x80000000;
/** Access right: write data. */
export const GENERIC_WRITE = 0x40000000;
/** Access right: read attributes (GetNamedPipeHandleState needs it). */
export const FILE_READ_ATTRIBUTES = 0x00000080;
/** Access right: write attributes (SetNamedPipeHandleState needs it). */
export const FILE_WRITE_ATTRIBUTES = 0x00000100;

/** WaitNamedPipe nTimeOut: use the server's default timeout. */
export const NMPWAIT_USE_DEFAULT_WAIT = 0x00000000;
/** WaitNamedPipe nTimeOut: wait until an instance is available. */
export const NMPWAIT_WAIT_FOREVER = 0xffffffff;
/** CallNamedPipe nTimeOut: do not wait for a busy pipe. */
export const NMPWAIT_NOWAIT = 0x00000001;

/** CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can neither identify nor impersonate the client. */
export const SECURITY_ANONYMOUS = 0x00000000;
/** CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can identify the client (read its token) but not act as it. */
export const SECURITY_IDENTIFICATION = 0x00010000;
/** CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can act as the client on the local machine. */
export const SECURITY_IMPERSONATION = 0x00020000;
/** CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can act as the client on other machines too. */
export const SECURITY_DELEGATION = 0x00030000;

/** Win32 error: the operation completed successfully */
export const ERROR_SUCCESS = 0;
/** Win32 error: incorrect function (ConnectNamedPipe on a client handle) */
export const ERROR_INVALID_FUNCTION = 1;
/** Win32 error: the system cannot find the file specified */
export const ERROR_FILE_NOT_FOUND = 2;
/** Win32 error: the system cannot find the path specified */
export const ERROR_PATH_NOT_FOUND = 3;
/** Win32 error: the system cannot open the file (too many open files) */
export const ERROR_TOO_MANY_OPEN_FILES = 4;
/** Win32 error: access is denied */
export const ERROR_ACCESS_DENIED = 5;
/** Win32 error: the handle is invalid */
export const ERROR_INVALID_HANDLE = 6;
/** Win32 error: not enough memory resources */
export const ERROR_NOT_ENOUGH_MEMORY = 8;
/** Win32 error: not enough memory resources are available to complete this operation */
export const ERROR_OUTOFMEMORY = 14;
/** Win32 error: a device attached to the system is not functioning */
export const ERROR_GEN_FAILURE = 31;
/** Win32 error: the process cannot access the file because another process is using it */
export const ERROR_SHARING_VIOLATION = 32;
/** Win32 error: the request is not supported */
export const ERROR_NOT_SUPPORTED = 50;
/** Win32 error: the network path was not found */
export const ERROR_BAD_NETPATH = 53;
/** Win32 error: the specified network name is no longer available */
export const ERROR_NETNAME_DELETED = 64;
/** Win32 error: the network name cannot be found */
export const ERROR_BAD_NET_NAME = 67;
/** Win32 error: the parameter is incorrect */
export const ERROR_INVALID_PARAMETER = 87;
/** Win32 error: the pipe has been ended */
export const ERROR_BROKEN_PIPE = 109;
/** Win32 error: the semaphore timeout period has expired */
export const ERROR_SEM_TIMEOUT = 121;
/** Win32 error: the data area passed to a system call is too small */
export const ERROR_INSUFFICIENT_BUFFER = 122;
/** Win32 error: the file name, directory name or volume label syntax is incorrect */
export const ERROR_INVALID_NAME = 123;
/** Win32 error: the specified procedure could not be found (a DLL does not export a function) */
export const ERROR_PROC_NOT_FOUND = 127;
/** Win32 error: the specified path is invalid */
export const ERROR_BAD_PATHNAME = 161;
/** Win32 error: the file is not a valid Windows application */
export const ERROR_BAD_EXE_FORMAT = 193;
/** Win32 error: the file name or extension is too long */
export const ERROR_FILENAME_EXCED_RANGE = 206;
/** Win32 error: the program is not for this machine type */
export const ERROR_EXE_MACHINE_TYPE_MISMATCH = 216;
/** Win32 error: the pipe is local (GetNamedPipeClientComputerName on a local client) */
export const ERROR_PIPE_LOCAL = 229;
/** Win32 error: the pipe state is invalid */
export const ERROR_BAD_PIPE = 230;
/** Win32 error: all pipe instances are busy */
export const ERROR_PIPE_BUSY = 231;
/** Win32 error: the pipe is being closed */
export const ERROR_NO_DATA = 232;
/** Win32 error: no process is on the other end of the pipe */
export const ERROR_PIPE_NOT_CONNECTED = 233;
/** Win32 error: more data is available */
export const ERROR_MORE_DATA = 234;
/** Win32 error: the directory name is invalid */
export const ERROR_DIRECTORY = 267;
/** Win32 error: there is a process on the other end of the pipe */
export const ERROR_PIPE_CONNECTED = 535;
/** Win32 error: waiting for a process to open the other end of the pipe */
export const ERROR_PIPE_LISTENING = 536;
/** Win32 error: handles to objects have been automatically closed as a result of the requested operation */
export const ERROR_HANDLES_CLOSED = 676;
/** Win32 error: the requested operation requires elevation */
export const ERROR_ELEVATION_REQUIRED = 740;
/** Win32 error: the I/O operation was aborted */
export const ERROR_OPERATION_ABORTED = 995;
/** Win32 error: overlapped I/O event is not in a signaled state */
export const ERROR_IO_INCOMPLETE = 996;
/** Win32 error: overlapped I/O is in progress */
export const ERROR_IO_PENDING = 997;
/** Win32 error: invalid access to memory location */
export const ERROR_NOACCESS = 998;
/** Win32 error: an attempt was made to reference a token that does not exist */
export const ERROR_NO_TOKEN = 1008;
/** Win32 error: element not found (CancelIoEx found nothing to cancel) */
export const ERROR_NOT_FOUND = 1168;
/** Win32 error: the network location cannot be reached */
export const ERROR_NETWORK_UNREACHABLE = 1231;
/** Win32 error: this program is blocked by group policy */
export const ERROR_ACCESS_DISABLED_BY_POLICY = 1260;
/** Win32 error: this security ID may not be assigned as the owner of this object */
export const ERROR_INVALID_OWNER = 1307;
/** Win32 error: a required privilege is not held by the client */
export const ERROR_PRIVILEGE_NOT_HELD = 1314;
/** Win32 error: the user name or password is incorrect */
export const ERROR_LOGON_FAILURE = 1326;
/** Win32 error: no mapping between account names and security IDs was done */
export const ERROR_NONE_MAPPED = 1332;
/** Win32 error: the access control list (ACL) structure is invalid */
export const ERROR_INVALID_ACL = 1336;
/** Win32 error: the security ID structure is invalid */
export const ERROR_INVALID_SID = 1337;
/** Win32 error: the security descriptor structure is invalid */
export const ERROR_INVALID_SECURITY_DESCR = 1338;
/** Win32 error: either a required impersonation level was not provided, or the provided impersonation level is invalid */
export const ERROR_BAD_IMPERSONATION_LEVEL = 1346;
/** Win32 error: cannot open an anonymous level security token */
export const ERROR_CANT_OPEN_ANONYMOUS = 1347;
/** Win32 error: unable to impersonate using a named pipe until data has been read from that pipe */
export const ERROR_CANNOT_IMPERSONATE = 1368;
/** Win32 error: insufficient system resources exist to complete the requested service */
export const ERROR_NO_SYSTEM_RESOURCES = 1450;
/** Win32 error: this operation returned because the timeout period expired */
export const ERROR_TIMEOUT = 1460;
