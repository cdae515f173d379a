/**
 * Security descriptors in the Security Descriptor Definition Language
 * (SDDL, [MS-DTYP] 2.5.1): parsed and checked without any system call, so
 * that a bad descriptor is refused before one is made, and printed back the
 * way ConvertSecurityDescriptorToStringSecurityDescriptorW prints it.
 *
 * What pipes use is accepted: owner (`O:`), group (`G:`), a DACL (`D:`) of
 * allow (`A`) and deny (`D`) entries, and a SACL (`S:`) of audit (`AU`),
 * alarm (`AL`) and mandatory label (`ML`) entries. Object entries (`OA`,
 * ...), conditional entries (`XA`, ...) and resource attributes, which
 * describe directory objects and claims, are refused with a TypeError that
 * says so.
 *
 * @module
 */
import { show } from "../validate.ts";
import { MANDATORY_LABEL_AUTHORITY, parseSid, sidForSddl } from "./sid.ts";

/**
 * The ACE types winpipe accepts: allow, deny (DACL); audit, alarm, mandatory label (SACL).
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * const { dacl } = parseSecurityDescriptor("D:P(D;;GA;;;AN)(A;;GRGW;;;AU)");
 * dacl?.aces.map((ace) => ace.type); // ["D", "A"]: deny the anonymous account, allow authenticated users
 * ```
 */
export type AceType = "A" | "D" | "AU" | "AL" | "ML";

/**
 * One access control entry.
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * const ace = parseSecurityDescriptor("D:(A;;GRGW;;;AU)").dacl!.aces[0];
 * ace.type; // "A"
 * ace.mask === (0x80000000 | 0x40000000); // true: GR | GW
 * ace.sid; // "S-1-5-11" (AU, Authenticated Users)
 * ```
 */
export interface AceInfo {
  /** `A` allow, `D` deny, `AU` audit, `AL` alarm, `ML` mandatory label. */
  readonly type: AceType;
  /** Its flags as SDDL names, in the order Windows prints them (`OI`, `CI`, `NP`, `IO`, `ID`, `SA`, `FA`). */
  readonly flags: readonly string[];
  /** The access mask, as given (generic rights are not mapped; see {@linkcode fileRights}). */
  readonly mask: number;
  /** The trustee: a SID in `S-1-...` form, or an alias of a domain SID (`LA`, `DA`, ...). */
  readonly sid: string;
}

/**
 * An access control list.
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * const dacl = parseSecurityDescriptor("D:P(A;;GA;;;SY)").dacl!;
 * dacl.flags; // ["P"]: protected, inherits nothing
 * dacl.aces.length; // 1
 * ```
 */
export interface AclInfo {
  /** Its control flags: `P` (protected), `AR` (auto-inherit required), `AI` (auto-inherited). */
  readonly flags: readonly string[];
  /** The entries, in order. */
  readonly aces: readonly AceInfo[];
}

/**
 * A security descriptor as SDDL describes it. A part the text leaves out is
 * undefined (the system fills it in when it makes an object: the creator's
 * owner and group, its token's default DACL). `dacl: null` is a NULL DACL
 * (`D:NO_ACCESS_CONTROL`): everyone has full access.
 *
 * @example
 * ```ts
 * import { formatSecurityDescriptor, parseSecurityDescriptor } from "@winpipe/core";
 * const sd = parseSecurityDescriptor("O:SYD:P(A;;GA;;;SY)S:(ML;;NW;;;LW)");
 * sd.owner; // "S-1-5-18"
 * sd.sacl?.aces[0].type; // "ML": a low integrity label
 * formatSecurityDescriptor(sd); // SDDL again
 * ```
 */
export interface SecurityDescriptorInfo {
  /** The owner's SID. */
  readonly owner?: string;
  /** The primary group's SID. */
  readonly group?: string;
  /** The discretionary ACL: who may do what. */
  readonly dacl?: AclInfo | null;
  /** The system ACL: audit entries and the mandatory (integrity) label. */
  readonly sacl?: AclInfo | null;
}

/** Access rights by SDDL name ([MS-DTYP] 2.5.1.1; sddl.h). */
const RIGHTS: ReadonlyMap<string, number> = new Map([
  ["GA", 0x10000000],
  ["GR", 0x80000000],
  ["GW", 0x40000000],
  ["GX", 0x20000000],
  ["RC", 0x00020000],
  ["SD", 0x00010000],
  ["WD", 0x00040000],
  ["WO", 0x00080000],
  ["RP", 0x00000010],
  ["WP", 0x00000020],
  ["CC", 0x00000001],
  ["DC", 0x00000002],
  ["LC", 0x00000004],
  ["SW", 0x00000008],
  ["LO", 0x00000080],
  ["DT", 0x00000040],
  ["CR", 0x00000100],
  ["FA", 0x001f01ff],
  ["FR", 0x00120089],
  ["FW", 0x00120116],
  ["FX", 0x001200a0],
  ["KA", 0x000f003f],
  ["KR", 0x00020019],
  ["KW", 0x00020006],
  ["KX", 0x00020019],
  ["NR", 0x00000002],
  ["NW", 0x00000001],
  ["NX", 0x00000004],
]);

/** The names a whole mask may print as, in the order Windows tries them (the label rights excluded). */
const WHOLE_NAMES = [...RIGHTS].filter(([name]) => !["NR", "NW", "NX"].includes(name));

/** The name of each bit a mask may be spelled with, by bit number. */
const BIT_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "CC"],
  [1, "DC"],
  [2, "LC"],
  [3, "SW"],
  [4, "RP"],
  [5, "WP"],
  [6, "DT"],
  [7, "LO"],
  [8, "CR"],
  [16, "SD"],
  [17, "RC"],
  [18, "WD"],
  [19, "WO"],
  [28, "GA"],
  [29, "GX"],
  [30, "GW"],
  [31, "GR"],
]);

/** The rights of a mandatory label entry, by bit: no-write-up, no-read-up, no-execute-up. */
const LABEL_BIT_NAMES: ReadonlyMap<number, string> = new Map([[0, "NW"], [1, "NR"], [2, "NX"]]);

/** ACE flags by SDDL name, in the order Windows prints them. */
const ACE_FLAGS: ReadonlyMap<string, number> = new Map([
  ["OI", 0x01],
  ["CI", 0x02],
  ["NP", 0x04],
  ["IO", 0x08],
  ["ID", 0x10],
  ["SA", 0x40],
  ["FA", 0x80],
]);

/** ACL control flags, in the order Windows prints them. */
const ACL_FLAGS = ["P", "AR", "AI"] as const;

const ACE_TYPES: ReadonlyMap<string, "D:" | "S:"> = new Map([
  ["A", "D:"],
  ["D", "D:"],
  ["AU", "S:"],
  ["AL", "S:"],
  ["ML", "S:"],
]);
const OBJECT_ACE_TYPES = new Set(["OA", "OD", "OU", "OL"]);
const CONDITIONAL_ACE_TYPES = new Set(["XA", "XD", "XU", "ZA"]);

/** GENERIC_READ, _WRITE, _EXECUTE, _ALL mapped to the rights of a file or pipe (IoGetFileObjectGenericMapping). */
const FILE_GENERIC_MAPPING: readonly [number, number][] = [
  [0x80000000, 0x00120089], // GENERIC_READ: FILE_GENERIC_READ
  [0x40000000, 0x00120116], // GENERIC_WRITE: FILE_GENERIC_WRITE
  [0x20000000, 0x001200a0], // GENERIC_EXECUTE: FILE_GENERIC_EXECUTE
  [0x10000000, 0x001f01ff], // GENERIC_ALL: FILE_ALL_ACCESS
];

/**
 * `mask` with its generic rights replaced by what they mean for a file or
 * a pipe: GA is FA (FILE_ALL_ACCESS), GR is FR, GW is FW, GX is FX. Two
 * descriptors that differ only in how a kernel stored their rights (`GA` or
 * `FA`) compare equal after it.
 *
 * @example
 * ```ts
 * import { fileRights } from "@winpipe/core";
 * fileRights(0x10000000) === 0x1f01ff; // true: GA is FA
 * ```
 */
export function fileRights(mask: number): number {
  let mapped = mask;
  for (const [generic, specific] of FILE_GENERIC_MAPPING) {
    if (mapped & generic) mapped = (mapped & ~generic) | specific;
  }
  return mapped >>> 0;
}

/** A TypeError about `text`, saying where and what. */
function bad(text: string, detail: string): TypeError {
  return new TypeError(`${show(text)} is not valid SDDL: ${detail}`);
}

function parseRights(text: string, ace: string): number {
  if (text === "") return 0;
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return parseInt(text.slice(2), 16) >>> 0;
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8) >>> 0;
  if (/^[0-9]+$/.test(text)) {
    const value = Number(text);
    if (value > 0xffffffff) throw new RangeError(`the access mask ${text} of ${ace} is larger than 32 bits`);
    return value;
  }
  if (text.length % 2 !== 0 || !/^[A-Z]+$/.test(text)) {
    throw new TypeError(
      `bad access rights "${text}" in ${ace}: use SDDL rights such as GA, GR, GW, FA or a mask 0x...`,
    );
  }
  let mask = 0;
  for (let at = 0; at < text.length; at += 2) {
    const name = text.slice(at, at + 2);
    const value = RIGHTS.get(name);
    if (value === undefined) {
      throw new TypeError(`unknown access right "${name}" in ${ace} (rights: ${[...RIGHTS.keys()].join(" ")})`);
    }
    mask |= value;
  }
  return mask >>> 0;
}

function parseAceFlags(text: string, ace: string): string[] {
  if (text.length % 2 !== 0) throw new TypeError(`bad ACE flags "${text}" in ${ace}`);
  const given = new Set<string>();
  for (let at = 0; at < text.length; at += 2) {
    const name = text.slice(at, at + 2);
    if (!ACE_FLAGS.has(name)) {
      throw new TypeError(`unknown ACE flag "${name}" in ${ace} (flags: ${[...ACE_FLAGS.keys()].join(" ")})`);
    }
    given.add(name);
  }
  return [...ACE_FLAGS.keys()].filter((name) => given.has(name));
}

function parseAce(body: string, list: "D:" | "S:"): AceInfo {
  const ace = `(${body})`;
  const fields = body.split(";");
  const type = fields[0];
  if (OBJECT_ACE_TYPES.has(type)) {
    throw new TypeError(`${ace}: object ACEs (${type}) are for directory objects, not pipes`);
  }
  if (CONDITIONAL_ACE_TYPES.has(type) || type === "RA" || type === "SP") {
    throw new TypeError(`${ace}: conditional, resource-attribute and scoped-policy ACEs (${type}) are not supported`);
  }
  const belongs = ACE_TYPES.get(type);
  if (belongs === undefined) {
    throw new TypeError(`unknown ACE type "${type}" in ${ace} (types: A and D in D:, AU, AL and ML in S:)`);
  }
  if (belongs !== list) {
    throw new TypeError(`${ace}: ${type === "D" ? "a" : "an"} ${type} ACE belongs in ${belongs}, not in ${list}`);
  }
  if (fields.length !== 6) throw new TypeError(`${ace} must have 6 fields separated by ";": it has ${fields.length}`);
  const [, flagText, rightsText, objectGuid, inheritedGuid, sidText] = fields;
  if (objectGuid !== "" || inheritedGuid !== "") {
    throw new TypeError(`${ace}: object GUIDs are for directory objects, not pipes`);
  }
  const flags = parseAceFlags(flagText, ace);
  const mask = parseRights(rightsText, ace);
  let sid: string;
  try {
    sid = parseSid(sidText, `the SID of ${ace}`);
  } catch (err) {
    if (err instanceof RangeError) throw err;
    throw new TypeError(`unknown SID or alias "${sidText}" in ${ace}: use S-1-... or an alias such as SY, BA, WD`);
  }
  if (type === "ML" && !sid.startsWith(MANDATORY_LABEL_AUTHORITY)) {
    throw new TypeError(`${ace}: a mandatory label names an integrity level (LW, ME, MP, HI, SI or S-1-16-...)`);
  }
  return { type: type as AceType, flags, mask, sid };
}

/** Where the next `O:`, `G:`, `D:` or `S:` starts at or after `from`, or the end. */
function nextPart(text: string, from: number): number {
  for (let at = from; at < text.length - 1; at++) {
    if (text[at + 1] === ":" && "OGDS".includes(text[at])) return at;
  }
  return text.length;
}

/** The ACL of a `D:` or `S:` part, from `at` (after the colon); returns it and where it ends. */
function parseAcl(text: string, at: number, list: "D:" | "S:"): { acl: AclInfo | null; end: number } {
  const flags = new Set<string>();
  let nullAcl = false;
  for (;;) {
    if (text.startsWith("NO_ACCESS_CONTROL", at)) {
      nullAcl = true;
      at += "NO_ACCESS_CONTROL".length;
    } else if (text.startsWith("AR", at) || text.startsWith("AI", at)) {
      flags.add(text.slice(at, at + 2));
      at += 2;
    } else if (text[at] === "P" && text[at + 1] !== ":") {
      flags.add("P");
      at += 1;
    } else break;
  }
  const aces: AceInfo[] = [];
  while (text[at] === "(") {
    const close = text.indexOf(")", at);
    if (close < 0) throw new TypeError(`the ACE at offset ${at} has no closing ")"`);
    aces.push(parseAce(text.slice(at + 1, close), list));
    at = close + 1;
  }
  if (at < text.length && nextPart(text, at) !== at) {
    throw new TypeError(`unexpected ${show(text.slice(at, at + 12))} at offset ${at} in ${list}`);
  }
  if (nullAcl && aces.length > 0) throw new TypeError(`${list}NO_ACCESS_CONTROL cannot have entries`);
  return { acl: nullAcl ? null : { flags: ACL_FLAGS.filter((f) => flags.has(f)), aces }, end: at };
}

/**
 * Parses and checks an SDDL security descriptor without any system call.
 * SIDs come back in `S-1-...` form (well-known aliases resolved), masks as
 * numbers (generic rights as given: see {@linkcode fileRights}). Throws a
 * TypeError (or a RangeError for a number out of range) that says what is
 * wrong and where.
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * const sd = parseSecurityDescriptor("O:SYD:P(A;;GA;;;SY)(A;;GRGW;;;AU)");
 * sd.owner; // "S-1-5-18"
 * sd.dacl!.flags; // ["P"]
 * sd.dacl!.aces[1]; // { type: "A", flags: [], mask: 0xc0000000, sid: "S-1-5-11" }
 * ```
 */
export function parseSecurityDescriptor(sddl: string): SecurityDescriptorInfo {
  if (typeof sddl !== "string") throw new TypeError(`security descriptor must be a string: got ${show(sddl)}`);
  if (sddl === "") throw bad(sddl, "it is empty");
  const parts: { owner?: string; group?: string; dacl?: AclInfo | null; sacl?: AclInfo | null } = {};
  const seen = new Set<string>();
  let at = 0;
  try {
    while (at < sddl.length) {
      const tag = sddl[at];
      if (!"OGDS".includes(tag) || sddl[at + 1] !== ":") {
        throw new TypeError(`expected O:, G:, D: or S: at offset ${at}, found ${show(sddl.slice(at, at + 12))}`);
      }
      if (seen.has(tag)) throw new TypeError(`${tag}: is given twice`);
      seen.add(tag);
      at += 2;
      if (tag === "O" || tag === "G") {
        const end = nextPart(sddl, at);
        const what = tag === "O" ? "the owner" : "the group";
        const text = sddl.slice(at, end);
        if (text === "") throw new TypeError(`${tag}: has no SID`);
        try {
          parts[tag === "O" ? "owner" : "group"] = parseSid(text, what);
        } catch (err) {
          if (err instanceof RangeError) throw err;
          throw new TypeError(`${what} ${show(text)} is not a SID or an SDDL alias`);
        }
        at = end;
      } else {
        const { acl, end } = parseAcl(sddl, at, `${tag}:` as "D:" | "S:");
        parts[tag === "D" ? "dacl" : "sacl"] = acl;
        at = end;
      }
    }
  } catch (err) {
    if (err instanceof RangeError) throw new RangeError(`${show(sddl)} is not valid SDDL: ${err.message}`);
    if (err instanceof TypeError) throw bad(sddl, err.message);
    throw err;
  }
  return parts;
}

function formatRights(mask: number, type: AceType): string {
  const value = mask >>> 0;
  if (value === 0) return "";
  const bitName = (names: ReadonlyMap<number, string>): string | undefined => {
    let out = "";
    for (let bit = 0; bit < 32; bit++) {
      if (!((value >>> bit) & 1)) continue;
      const name = names.get(bit);
      if (name === undefined) return undefined;
      out += name;
    }
    return out;
  };
  if (type === "ML") return bitName(LABEL_BIT_NAMES) ?? `0x${value.toString(16)}`;
  const whole = WHOLE_NAMES.find(([, right]) => right >>> 0 === value);
  if (whole !== undefined) return whole[0];
  return bitName(BIT_NAMES) ?? `0x${value.toString(16)}`;
}

function formatAcl(acl: AclInfo | null): string {
  if (acl === null) return "NO_ACCESS_CONTROL";
  const aces = acl.aces.map((ace) =>
    `(${ace.type};${ace.flags.join("")};${formatRights(ace.mask, ace.type)};;;${sidForSddl(ace.sid)})`
  );
  return acl.flags.join("") + aces.join("");
}

/**
 * An SDDL string for `descriptor`, printed as
 * ConvertSecurityDescriptorToStringSecurityDescriptorW prints one: owner,
 * group, DACL, SACL in that order; SIDs by their alias where they have one;
 * rights by their name, or spelled with bit names, or as a hex mask.
 *
 * @example
 * ```ts
 * import { formatSecurityDescriptor, parseSecurityDescriptor } from "@winpipe/core";
 * formatSecurityDescriptor(parseSecurityDescriptor("D:P(A;;GRGW;;;S-1-5-11)")); // "D:P(A;;GWGR;;;AU)"
 * ```
 */
export function formatSecurityDescriptor(descriptor: SecurityDescriptorInfo): string {
  let out = "";
  if (descriptor.owner !== undefined) out += `O:${sidForSddl(descriptor.owner)}`;
  if (descriptor.group !== undefined) out += `G:${sidForSddl(descriptor.group)}`;
  if (descriptor.dacl !== undefined) out += `D:${formatAcl(descriptor.dacl)}`;
  if (descriptor.sacl !== undefined) out += `S:${formatAcl(descriptor.sacl)}`;
  return out;
}
