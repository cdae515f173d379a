/**
 * Who a model process is: its process and session ids and its token (user,
 * groups, integrity level). Each handle remembers the process that made
 * it, so a server can ask who its client is, and access checks have a
 * caller to check.
 *
 * @module
 */
import { parseSid } from "../security/sid.ts";

/** A user or group: its SID and its account (`DOMAIN\name`). */
export interface ModelAccount {
  /** The SID, `S-1-...`. */
  readonly sid: string;
  /** The account, as LookupAccountSidW gives it: `DOMAIN\name`. */
  readonly account: string;
}

/** Integrity levels (the RIDs of `S-1-16-...`): what a mandatory label compares. */
export type IntegrityLevel = "untrusted" | "low" | "medium" | "high" | "system";

/** The RID of each integrity level. */
export const INTEGRITY_RIDS: Readonly<Record<IntegrityLevel, number>> = {
  untrusted: 0x0000,
  low: 0x1000,
  medium: 0x2000,
  high: 0x3000,
  system: 0x4000,
};

/** Options of a model process (`ModelKernelOptions.process`, `ModelKernel.otherProcess`). */
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

/** The user of a model machine's processes unless told otherwise. */
export const MODEL_USER: ModelAccount = { sid: "S-1-5-21-1000-2000-3000-1001", account: "MODEL\\user" };
/** The primary group of the machine's users ("None", RID 513, as on a workstation). */
export const MODEL_NONE_GROUP: ModelAccount = { sid: "S-1-5-21-1000-2000-3000-513", account: "MODEL\\None" };
/** LocalSystem. */
export const MODEL_SYSTEM: ModelAccount = { sid: "S-1-5-18", account: "NT AUTHORITY\\SYSTEM" };
/** The anonymous logon (a client that does not authenticate). */
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

const EVERYONE = "S-1-1-0";
const AUTHENTICATED_USERS = "S-1-5-11";
const INTERACTIVE = "S-1-5-4";
const USERS = "S-1-5-32-545";
const ADMINISTRATORS = "S-1-5-32-544";

/** One process of a model machine: its ids and its token. */
export class ModelProcess {
  readonly processId: number;
  readonly sessionId: number;
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
