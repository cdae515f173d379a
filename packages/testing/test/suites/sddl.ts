// Unit tests of SDDL and SID parsing and printing (@winpipe/core's security/), and of the
// descriptors the API builds: what is accepted, how it prints back, and how bad input is refused.
import assert from "node:assert/strict";
import {
  currentUserDescriptor,
  fileRights,
  formatSecurityDescriptor,
  parseSecurityDescriptor,
  parseSid,
} from "@winpipe/core";
import type { RegisterTest } from "../../mod.ts";

/** SDDL and how ConvertSecurityDescriptorToStringSecurityDescriptorW prints it back (under Wine 10, where seen). */
const ROUND_TRIPS: [string, string][] = [
  // Seen under Wine: rights spelled by bit, in bit order; a mask with SYNCHRONIZE printed in hex.
  ["D:P(A;;GA;;;SY)(A;;GRGW;;;AU)", "D:P(A;;GA;;;SY)(A;;GWGR;;;AU)"],
  ["D:P(A;;FA;;;BA)(A;;FRFW;;;IU)", "D:P(A;;FA;;;BA)(A;;0x12019f;;;IU)"],
  ["O:BAG:SYD:(A;;0x12019f;;;WD)", "O:BAG:SYD:(A;;0x12019f;;;WD)"],
  ["D:P(D;;0x2;;;AN)", "D:P(D;;DC;;;AN)"],
  // SIDs with an alias print as the alias.
  ["O:S-1-5-18D:(A;;GA;;;S-1-5-32-544)", "O:SYD:(A;;GA;;;BA)"],
  ["O:S-1-5-21-1-2-3-1001", "O:S-1-5-21-1-2-3-1001"],
  // ACL flags P, AR, AI in that order; ACE flags in Windows' order; decimal and octal masks.
  ["D:AIP(A;CIOI;1179785;;;WD)", "D:PAI(A;OICI;FR;;;WD)"],
  ["D:(A;IDNP;010;;;WD)", "D:(A;NPID;SW;;;WD)"],
  ["D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL"],
  ["D:P", "D:P"],
  // Labels print with their policy names.
  ["S:(ML;;NW;;;LW)", "S:(ML;;NW;;;LW)"],
  ["S:(ML;;NRNW;;;S-1-16-8192)", "S:(ML;;NWNR;;;ME)"],
  ["G:DUD:(A;;GA;;;LA)", "G:DUD:(A;;GA;;;LA)"],
];

/** Bad SDDL, the error it gives and a part of its message. */
const REFUSED: [string, ErrorConstructor, RegExp][] = [
  ["", TypeError, /empty/],
  ["garbage", TypeError, /expected O:, G:, D: or S: at offset 0/],
  ["D:(A;;GA;;;XX)", TypeError, /unknown SID or alias "XX"/],
  ["D:(Q;;GA;;;WD)", TypeError, /unknown ACE type "Q"/],
  ["O:S-1-5-", TypeError, /the owner "S-1-5-" is not a SID/],
  ["D:(A;;ZZ;;;WD)", TypeError, /unknown access right "ZZ"/],
  ["D:(A;;GAx;;;WD)", TypeError, /bad access rights "GAx"/],
  ["D:(A;;GA;;;WD", TypeError, /no closing "\)"/],
  ["O:S-1-5-21-1-2-3-4G:", TypeError, /G: has no SID/],
  ["O:SYO:BA", TypeError, /O: is given twice/],
  ["D:(A;;GA;;;WD)junk", TypeError, /unexpected "junk"/],
  ["D:(A;XY;GA;;;WD)", TypeError, /unknown ACE flag "XY"/],
  ["D:(A;;GA;;WD)", TypeError, /6 fields/],
  ["D:(A;;GA;0a1b;;WD)", TypeError, /object GUIDs/],
  ["D:(OA;;GA;;;WD)", TypeError, /object ACEs \(OA\)/],
  ["D:(XA;;GA;;;WD;(x))", TypeError, /conditional/],
  ["S:(A;;GA;;;WD)", TypeError, /an A ACE belongs in D:/],
  ["D:(ML;;NW;;;LW)", TypeError, /an ML ACE belongs in S:/],
  ["S:(ML;;NW;;;WD)", TypeError, /integrity level/],
  ["D:NO_ACCESS_CONTROL(A;;GA;;;WD)", TypeError, /cannot have entries/],
  ["D:P(A;;GA;;;S-1-5-99999999999)", RangeError, /at most 4294967295/],
  ["D:(A;;4294967296;;;WD)", RangeError, /larger than 32 bits/],
  ["O:S-1-281474976710656", RangeError, /below 2\^48/],
  ["O:S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", RangeError, /at most 15 sub-authorities/],
];

export function sddlTests(register: RegisterTest): void {
  register("SDDL prints back as Windows prints it", () => {
    for (const [given, printed] of ROUND_TRIPS) {
      assert.equal(formatSecurityDescriptor(parseSecurityDescriptor(given)), printed, given);
      assert.equal(formatSecurityDescriptor(parseSecurityDescriptor(printed)), printed, `${printed} again`);
    }
  });

  register("SDDL parses to SIDs in S-1 form and masks as numbers", () => {
    assert.deepEqual(
      parseSecurityDescriptor("O:SYG:BAD:P(A;OICI;GRGW;;;AU)(D;;0x2;;;S-1-5-21-7-8-9-1000)S:(ML;;NW;;;LW)"),
      {
        owner: "S-1-5-18",
        group: "S-1-5-32-544",
        dacl: {
          flags: ["P"],
          aces: [
            { type: "A", flags: ["OI", "CI"], mask: 0xc0000000, sid: "S-1-5-11" },
            { type: "D", flags: [], mask: 0x2, sid: "S-1-5-21-7-8-9-1000" },
          ],
        },
        sacl: { flags: [], aces: [{ type: "ML", flags: [], mask: 0x1, sid: "S-1-16-4096" }] },
      },
    );
    assert.deepEqual(parseSecurityDescriptor("D:NO_ACCESS_CONTROL"), { dacl: null });
  });

  register("bad SDDL is refused with a TypeError or RangeError that says what and where", () => {
    for (const [sddl, type, message] of REFUSED) {
      assert.throws(() => parseSecurityDescriptor(sddl), (err: unknown) => {
        assert.ok(err instanceof type, `${JSON.stringify(sddl)}: expected a ${type.name}, got ${err}`);
        assert.match((err as Error).message, message, JSON.stringify(sddl));
        return true;
      });
    }
  });

  register("SIDs: aliases resolve, the authority and sub-authorities are checked", () => {
    assert.equal(parseSid("SY"), "S-1-5-18");
    assert.equal(parseSid("WD"), "S-1-1-0");
    assert.equal(parseSid("s-1-5-32-544"), "S-1-5-32-544");
    assert.equal(parseSid("S-1-0x5-18"), "S-1-5-18");
    assert.equal(parseSid("S-1-4294967296-1"), "S-1-0x000100000000-1");
    assert.equal(parseSid("LA"), "LA", "an alias of the machine's own SIDs stays an alias");
    assert.throws(() => parseSid("sy"), { name: "TypeError", message: /aliases are upper case: "SY"/ });
    assert.throws(() => parseSid("S-2-5"), TypeError);
    assert.throws(() => parseSid(18), { name: "TypeError", message: /must be a string/ });
    assert.throws(() => parseSid("S-1-5-4294967296"), RangeError);
  });

  register("fileRights maps generic rights to what they mean for a pipe", () => {
    assert.equal(fileRights(0x10000000), 0x1f01ff); // GA: FILE_ALL_ACCESS
    assert.equal(fileRights(0x80000000), 0x120089); // GR: FILE_GENERIC_READ
    assert.equal(fileRights(0x40000000), 0x120116); // GW: FILE_GENERIC_WRITE
    assert.equal(fileRights(0x20000000), 0x1200a0); // GX: FILE_GENERIC_EXECUTE
    assert.equal(fileRights(0xc0000000), 0x12019f); // GRGW
    assert.equal(fileRights(0x2), 0x2); // specific rights stay
  });

  register("the current-user descriptor: the user owns it, only it and SYSTEM are granted, protected", () => {
    const sddl = currentUserDescriptor("S-1-5-21-1-2-3-1001");
    assert.deepEqual(parseSecurityDescriptor(sddl), {
      owner: "S-1-5-21-1-2-3-1001",
      dacl: {
        flags: ["P"],
        aces: [
          { type: "A", flags: [], mask: 0x10000000, sid: "S-1-5-21-1-2-3-1001" },
          { type: "A", flags: [], mask: 0x10000000, sid: "S-1-5-18" },
        ],
      },
    });
  });
}
