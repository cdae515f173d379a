/**
 * The Win32 error codes of access control, tokens and impersonation
 * (winerror.h), part of `@winpipe/core`'s constants.
 *
 * @example
 * ```ts
 * import { ERROR_CANNOT_IMPERSONATE, errorName } from "@winpipe/core";
 * errorName(ERROR_CANNOT_IMPERSONATE); // "ERROR_CANNOT_IMPERSONATE"
 * ```
 * @module
 */

/**
 * Win32 error: the requested operation requires elevation
 *
 * @example
 * ```ts
 * import { ERROR_ELEVATION_REQUIRED, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_ELEVATION_REQUIRED, "CreateProcessW").message;
 * // 'CreateProcessW: the operation requires elevation (run as administrator) (ERROR_ELEVATION_REQUIRED, os error 740)'
 * ```
 */
export const ERROR_ELEVATION_REQUIRED = 740;
/**
 * Win32 error: an attempt was made to reference a token that does not exist
 *
 * @example
 * ```ts
 * import { ERROR_NO_TOKEN, errorName } from "@winpipe/core";
 * errorName(ERROR_NO_TOKEN); // "ERROR_NO_TOKEN"
 * ```
 */
export const ERROR_NO_TOKEN = 1008;
/**
 * Win32 error: this program is blocked by group policy
 *
 * @example
 * ```ts
 * import { ERROR_ACCESS_DISABLED_BY_POLICY, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_ACCESS_DISABLED_BY_POLICY, "CreateProcessW").message;
 * // 'CreateProcessW: the program is blocked by group policy (ERROR_ACCESS_DISABLED_BY_POLICY, os error 1260)'
 * ```
 */
export const ERROR_ACCESS_DISABLED_BY_POLICY = 1260;
/**
 * Win32 error: this security ID may not be assigned as the owner of this object
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_OWNER, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_OWNER); // "ERROR_INVALID_OWNER"
 * ```
 */
export const ERROR_INVALID_OWNER = 1307;
/**
 * Win32 error: a required privilege is not held by the client
 *
 * @example
 * ```ts
 * import { ERROR_PRIVILEGE_NOT_HELD, errorName } from "@winpipe/core";
 * errorName(ERROR_PRIVILEGE_NOT_HELD); // "ERROR_PRIVILEGE_NOT_HELD"
 * ```
 */
export const ERROR_PRIVILEGE_NOT_HELD = 1314;
/**
 * Win32 error: the user name or password is incorrect
 *
 * @example
 * ```ts
 * import { ERROR_LOGON_FAILURE, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_LOGON_FAILURE, "CreateFileW", { pipeName: String.raw`\\server\pipe\app` }).message;
 * // 'CreateFileW "\\server\pipe\app": the host refused the logon (user name or password incorrect) (ERROR_LOGON_FAILURE, os error 1326)'
 * ```
 */
export const ERROR_LOGON_FAILURE = 1326;
/**
 * Win32 error: no mapping between account names and security IDs was done
 *
 * @example
 * ```ts
 * import { ERROR_NONE_MAPPED, errorName } from "@winpipe/core";
 * errorName(ERROR_NONE_MAPPED); // "ERROR_NONE_MAPPED"
 * ```
 */
export const ERROR_NONE_MAPPED = 1332;
/**
 * Win32 error: the access control list (ACL) structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_ACL, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_ACL); // "ERROR_INVALID_ACL"
 * ```
 */
export const ERROR_INVALID_ACL = 1336;
/**
 * Win32 error: the security ID structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_SID, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_SID); // "ERROR_INVALID_SID"
 * ```
 */
export const ERROR_INVALID_SID = 1337;
/**
 * Win32 error: the security descriptor structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_SECURITY_DESCR, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_SECURITY_DESCR); // "ERROR_INVALID_SECURITY_DESCR"
 * ```
 */
export const ERROR_INVALID_SECURITY_DESCR = 1338;
/**
 * Win32 error: either a required impersonation level was not provided, or the provided impersonation level is invalid
 *
 * @example
 * ```ts
 * import { ERROR_BAD_IMPERSONATION_LEVEL, errorName } from "@winpipe/core";
 * errorName(ERROR_BAD_IMPERSONATION_LEVEL); // "ERROR_BAD_IMPERSONATION_LEVEL"
 * ```
 */
export const ERROR_BAD_IMPERSONATION_LEVEL = 1346;
/**
 * Win32 error: cannot open an anonymous level security token
 *
 * @example
 * ```ts
 * import { ERROR_CANT_OPEN_ANONYMOUS, errorName } from "@winpipe/core";
 * errorName(ERROR_CANT_OPEN_ANONYMOUS); // "ERROR_CANT_OPEN_ANONYMOUS"
 * ```
 */
export const ERROR_CANT_OPEN_ANONYMOUS = 1347;
/**
 * Win32 error: unable to impersonate using a named pipe until data has been read from that pipe
 *
 * @example
 * ```ts
 * import { ERROR_CANNOT_IMPERSONATE, errorName } from "@winpipe/core";
 * errorName(ERROR_CANNOT_IMPERSONATE); // "ERROR_CANNOT_IMPERSONATE"
 * ```
 */
export const ERROR_CANNOT_IMPERSONATE = 1368;
