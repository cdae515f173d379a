/**
 * Access control and identity in the public API: the `security` option of
 * servers, the `serverOwner` and `impersonation` options of clients, and
 * reading who is on the other end (docs/security.md).
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_NONE_MAPPED,
  SECURITY_ANONYMOUS,
  SECURITY_DELEGATION,
  SECURITY_IDENTIFICATION,
  SECURITY_IMPERSONATION,
} from "../constants.ts";
import { isPipeError, PipeError } from "../errors.ts";
import type { KernelHandle, PipeKernel, SecurityKernel } from "../port.ts";
import { parseSecurityDescriptor } from "../security/sddl.ts";
import { DOMAIN_SID_ALIASES, parseSid } from "../security/sid.ts";
import { requireChoice, show } from "../validate.ts";

/**
 * Who may open a server's pipe (its security descriptor):
 * - `"current-user"` (the default): only the user who created the pipe, and
 *   SYSTEM; the pipe's owner is that user;
 * - `"os-default"`: Windows' default descriptor for pipes (full control for
 *   SYSTEM, Administrators and the creator's owner; read access for Everyone
 *   and the anonymous account);
 * - any other string: a security descriptor in SDDL, e.g.
 *   `"D:P(A;;GA;;;SY)(A;;GRGW;;;AU)"`, or with a low integrity label
 *   (`S:(ML;;NW;;;LW)`) so that sandboxed clients can connect.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\security-option`;
 * // Any authenticated user may read and write; SYSTEM has full control.
 * using server = createServer(name, { security: "D:P(A;;GA;;;SY)(A;;GRGW;;;AU)" });
 * await using client = await connect(name);
 * client.securityDescriptor(); // the descriptor, read back from the kernel
 * ```
 */
export type ServerSecurity = "current-user" | "os-default" | (string & Record<never, never>);

/**
 * The owner a client requires of the pipe it opens: this process's user, or a SID (`S-1-...` or an alias such as `SY`).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\owned`;
 * using server = createServer(name);
 * // Refuse to talk to a pipe someone else created first (squatting):
 * await using client = await connect(name, { serverOwner: "current-user" });
 * ```
 */
export type ServerOwner = "current-user" | (string & Record<never, never>);

/**
 * What a client lets the server do with its identity (the SECURITY_SQOS
 * level of CreateFile): `"anonymous"` (nothing: the server cannot tell who
 * it is), `"identification"` (read who it is; the default),
 * `"impersonation"` (act as the client on this machine), `"delegation"`
 * (also on other machines).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\anonymous-client`;
 * using server = createServer(name);
 * const accepted = server.accept();
 * await using client = await connect(name, { impersonation: "anonymous" });
 * await using conn = await accepted;
 * try {
 *   conn.clientUser();
 * } catch (err) {
 *   (err as { codeName?: string }).codeName; // "ERROR_CANT_OPEN_ANONYMOUS": the client did not say who it is
 * }
 * ```
 */
export type ImpersonationLevel = "anonymous" | "identification" | "impersonation" | "delegation";

/**
 * A user: its SID and its account.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { currentUser } = createWinpipe(createModelKernel());
 * const { sid, account } = currentUser();
 * sid; // "S-1-5-21-1000-2000-3000-1001"
 * account; // "MODEL\\user"
 * ```
 */
export interface AccountInfo {
  /** The SID, `S-1-...`. */
  readonly sid: string;
  /** The account as `DOMAIN\name` (LookupAccountSidW), or undefined when no account has that SID. */
  readonly account: string | undefined;
}

/** A validated `security` option. */
export type SecurityChoice =
  | { readonly kind: "current-user" }
  | { readonly kind: "os-default" }
  | { readonly kind: "sddl"; readonly sddl: string };

const SECURITY_CHOICE_HELP = `security must be "current-user", "os-default" or a security descriptor in SDDL`;

/** Checks a server's `security` option (default "current-user") without any system call. */
export function validateServerSecurity(value: unknown): SecurityChoice {
  if (value === undefined || value === "current-user") return { kind: "current-user" };
  if (value === "os-default") return { kind: "os-default" };
  if (typeof value !== "string") throw new TypeError(`${SECURITY_CHOICE_HELP}: got ${show(value)}`);
  try {
    parseSecurityDescriptor(value);
  } catch (err) {
    if (err instanceof RangeError) throw new RangeError(`${SECURITY_CHOICE_HELP}: ${err.message}`);
    if (err instanceof TypeError) throw new TypeError(`${SECURITY_CHOICE_HELP}: ${err.message}`);
    throw err;
  }
  return { kind: "sddl", sddl: value };
}

/** Checks a client's `serverOwner` option; returns "current-user" or the SID in `S-1-...` form. */
export function validateServerOwner(value: unknown): "current-user" | string {
  if (value === "current-user") return value;
  if (typeof value !== "string") {
    throw new TypeError(
      `serverOwner must be "current-user" or a SID (S-1-... or an alias such as "SY"): got ${show(value)}`,
    );
  }
  const sid = parseSid(value, "serverOwner");
  if (DOMAIN_SID_ALIASES.has(sid)) {
    throw new TypeError(
      `serverOwner ${
        show(value)
      } is an alias of a machine or domain SID, which only Windows resolves: give the SID itself (S-1-...)`,
    );
  }
  return sid;
}

const LEVELS: Record<ImpersonationLevel, number> = {
  anonymous: SECURITY_ANONYMOUS,
  identification: SECURITY_IDENTIFICATION,
  impersonation: SECURITY_IMPERSONATION,
  delegation: SECURITY_DELEGATION,
};

/** Checks a client's `impersonation` option (default "identification"); returns its SECURITY_* flag. */
export function validateImpersonation(value: unknown): number {
  const level = requireChoice(value ?? "identification", "impersonation", Object.keys(LEVELS) as ImpersonationLevel[]);
  return LEVELS[level];
}

/** The security capability of `kernel`, or an Error saying it has none. */
export function securityOf(kernel: PipeKernel): SecurityKernel {
  if (kernel.security === undefined) {
    throw new Error(`winpipe: the ${kernel.name} kernel has no access control (kernel32 and the model have)`);
  }
  return kernel.security;
}

/**
 * The descriptor of `security: "current-user"`: the user owns the pipe, and
 * only the user and SYSTEM may open it (full control, which includes
 * FILE_CREATE_PIPE_INSTANCE, so the server can add instances). The owner is
 * set explicitly: left out, Windows would make it the token's default
 * owner, which can be a group (Administrators for an elevated process).
 *
 * @example
 * ```ts
 * import { currentUserDescriptor } from "@winpipe/core";
 * currentUserDescriptor("S-1-5-21-1-2-3-1001"); // "O:S-1-5-21-1-2-3-1001D:P(A;;GA;;;S-1-5-21-1-2-3-1001)(A;;GA;;;SY)"
 * ```
 */
export function currentUserDescriptor(sid: string): string {
  return `O:${sid}D:P(A;;GA;;;${sid})(A;;GA;;;SY)`;
}

const processUsers = new WeakMap<SecurityKernel, string>();

/** The SID of the user this process runs as, asked once per kernel. */
export function processUserOf(security: SecurityKernel): string {
  let sid = processUsers.get(security);
  if (sid === undefined) {
    sid = security.processUser();
    processUsers.set(security, sid);
  }
  return sid;
}

/** The account of `sid`, or undefined when no account has it (ERROR_NONE_MAPPED). */
export function accountOf(security: SecurityKernel, sid: string): string | undefined {
  try {
    return security.lookupAccount(sid);
  } catch (err) {
    if (isPipeError(err, ERROR_NONE_MAPPED)) return undefined;
    throw err;
  }
}

/** The user this process runs as. */
export function currentUserOf(kernel: PipeKernel): AccountInfo {
  const security = securityOf(kernel);
  const sid = processUserOf(security);
  return { sid, account: accountOf(security, sid) };
}

/** The SDDL a validated `security` choice passes to CreateNamedPipe; undefined for the system's default. */
export function securityDescriptorFor(kernel: PipeKernel, choice: SecurityChoice): string | undefined {
  switch (choice.kind) {
    case "os-default":
      return undefined;
    case "sddl":
      return choice.sddl;
    case "current-user":
      return currentUserDescriptor(processUserOf(securityOf(kernel)));
  }
}

/** A SID and, where known, its account, for messages. */
function describe(security: SecurityKernel, sid: string): string {
  let account: string | undefined;
  try {
    account = accountOf(security, sid);
  } catch {
    account = undefined; // a message never fails for want of a name
  }
  return account === undefined ? sid : `${sid} (${account})`;
}

/**
 * Checks that the pipe `handle` was opened on is owned by `expected` (before
 * anything is written to it), as .NET's PipeOptions.CurrentUserOnly does:
 * a process that created the name first (squatting) cannot give its pipe
 * another owner than its own user. Throws a PipeError (ERROR_ACCESS_DENIED,
 * as `call`) that names both owners otherwise; the caller closes the handle.
 */
export function verifyServerOwner(
  kernel: PipeKernel,
  handle: KernelHandle,
  expected: "current-user" | string,
  call: string,
): void {
  const security = securityOf(kernel);
  const want = expected === "current-user" ? processUserOf(security) : expected;
  const { owner } = security.getSecurityInfo(handle);
  const have = owner === undefined ? undefined : parseSid(owner, "the pipe's owner");
  if (have === want) return;
  const mine = expected === "current-user" ? ", the current user" : "";
  const actual = have === undefined ? "has no owner" : `is owned by ${describe(security, have)}`;
  throw new PipeError(ERROR_ACCESS_DENIED, call, {
    pipeName: handle.pipeName,
    detail: `the pipe ${actual}, not by ${describe(security, want)}${mine}, as serverOwner requires`,
  });
}

/**
 * Who the client of a server end is: impersonates it, reads the thread's
 * token and reverts, all in one synchronous stretch (nothing else can run
 * on this thread meanwhile, and no await comes between), then looks up the
 * account (after reverting: at identification level, account lookups made
 * as the client can fail). The thread is reverted whatever fails.
 */
export function clientUserOf(kernel: PipeKernel, handle: KernelHandle): AccountInfo {
  const security = securityOf(kernel);
  let sid: string;
  try {
    security.impersonateClient(handle);
    sid = security.threadUser();
  } finally {
    security.revertToSelf();
  }
  return { sid, account: accountOf(security, sid) };
}
