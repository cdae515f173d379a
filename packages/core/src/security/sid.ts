/**
 * Security identifiers (SIDs) in their string forms: `S-1-5-21-...` and the
 * two-letter aliases of SDDL (`SY`, `BA`, `WD`, ...), checked without any
 * system call ([MS-DTYP] 2.4.2.1 and 2.4.2.4).
 *
 * @module
 */
import { show } from "../validate.ts";

/**
 * The SDDL aliases whose SID is the same on every machine, and that SID
 * (sddl.h; [MS-DTYP] 2.4.2.4). ConvertSecurityDescriptorToStringSecurityDescriptor
 * prints these SIDs as their alias.
 */
export const SID_ALIASES: ReadonlyMap<string, string> = new Map([
  ["AA", "S-1-5-32-579"], // Access Control Assistance Operators
  ["AC", "S-1-15-2-1"], // ALL APPLICATION PACKAGES
  ["AN", "S-1-5-7"], // ANONYMOUS LOGON
  ["AO", "S-1-5-32-548"], // Account Operators
  ["AS", "S-1-18-1"], // Authentication authority asserted identity
  ["AU", "S-1-5-11"], // Authenticated Users
  ["BA", "S-1-5-32-544"], // Administrators
  ["BG", "S-1-5-32-546"], // Guests
  ["BO", "S-1-5-32-551"], // Backup Operators
  ["BU", "S-1-5-32-545"], // Users
  ["CD", "S-1-5-32-574"], // Certificate Service DCOM Access
  ["CG", "S-1-3-1"], // CREATOR GROUP
  ["CO", "S-1-3-0"], // CREATOR OWNER
  ["CY", "S-1-5-32-569"], // Cryptographic Operators
  ["ED", "S-1-5-9"], // ENTERPRISE DOMAIN CONTROLLERS
  ["ER", "S-1-5-32-573"], // Event Log Readers
  ["ES", "S-1-5-32-576"], // RDS Endpoint Servers
  ["HA", "S-1-5-32-578"], // Hyper-V Administrators
  ["HI", "S-1-16-12288"], // High Mandatory Level
  ["IS", "S-1-5-32-568"], // IIS_IUSRS
  ["IU", "S-1-5-4"], // INTERACTIVE
  ["LS", "S-1-5-19"], // LOCAL SERVICE
  ["LU", "S-1-5-32-559"], // Performance Log Users
  ["LW", "S-1-16-4096"], // Low Mandatory Level
  ["ME", "S-1-16-8192"], // Medium Mandatory Level
  ["MP", "S-1-16-8448"], // Medium Plus Mandatory Level
  ["MS", "S-1-5-32-577"], // RDS Management Servers
  ["MU", "S-1-5-32-558"], // Performance Monitor Users
  ["NO", "S-1-5-32-556"], // Network Configuration Operators
  ["NS", "S-1-5-20"], // NETWORK SERVICE
  ["NU", "S-1-5-2"], // NETWORK
  ["OW", "S-1-3-4"], // OWNER RIGHTS
  ["PO", "S-1-5-32-550"], // Print Operators
  ["PS", "S-1-5-10"], // SELF
  ["PU", "S-1-5-32-547"], // Power Users
  ["RA", "S-1-5-32-575"], // RDS Remote Access Servers
  ["RC", "S-1-5-12"], // RESTRICTED
  ["RD", "S-1-5-32-555"], // Remote Desktop Users
  ["RE", "S-1-5-32-552"], // Replicator
  ["RM", "S-1-5-32-580"], // Remote Management Users
  ["RU", "S-1-5-32-554"], // Pre-Windows 2000 Compatible Access
  ["SI", "S-1-16-16384"], // System Mandatory Level
  ["SO", "S-1-5-32-549"], // Server Operators
  ["SS", "S-1-18-2"], // Service asserted identity
  ["SU", "S-1-5-6"], // SERVICE
  ["SY", "S-1-5-18"], // SYSTEM
  ["UD", "S-1-5-84-0-0-0-0-0"], // User-mode drivers
  ["WD", "S-1-1-0"], // Everyone
  ["WR", "S-1-5-33"], // WRITE RESTRICTED
]);

/** The alias of each SID of {@linkcode SID_ALIASES}. */
const ALIAS_OF: ReadonlyMap<string, string> = new Map([...SID_ALIASES].map(([alias, sid]) => [sid, alias]));

/**
 * The SDDL aliases of SIDs that belong to the machine's or the domain's own
 * authority (`LA` is the local Administrator account, `DA` Domain Admins,
 * ...). Windows resolves them when it converts the SDDL; without a system
 * call they stay aliases.
 */
export const DOMAIN_SID_ALIASES: ReadonlySet<string> = new Set([
  "AP", // Protected Users
  "CA", // Cert Publishers
  "CN", // Cloneable Domain Controllers
  "DA", // Domain Admins
  "DC", // Domain Computers
  "DD", // Domain Controllers
  "DG", // Domain Guests
  "DU", // Domain Users
  "EA", // Enterprise Admins
  "EK", // Enterprise Key Admins
  "KA", // Key Admins
  "LA", // the local Administrator account
  "LG", // the local Guest account
  "PA", // Group Policy Creator Owners
  "RO", // Enterprise Read-only Domain Controllers
  "RS", // RAS and IAS Servers
  "SA", // Schema Admins
]);

/** The SID of the system's Mandatory Label authority: `S-1-16-<level>`. */
export const MANDATORY_LABEL_AUTHORITY = "S-1-16-";

const SID_STRING = /^S-1-(0x[0-9A-Fa-f]{1,12}|[0-9]+)((?:-[0-9]+)*)$/i;
const MAX_SUB_AUTHORITIES = 15;
const DWORD_MAX = 0xffffffff;
/** The largest identifier authority: 48 bits. */
const AUTHORITY_MAX = 2 ** 48 - 1;

/**
 * A SID string in the form Windows prints it (ConvertSidToStringSid): `S-1-`,
 * the identifier authority in decimal (in hex, `0x` and 12 digits, from
 * 2^32 on) and each sub-authority in decimal. Well-known aliases (`SY`)
 * become their SID; the aliases of {@linkcode DOMAIN_SID_ALIASES} stay as
 * they are (only Windows can resolve them). Throws a TypeError for anything
 * that is not a SID, and a RangeError for a number out of range.
 *
 * @example
 * ```ts
 * import { parseSid } from "@winpipe/core";
 * parseSid("SY"); // "S-1-5-18"
 * parseSid("s-1-5-32-544"); // "S-1-5-32-544"
 * ```
 */
export function parseSid(value: unknown, what = "SID"): string {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string: got ${show(value)}`);
  const alias = SID_ALIASES.get(value);
  if (alias !== undefined) return alias;
  if (DOMAIN_SID_ALIASES.has(value)) return value;
  const match = SID_STRING.exec(value);
  if (match === null) {
    const hint = /^[a-z]{2}$/.test(value) && SID_ALIASES.has(value.toUpperCase())
      ? ` (aliases are upper case: "${value.toUpperCase()}")`
      : "";
    throw new TypeError(
      `${what} must be a SID such as "S-1-5-21-...-1001" or an SDDL alias such as "SY": got ${show(value)}${hint}`,
    );
  }
  const [, authorityText, rest] = match;
  const authority = authorityText.toLowerCase().startsWith("0x")
    ? parseInt(authorityText.slice(2), 16)
    : Number(authorityText);
  if (!Number.isSafeInteger(authority) || authority > AUTHORITY_MAX) {
    throw new RangeError(`${what} ${show(value)}: the identifier authority must be below 2^48`);
  }
  const subs = rest === "" ? [] : rest.slice(1).split("-").map(Number);
  if (subs.length > MAX_SUB_AUTHORITIES) {
    throw new RangeError(`${what} ${show(value)}: a SID has at most ${MAX_SUB_AUTHORITIES} sub-authorities`);
  }
  for (const sub of subs) {
    if (!Number.isSafeInteger(sub) || sub > DWORD_MAX) {
      throw new RangeError(`${what} ${show(value)}: each sub-authority must be at most ${DWORD_MAX}`);
    }
  }
  const printed = authority <= DWORD_MAX
    ? String(authority)
    : `0x${authority.toString(16).toUpperCase().padStart(12, "0")}`;
  return ["S-1", printed, ...subs.map(String)].join("-");
}

/** How ConvertSecurityDescriptorToStringSecurityDescriptor prints a SID: its alias where it has one. */
export function sidForSddl(sid: string): string {
  return ALIAS_OF.get(sid) ?? sid;
}

/**
 * The SIDs of the well-known accounts and groups winpipe's defaults and
 * checks name ([MS-DTYP] 2.4.2.4), one place for all of them.
 *
 * @example
 * ```ts
 * import { WELL_KNOWN_SIDS } from "@winpipe/core";
 * // Everyone may read, SYSTEM has full control:
 * const sddl = `D:P(A;;GA;;;${WELL_KNOWN_SIDS.SYSTEM})(A;;GR;;;${WELL_KNOWN_SIDS.EVERYONE})`;
 * sddl; // "D:P(A;;GA;;;S-1-5-18)(A;;GR;;;S-1-1-0)"
 * ```
 */
export const WELL_KNOWN_SIDS = {
  /** LocalSystem (SY). */
  SYSTEM: "S-1-5-18",
  /** BUILTIN\Administrators (BA). */
  ADMINISTRATORS: "S-1-5-32-544",
  /** BUILTIN\Users (BU). */
  USERS: "S-1-5-32-545",
  /** Everyone (WD). */
  EVERYONE: "S-1-1-0",
  /** NT AUTHORITY\ANONYMOUS LOGON (AN). */
  ANONYMOUS: "S-1-5-7",
  /** NT AUTHORITY\Authenticated Users (AU). */
  AUTHENTICATED_USERS: "S-1-5-11",
  /** NT AUTHORITY\INTERACTIVE (IU). */
  INTERACTIVE: "S-1-5-4",
  /** The low mandatory (integrity) level (LW). */
  LOW_INTEGRITY: "S-1-16-4096",
} as const;
