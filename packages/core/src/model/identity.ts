/**
 * Who a model process is: its process and session ids and its token (user,
 * groups, integrity level). Each handle remembers the process that made
 * it, so a server can ask who its client is, and access checks have a
 * caller to check.
 *
 * @module
 */
import { parseSid, WELL_KNOWN_SIDS } from "../security/sid.ts";

const { EVERYONE, AUTHENTICATED_USERS, INTERACTIVE, USERS, ADMINISTRATORS } = WELL_KNOWN_SIDS;

/**
 * A user or group: its SID and its account (`DOMAIN\name`).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, type ModelAccount } from "@winpipe/core/model";
 * const alice: ModelAccount = { sid: "S-1-5-21-1000-2000-3000-1042", account: "MODEL\\alice" };
 * const { currentUser } = createWinpipe(createModelKernel({ process: { user: alice } }));
 * currentUser().account; // "MODEL\\alice"
 * ```
 */
export interface ModelAccount {
  /** The SID, `S-1-...`. */
  readonly sid: string;
  /** The account, as LookupAccountSidW gives it: `DOMAIN\name`. */
  readonly account: string;
}

/**
 * Integrity levels (the RIDs of `S-1-16-...`): what a mandatory label compares.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const machine = createModelKernel();
 * const sandboxed = machine.otherProcess({ integrity: "low" });
 * const name = String.raw`\\.\pipe\low-ok`;
 * // A low integrity label lets low-integrity clients write:
 * using server = createWinpipe(machine).createServer(name, { security: "D:P(A;;GA;;;SY)(A;;GRGW;;;WD)S:(ML;;NW;;;LW)" });
 * await using client = await createWinpipe(sandboxed).connect(name);
 * ```
 */
export type IntegrityLevel = "untrusted" | "low" | "medium" | "high" | "system";

/** The RID of each integrity level. */
export const INTEGRITY_RIDS: Readonly<Record<IntegrityLevel, number>> = {
  untrusted: 0x0000,
  low: 0x1000,
  medium: 0x2000,
  high: 0x3000,
  system: 0x4000,
};

/**
 * Options of a model process (`ModelKernelOptions.process`, `ModelKernel.otherProcess`).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, type ModelProcessOptions } from "@winpipe/core/model";
 * const options: ModelProcessOptions = { processId: 4242, sessionId: 2 };
 * const machine = createModelKernel();
 * const other = machine.otherProcess(options);
 * const name = String.raw`\\.\pipe\session-two`;
 * using server = createWinpipe(machine).createServer(name);
 * const accepted = server.accept();
 * await using client = await createWinpipe(other).connect(name);
 * await using conn = await accepted;
 * conn.clientProcessId(); // 4242
 * conn.clientSessionId(); // 2
 * ```
 */
export interface ModelProcessOptions {
  /** Its process id. Default: the next free one (1000, 1004, ...). */
  processId?: number;
  /** Its session id. Default 1. */
  sessionId?: number;
  /** The user it runs as. Default the machine's user {@linkcode MODEL_USER}. */
  user?: ModelAccount;
  /**
   * The groups of its token (SIDs). Default: Everyone, Authenticated Users,
   * INTERACTIVE and Users for a user; Everyone, Authenticated Users and
   * Administrators for SYSTEM; none for ANONYMOUS LOGON.
   */
  groups?: readonly string[];
  /** Its integrity level. Default "medium" ("system" for SYSTEM, "untrusted" for ANONYMOUS LOGON). */
  integrity?: IntegrityLevel;
  /** Groups it may make the owner of what it creates (SE_GROUP_OWNER), besides its user. Default none. */
  ownerGroups?: readonly string[];
}

/**
 * The user of a model machine's processes unless told otherwise.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, MODEL_USER } from "@winpipe/core/model";
 * createWinpipe(createModelKernel()).currentUser().sid === MODEL_USER.sid; // true
 * ```
 */
export const MODEL_USER: ModelAccount = { sid: "S-1-5-21-1000-2000-3000-1001", account: "MODEL\\user" };
/** The primary group of the machine's users ("None", RID 513, as on a workstation). */
export const MODEL_NONE_GROUP: ModelAccount = { sid: "S-1-5-21-1000-2000-3000-513", account: "MODEL\\None" };
/**
 * LocalSystem.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, MODEL_SYSTEM } from "@winpipe/core/model";
 * const service = createModelKernel({ process: { user: MODEL_SYSTEM } });
 * createWinpipe(service).currentUser().account; // "NT AUTHORITY\\SYSTEM"
 * ```
 */
export const MODEL_SYSTEM: ModelAccount = { sid: "S-1-5-18", account: "NT AUTHORITY\\SYSTEM" };
/**
 * The anonymous logon (a client that does not authenticate).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel, MODEL_ANONYMOUS } from "@winpipe/core/model";
 * const machine = createModelKernel();
 * const anonymous = machine.otherProcess({ user: MODEL_ANONYMOUS });
 * const name = String.raw`\\.\pipe\no-anonymous`;
 * using server = createWinpipe(machine).createServer(name); // security: "current-user"
 * await createWinpipe(anonymous).connect(name).catch((err) => err.codeName); // "ERROR_ACCESS_DENIED"
 * ```
 */
export const MODEL_ANONYMOUS: ModelAccount = { sid: "S-1-5-7", account: "NT AUTHORITY\\ANONYMOUS LOGON" };

/** Accounts every machine knows (LookupAccountSidW of well-known SIDs). */
export const WELL_KNOWN_ACCOUNTS: readonly ModelAccount[] = [
  MODEL_SYSTEM,
  MODEL_ANONYMOUS,
  MODEL_NONE_GROUP,
  { sid: "S-1-1-0", account: "Everyone" },
  { sid: "S-1-5-11", account: "NT AUTHORITY\\Authenticated Users" },
  { sid: "S-1-5-4", account: "NT AUTHORITY\\INTERACTIVE" },
  { sid: "S-1-5-32-544", account: "BUILTIN\\Administrators" },
  { sid: "S-1-5-32-545", account: "BUILTIN\\Users" },
  { sid: "S-1-16-4096", account: "Mandatory Label\\Low Mandatory Level" },
  { sid: "S-1-16-8192", account: "Mandatory Label\\Medium Mandatory Level" },
  { sid: "S-1-16-12288", account: "Mandatory Label\\High Mandatory Level" },
  { sid: "S-1-16-16384", account: "Mandatory Label\\System Mandatory Level" },
];

/**
 * One process of a model machine: its ids and its token.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel({ process: { processId: 1234 } });
 * kernel.process.processId; // 1234
 * kernel.process.sessionId; // 1
 * kernel.process.user.account; // "MODEL\\user"
 * ```
 */
export class ModelProcess {
  /** Its process id (GetCurrentProcessId, GetNamedPipeClientProcessId). */
  readonly processId: number;
  /** Its Terminal Services session id (ProcessIdToSessionId, GetNamedPipeClientSessionId). */
  readonly sessionId: number;
  /** The user its token carries (TokenUser). */
  readonly user: ModelAccount;
  /** The user's SID and its groups' SIDs: what an access check matches against. */
  readonly sids: ReadonlySet<string>;
  /** Its integrity level's RID. */
  readonly integrity: number;
  /** The owner of what it creates unless told otherwise (TokenOwner). */
  readonly defaultOwner: string;
  /** The group of what it creates unless told otherwise (TokenPrimaryGroup). */
  readonly primaryGroup: string;
  /** What it may make the owner of what it creates. */
  readonly ownerSids: ReadonlySet<string>;

  /** A process with `processId` unless `options.processId` says otherwise, and the token `options` describe. */
  constructor(processId: number, options: ModelProcessOptions = {}) {
    const user = options.user ?? MODEL_USER;
    const sid = parseSid(user.sid, "user.sid");
    this.user = { sid, account: user.account };
    this.processId = options.processId ?? processId;
    this.sessionId = options.sessionId ?? 1;
    const system = sid === MODEL_SYSTEM.sid;
    const anonymous = sid === MODEL_ANONYMOUS.sid;
    const groups = options.groups ??
      (system
        ? [EVERYONE, AUTHENTICATED_USERS, ADMINISTRATORS]
        : anonymous
        ? []
        : [EVERYONE, AUTHENTICATED_USERS, INTERACTIVE, USERS]);
    this.sids = new Set([sid, ...groups.map((group) => parseSid(group, "groups"))]);
    const integrity = options.integrity ?? (system ? "system" : anonymous ? "untrusted" : "medium");
    this.integrity = INTEGRITY_RIDS[integrity];
    this.defaultOwner = sid;
    this.primaryGroup = sid.startsWith("S-1-5-21-") ? MODEL_NONE_GROUP.sid : sid;
    this.ownerSids = new Set([sid, ...(options.ownerGroups ?? []).map((group) => parseSid(group, "ownerGroups"))]);
  }
}
