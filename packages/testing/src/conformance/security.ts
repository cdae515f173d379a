/**
 * K. Access control and identity: security descriptors, access checks,
 * the client and server id calls, impersonation (the port's `security`
 * capability).
 *
 * Every case runs as one process and one user (a kernel32 test process, or
 * one model process), so the access checks are shown with descriptors that
 * deny that user; clients of other users are the model's own tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_CANNOT_IMPERSONATE,
  ERROR_CANT_OPEN_ANONYMOUS,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_OWNER,
  ERROR_NO_TOKEN,
  ERROR_NOT_FOUND,
  ERROR_PIPE_LOCAL,
  ERROR_PIPE_NOT_CONNECTED,
  fileRights,
  GENERIC_READ,
  GENERIC_WRITE,
  type KernelHandle,
  parseSecurityDescriptor,
  SECURITY_ANONYMOUS,
  SECURITY_IDENTIFICATION,
  type SecurityDescriptorInfo,
  type SecurityKernel,
  WELL_KNOWN_SIDS,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, type Scope } from "./util.ts";

const { SYSTEM, ADMINISTRATORS, EVERYONE, ANONYMOUS, LOW_INTEGRITY } = WELL_KNOWN_SIDS;

const FILE_ALL_ACCESS = 0x1f01ff;
const FILE_GENERIC_READ = 0x120089;
/** An owner no test process may assign: a user of a domain that does not exist. */
const FOREIGN_OWNER = "S-1-5-21-1-2-3-4242";

/** The kernel's security capability; the case fails when it has none. */
function security(s: Scope): SecurityKernel {
  assert.ok(s.k.security !== undefined, `the ${s.k.name} kernel has no security capability`);
  return s.k.security;
}

/** A client handle opened with an impersonation level (CreateFileW with SECURITY_SQOS_PRESENT). */
function clientAt(s: Scope, name: string, securityQos: number): KernelHandle {
  return s.track(s.k.openPipe({ name, access: GENERIC_READ | GENERIC_WRITE, inheritable: false, securityQos }));
}

/** A descriptor's parts with each mask mapped to file rights: what two kernels must agree on. */
function comparable(info: SecurityDescriptorInfo): unknown {
  const acl = (list: SecurityDescriptorInfo["dacl"]) =>
    list === undefined || list === null ? list : {
      flags: [...list.flags].sort(),
      aces: list.aces.map((ace) => ({ ...ace, mask: fileRights(ace.mask) })),
    };
  return { owner: info.owner, group: info.group, dacl: acl(info.dacl), sacl: acl(info.sacl) };
}

/**
 * Asserts that the SDDL a kernel read back has the parts `expected` gives,
 * with the same entries (generic rights compared as the file rights they
 * mean: a kernel may store GA as FA). Parts `expected` leaves out are not
 * compared.
 *
 * @example
 * ```ts
 * import { assertSameDescriptor } from "@winpipe/testing";
 * // A kernel may store GA as FA; parts left out of `expected` (here the group) are not compared.
 * assertSameDescriptor("O:SYG:SYD:P(A;;FA;;;SY)", "O:SYD:P(A;;GA;;;SY)"); // passes
 * ```
 */
export function assertSameDescriptor(actual: string, expected: string): void {
  const got = parseSecurityDescriptor(actual);
  const want = parseSecurityDescriptor(expected);
  assert.deepEqual(comparable(pick(got, want)), comparable(want), `read back ${actual}, expected ${expected}`);
}

/** The parts of `got` that `want` has. */
function pick(got: SecurityDescriptorInfo, want: SecurityDescriptorInfo): SecurityDescriptorInfo {
  const out: Record<string, unknown> = {};
  for (const key of ["owner", "group", "dacl", "sacl"] as const) {
    if (want[key] !== undefined) out[key] = got[key];
  }
  return out as SecurityDescriptorInfo;
}

/** The rights the DACL of `info` allows `sid` by an entry of its own (file rights). */
function allowed(info: SecurityDescriptorInfo, sid: string): number {
  let mask = 0;
  for (const ace of info.dacl?.aces ?? []) if (ace.type === "A" && ace.sid === sid) mask |= fileRights(ace.mask);
  return mask >>> 0;
}

/**
 * The title of the K79 case about anonymous clients (Wine gives the server their user: docs/wine-findings.md).
 *
 * @example
 * ```ts
 * import { conformanceCaseList, K79_ANONYMOUS_CASE_TITLE } from "@winpipe/testing";
 * conformanceCaseList().some((c) => c.name.endsWith(K79_ANONYMOUS_CASE_TITLE)); // true
 * ```
 */
export const K79_ANONYMOUS_CASE_TITLE =
  "a client at anonymous level cannot be identified: OpenThreadToken fails with ERROR_CANT_OPEN_ANONYMOUS";

export const securityCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- K68
  defineCase(
    "K68",
    "a descriptor given to CreateNamedPipe reads back from either end with its owner, group and DACL",
    (s) => {
      const sec = security(s);
      const me = sec.processUser();
      const sddl = `O:${me}G:${me}D:P(D;;0x2;;;AN)(A;;GA;;;${me})(A;;GRGW;;;AU)(A;;GA;;;SY)`;
      const { server, client } = s.pair({ securityDescriptor: sddl });
      for (const handle of [server, client]) {
        const info = sec.getSecurityInfo(handle);
        assert.equal(info.owner, me, "the owner");
        assertSameDescriptor(info.descriptor, sddl);
      }
    },
  ),

  // ---------------------------------------------------------------- K69
  defineCase("K69", "a mandatory label given in the descriptor's SACL reads back", (s) => {
    const sec = security(s);
    const me = sec.processUser();
    const { server } = s.pair({ securityDescriptor: `O:${me}D:P(A;;GA;;;${me})S:(ML;;NW;;;LW)` });
    const read = parseSecurityDescriptor(sec.getSecurityInfo(server).descriptor);
    assert.deepEqual(read.sacl?.aces, [{ type: "ML", flags: [], mask: 0x1, sid: LOW_INTEGRITY }], "the label");
  }),

  // ---------------------------------------------------------------- K70
  defineCase(
    "K70",
    "without a descriptor: full control for SYSTEM, Administrators and the owner, read for Everyone and ANONYMOUS LOGON",
    (s) => {
      const sec = security(s);
      const { server, client } = s.pair();
      const info = sec.getSecurityInfo(server);
      const read = parseSecurityDescriptor(info.descriptor);
      assert.ok(info.owner !== undefined, `the pipe has an owner: ${info.descriptor}`);
      for (const sid of [SYSTEM, ADMINISTRATORS, info.owner]) {
        assert.equal(allowed(read, sid) & FILE_ALL_ACCESS, FILE_ALL_ACCESS, `${sid} has full control`);
      }
      for (const sid of [EVERYONE, ANONYMOUS]) {
        assert.equal(allowed(read, sid), FILE_GENERIC_READ, `${sid} may read, and only read`);
      }
      assert.equal(sec.getSecurityInfo(client).descriptor, info.descriptor, "the client reads the same");
    },
  ),

  // ---------------------------------------------------------------- K71
  defineCase(
    "K71",
    "CreateFile fails with ERROR_ACCESS_DENIED unless the DACL grants every right asked for; a deny entry first wins",
    (s) => {
      const me = security(s).processUser();
      // Only SYSTEM: the owner's implicit rights do not let it open the pipe.
      const systemOnly = s.pipeName("system-only");
      s.server({ name: systemOnly, securityDescriptor: `O:${me}D:P(A;;GA;;;SY)` });
      s.failsSync(() => s.client(systemOnly), ERROR_ACCESS_DENIED);
      // An empty DACL grants nothing.
      const empty = s.pipeName("empty");
      s.server({ name: empty, securityDescriptor: `O:${me}D:P` });
      s.failsSync(() => s.client(empty, GENERIC_READ), ERROR_ACCESS_DENIED);
      // A deny of FILE_WRITE_DATA ahead of a full grant: reading is let through, writing is not.
      const readOnly = s.pipeName("deny-write");
      s.server({ name: readOnly, securityDescriptor: `O:${me}D:P(D;;0x2;;;${me})(A;;GA;;;${me})`, maxInstances: 2 });
      s.failsSync(() => s.client(readOnly), ERROR_ACCESS_DENIED);
      s.client(readOnly, GENERIC_READ);
    },
  ),

  // ---------------------------------------------------------------- K72
  defineCase(
    "K72",
    "a new instance of an existing name needs FILE_CREATE_PIPE_INSTANCE from its DACL, else ERROR_ACCESS_DENIED",
    (s) => {
      const me = security(s).processUser();
      const readOnly = s.pipeName("read-only");
      s.server({ name: readOnly, maxInstances: 2, securityDescriptor: `O:${me}D:P(A;;FR;;;${me})(A;;GA;;;SY)` });
      s.failsSync(() => s.server({ name: readOnly, maxInstances: 2 }), ERROR_ACCESS_DENIED);
      const full = s.pipeName("full");
      s.server({ name: full, maxInstances: 2, securityDescriptor: `O:${me}D:P(A;;GA;;;${me})` });
      s.server({ name: full, maxInstances: 2 });
    },
  ),

  // ---------------------------------------------------------------- K73
  defineCase("K73", "an owner the creator may not assign fails CreateNamedPipe with ERROR_INVALID_OWNER", (s) => {
    const name = s.pipeName();
    s.failsSync(() => s.server({ name, securityDescriptor: `O:${FOREIGN_OWNER}D:P(A;;GA;;;WD)` }), ERROR_INVALID_OWNER);
    s.failsSync(() => s.client(name), ERROR_FILE_NOT_FOUND); // nothing was created
  }),

  // ---------------------------------------------------------------- K74
  defineCase(
    "K74",
    "the client and server process and session ids read the same from either end, also after the other end closed",
    (s) => {
      const sec = security(s);
      const { name, server, client } = s.pair({ maxInstances: 2 });
      const pid = sec.serverProcessId(server);
      const session = sec.serverSessionId(server);
      assert.ok(pid > 0, "a process id");
      for (const handle of [server, client]) {
        assert.equal(sec.clientProcessId(handle), pid, "one process is both client and server");
        assert.equal(sec.serverProcessId(handle), pid);
        assert.equal(sec.clientSessionId(handle), session);
        assert.equal(sec.serverSessionId(handle), session);
      }
      s.k.close(client);
      assert.equal(sec.clientProcessId(server), pid, "the closed client's id is still known");
      assert.equal(sec.clientSessionId(server), session);
      const second = s.server({ name, maxInstances: 2 });
      const secondClient = s.client(name);
      s.k.close(second);
      assert.equal(sec.serverProcessId(secondClient), pid, "the closed server's id is still known");
      assert.equal(sec.serverSessionId(secondClient), session);
    },
  ),

  // ---------------------------------------------------------------- K75
  defineCase(
    "K75",
    "after DisconnectNamedPipe the client id calls fail: ERROR_NOT_FOUND on the server, ERROR_PIPE_NOT_CONNECTED on the client",
    (s) => {
      const sec = security(s);
      const { server, client } = s.pair();
      const pid = sec.serverProcessId(server);
      s.k.disconnect(server);
      s.failsSync(() => sec.clientProcessId(server), ERROR_NOT_FOUND);
      s.failsSync(() => sec.clientSessionId(server), ERROR_NOT_FOUND);
      assert.equal(sec.serverProcessId(server), pid, "the server still knows itself");
      s.failsSync(() => sec.clientProcessId(client), ERROR_PIPE_NOT_CONNECTED);
      s.failsSync(() => sec.serverProcessId(client), ERROR_PIPE_NOT_CONNECTED);
    },
  ),

  // ---------------------------------------------------------------- K76
  defineCase("K76", "GetNamedPipeClientComputerName of a client on this machine fails with ERROR_PIPE_LOCAL", (s) => {
    const sec = security(s);
    const { server } = s.pair();
    s.failsSync(() => sec.clientComputerName(server), ERROR_PIPE_LOCAL);
  }),

  // ---------------------------------------------------------------- K77
  defineCase(
    "K77",
    "ImpersonateNamedPipeClient gives the thread the client's user until RevertToSelf, also after the client closed",
    (s) => {
      const sec = security(s);
      const me = sec.processUser();
      const { server, client } = s.pair();
      s.failsSync(() => sec.threadUser(), ERROR_NO_TOKEN);
      try {
        sec.impersonateClient(server);
        assert.equal(sec.threadUser(), me, "the client's user (here: the same user)");
      } finally {
        sec.revertToSelf();
      }
      s.failsSync(() => sec.threadUser(), ERROR_NO_TOKEN);
      s.k.close(client);
      try {
        sec.impersonateClient(server);
        assert.equal(sec.threadUser(), me, "the closed client's context is kept until a disconnect");
      } finally {
        sec.revertToSelf();
      }
      sec.revertToSelf(); // reverting a thread that impersonates nobody succeeds
    },
  ),

  // ---------------------------------------------------------------- K78
  defineCase(
    "K78",
    "ImpersonateNamedPipeClient fails with ERROR_CANNOT_IMPERSONATE while listening and after DisconnectNamedPipe",
    (s) => {
      const sec = security(s);
      const server = s.server();
      try {
        s.failsSync(() => sec.impersonateClient(server), ERROR_CANNOT_IMPERSONATE);
      } finally {
        sec.revertToSelf();
      }
      const pair = s.pair();
      s.k.disconnect(pair.server);
      try {
        s.failsSync(() => sec.impersonateClient(pair.server), ERROR_CANNOT_IMPERSONATE);
      } finally {
        sec.revertToSelf();
      }
      s.failsSync(() => sec.threadUser(), ERROR_NO_TOKEN);
    },
  ),

  // ---------------------------------------------------------------- K79
  defineCase("K79", "a client at identification level lets the server read its user", (s) => {
    const sec = security(s);
    const server = s.server();
    clientAt(s, server.pipeName!, SECURITY_IDENTIFICATION);
    try {
      sec.impersonateClient(server);
      assert.equal(sec.threadUser(), sec.processUser());
    } finally {
      sec.revertToSelf();
    }
  }),
  defineCase("K79", K79_ANONYMOUS_CASE_TITLE, (s) => {
    const sec = security(s);
    const server = s.server();
    clientAt(s, server.pipeName!, SECURITY_ANONYMOUS);
    try {
      sec.impersonateClient(server);
      s.failsSync(() => sec.threadUser(), ERROR_CANT_OPEN_ANONYMOUS);
    } finally {
      sec.revertToSelf();
    }
  }),
];
