/**
 * The model's access control: the security descriptor a new pipe gets, and
 * the access check of CreateFile and of CreateNamedPipe on an existing name
 * (what SeAccessCheck does for NPFS, with the file generic mapping).
 *
 * What it evaluates: owner and NULL DACLs, allow and deny entries in order
 * (the first deny of a wanted right wins), the owner's implicit READ_CONTROL
 * and WRITE_DAC, and the mandatory label (no-write-up, no-read-up,
 * no-execute-up; an object without a label is medium, no-write-up). What it
 * does not: privileges (SeBackupPrivilege, SeSecurityPrivilege: a SACL with
 * audit entries is refused with ERROR_PRIVILEGE_NOT_HELD), restricted and
 * deny-only SIDs, OWNER RIGHTS entries, and aliases of domain SIDs (`LA`,
 * `DA`, ...), which match nobody here.
 *
 * @module
 */
import { ERROR_INVALID_OWNER, ERROR_INVALID_PARAMETER, ERROR_PRIVILEGE_NOT_HELD } from "../constants.ts";
import { type AclInfo, fileRights, parseSecurityDescriptor, type SecurityDescriptorInfo } from "../security/sddl.ts";
import { MANDATORY_LABEL_AUTHORITY, WELL_KNOWN_SIDS } from "../security/sid.ts";
import { failure } from "./checks.ts";
import { INTEGRITY_RIDS, type ModelProcess } from "./identity.ts";

const { SYSTEM, ADMINISTRATORS, EVERYONE, ANONYMOUS } = WELL_KNOWN_SIDS;

/** FILE_CREATE_PIPE_INSTANCE (FILE_APPEND_DATA): the right to add an instance to an existing name. */
export const FILE_CREATE_PIPE_INSTANCE = 0x0004;
/** SYNCHRONIZE. */
export const SYNCHRONIZE = 0x00100000;
/** FILE_READ_ATTRIBUTES: CreateFile always asks for it. */
const FILE_READ_ATTRIBUTES = 0x0080;
const READ_CONTROL = 0x00020000;
const WRITE_DAC = 0x00040000;

/** Rights a lower integrity level is refused by no-write-up: writing data, attributes, the descriptor, deleting. */
const WRITE_RIGHTS = 0x0002 | 0x0004 | 0x0010 | 0x0100 | 0x00010000 | 0x00040000 | 0x00080000;
/** Rights refused by no-read-up: reading data, extended attributes, attributes. */
const READ_RIGHTS = 0x0001 | 0x0008 | 0x0080;
/** Rights refused by no-execute-up. */
const EXECUTE_RIGHTS = 0x0020;
/** The policy bits of a mandatory label entry. */
const NO_WRITE_UP = 0x1, NO_READ_UP = 0x2, NO_EXECUTE_UP = 0x4;
/** The ACE flag that makes an entry apply to children only. */
const INHERIT_ONLY = "IO";

const GENERIC_ALL = 0x10000000;
const GENERIC_READ = 0x80000000;

/**
 * The DACL a pipe gets when CreateNamedPipe is given no security
 * descriptor: kernel32 builds it with RtlDefaultNpAcl (SYSTEM,
 * Administrators and the creator's owner: GENERIC_ALL; ANONYMOUS LOGON and
 * Everyone: GENERIC_READ; ReactOS's RtlDefaultNpAcl, and the
 * CreateNamedPipe documentation).
 */
function defaultPipeDacl(creator: ModelProcess): AclInfo {
  const allow = (mask: number, sid: string) => ({ type: "A" as const, flags: [], mask: mask >>> 0, sid });
  return {
    flags: [],
    aces: [
      allow(GENERIC_ALL, SYSTEM),
      allow(GENERIC_ALL, ADMINISTRATORS),
      allow(GENERIC_ALL, creator.defaultOwner),
      allow(GENERIC_READ, ANONYMOUS),
      allow(GENERIC_READ, EVERYONE),
    ],
  };
}

/** A token's default DACL: what an object gets when its descriptor has no DACL (the user and SYSTEM: GENERIC_ALL). */
function tokenDefaultDacl(creator: ModelProcess): AclInfo {
  return {
    flags: [],
    aces: [
      { type: "A", flags: [], mask: GENERIC_ALL, sid: creator.user.sid },
      { type: "A", flags: [], mask: GENERIC_ALL, sid: SYSTEM },
    ],
  };
}

/**
 * The descriptor of a new pipe made by `creator` with `sddl` (undefined:
 * CreateNamedPipe's default). The parts the SDDL leaves out are filled in
 * as the system does: the creator's default owner and primary group, its
 * token's default DACL. Fails as CreateNamedPipeW does for an SDDL the
 * model cannot read (ERROR_INVALID_PARAMETER), an owner the creator may
 * not assign (ERROR_INVALID_OWNER) or audit entries
 * (ERROR_PRIVILEGE_NOT_HELD: setting a SACL needs SeSecurityPrivilege).
 */
export function newPipeDescriptor(
  sddl: string | undefined,
  creator: ModelProcess,
  call: string,
  name: string,
): Required<Pick<SecurityDescriptorInfo, "owner" | "group">> & SecurityDescriptorInfo {
  if (sddl === undefined) {
    return { owner: creator.defaultOwner, group: creator.primaryGroup, dacl: defaultPipeDacl(creator) };
  }
  let given: SecurityDescriptorInfo;
  try {
    given = parseSecurityDescriptor(sddl);
  } catch {
    throw failure(ERROR_INVALID_PARAMETER, call, name); // ConvertStringSecurityDescriptorToSecurityDescriptorW
  }
  const owner = given.owner ?? creator.defaultOwner;
  if (!creator.ownerSids.has(owner)) throw failure(ERROR_INVALID_OWNER, call, name);
  const sacl = given.sacl;
  if (sacl?.aces.some((ace) => ace.type !== "ML")) throw failure(ERROR_PRIVILEGE_NOT_HELD, call, name);
  return {
    owner,
    group: given.group ?? creator.primaryGroup,
    dacl: given.dacl === undefined ? tokenDefaultDacl(creator) : given.dacl,
    ...(sacl === undefined || sacl === null || sacl.aces.length === 0 ? {} : { sacl }),
  };
}

/** The integrity level a descriptor's mandatory label gives the object, and its policy (default: medium, no-write-up). */
function labelOf(descriptor: SecurityDescriptorInfo): { level: number; policy: number } {
  const label = descriptor.sacl?.aces.find((ace) => ace.type === "ML" && !ace.flags.includes(INHERIT_ONLY));
  if (label === undefined) return { level: INTEGRITY_RIDS.medium, policy: NO_WRITE_UP };
  return { level: Number(label.sid.slice(MANDATORY_LABEL_AUTHORITY.length).split("-")[0]), policy: label.mask };
}

/**
 * Whether `caller` is granted every right of `desired` (generic rights
 * mapped to file rights) by `descriptor`: the mandatory integrity check,
 * then the DACL.
 */
export function accessGranted(descriptor: SecurityDescriptorInfo, caller: ModelProcess, desired: number): boolean {
  const wanted = fileRights(desired);
  const { level, policy } = labelOf(descriptor);
  if (caller.integrity < level) {
    if (policy & NO_WRITE_UP && wanted & WRITE_RIGHTS) return false;
    if (policy & NO_READ_UP && wanted & READ_RIGHTS) return false;
    if (policy & NO_EXECUTE_UP && wanted & EXECUTE_RIGHTS) return false;
  }
  const dacl = descriptor.dacl;
  if (dacl === null) return true; // NULL DACL: no access control
  if (dacl === undefined) return true; // not reached: new pipes always get a DACL
  let granted = 0;
  if (descriptor.owner !== undefined && caller.sids.has(descriptor.owner)) granted |= READ_CONTROL | WRITE_DAC;
  for (const ace of dacl.aces) {
    if ((wanted & ~granted) === 0) break;
    if (ace.flags.includes(INHERIT_ONLY) || !caller.sids.has(ace.sid)) continue;
    const mask = fileRights(ace.mask);
    if (ace.type === "D" && (mask & wanted & ~granted) !== 0) return false;
    if (ace.type === "A") granted |= mask;
  }
  return (wanted & ~granted) === 0;
}

/** What CreateFileW asks for besides dwDesiredAccess: SYNCHRONIZE and FILE_READ_ATTRIBUTES. */
export function createFileAccess(desired: number): number {
  return (desired | SYNCHRONIZE | FILE_READ_ATTRIBUTES) >>> 0;
}

/**
 * The descriptor of an anonymous pipe: CreatePipe passes no descriptor to
 * NtCreateNamedPipeFile, so the pipe gets its creator's owner, group and
 * token default DACL.
 */
export function anonymousPipeDescriptor(creator: ModelProcess): SecurityDescriptorInfo {
  return { owner: creator.defaultOwner, group: creator.primaryGroup, dacl: tokenDefaultDacl(creator) };
}
