/**
 * The model's access control and identities with more than one process and
 * user, which kernel32 under Wine cannot show (every process there is one
 * user, and Wine checks no DACL: docs/wine-findings.md): who a
 * current-user, os-default or SDDL pipe lets in, sandboxed clients, name
 * squatting, and what a server learns of a client of another user.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createWinpipe,
  ERROR_ACCESS_DENIED,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_OWNER,
  ERROR_NONE_MAPPED,
  ERROR_PRIVILEGE_NOT_HELD,
  GENERIC_READ,
  GENERIC_WRITE,
  type PipeConnection,
  WELL_KNOWN_SIDS,
} from "@winpipe/core";
import {
  createModelKernel,
  MODEL_ANONYMOUS,
  MODEL_SYSTEM,
  type ModelHandle,
  type ModelKernel,
} from "@winpipe/core/model";
import { expectCode, expectCodeSync, type RegisterTest } from "../../src/harness.ts";
import { uniqueName } from "./helpers.ts";

const { ADMINISTRATORS } = WELL_KNOWN_SIDS;

const MALLORY = { sid: "S-1-5-21-1000-2000-3000-1066", account: "MODEL\\mallory" };

/** A machine with the usual user's process, another user's, SYSTEM's, the anonymous logon's and a sandboxed one. */
function machine() {
  const user = createModelKernel();
  const other = user.otherProcess({ user: MALLORY, sessionId: 2 });
  const system = user.otherProcess({ user: MODEL_SYSTEM, sessionId: 0 });
  const anonymous = user.otherProcess({ user: MODEL_ANONYMOUS });
  const sandboxed = user.otherProcess({ integrity: "low" });
  return { user, other, system, anonymous, sandboxed };
}

/** Registers a test on a fresh machine that must leave no handle open in any of its processes. */
function scenario(
  register: RegisterTest,
  name: string,
  body: (m: ReturnType<typeof machine>) => Promise<void>,
): void {
  register(`model security: ${name}`, async () => {
    const m = machine();
    await body(m);
    for (const [who, kernel] of Object.entries(m)) {
      assert.equal((kernel as ModelKernel).liveHandles(), 0, `${who} left handles open`);
    }
  });
}

/** CreateFileW through the port, closed again: resolves when it opened, rejects with its PipeError otherwise. */
function opens(kernel: ModelKernel, name: string, access: number): Promise<void> {
  try {
    kernel.close(kernel.openPipe({ name, access, inheritable: false }));
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err);
  }
}

export function modelSecurityTests(register: RegisterTest): void {
  scenario(register, "a current-user pipe refuses another user even for reading, and lets SYSTEM in", async (m) => {
    const name = uniqueName("current-user");
    await using server = createWinpipe(m.user).createServer(name, { maxInstances: 4 });
    await expectCode(createWinpipe(m.other).connect(name), ERROR_ACCESS_DENIED);
    await expectCode(opens(m.other, name, GENERIC_READ), ERROR_ACCESS_DENIED);
    await expectCode(opens(m.anonymous, name, GENERIC_READ), ERROR_ACCESS_DENIED);
    const accepted = server.accept();
    await using _fromSystem = await createWinpipe(m.system).connect(name);
    await using conn = await accepted;
    assert.deepEqual(conn.clientUser(), MODEL_SYSTEM);
  });

  scenario(register, "an os-default pipe lets other users and the anonymous logon read, not write", async (m) => {
    const name = uniqueName("os-default");
    const pipes = createWinpipe(m.user);
    // Two listening instances: each successful open below takes one.
    using first = pipes.createNamedPipe(name, { security: "os-default", maxInstances: 2 });
    using second = pipes.createNamedPipe(name, { security: "os-default", maxInstances: 2, firstInstance: false });
    await expectCode(opens(m.other, name, GENERIC_READ | GENERIC_WRITE), ERROR_ACCESS_DENIED);
    // winpipe's read-only clients also ask for FILE_WRITE_ATTRIBUTES (to set their read mode), which Everyone lacks.
    await expectCode(createWinpipe(m.other).connect(name, { access: "read" }), ERROR_ACCESS_DENIED);
    await opens(m.other, name, GENERIC_READ);
    await opens(m.anonymous, name, GENERIC_READ);
    assert.equal(first.clientProcessId(), m.other.process.processId);
    assert.equal(second.clientProcessId(), m.anonymous.process.processId);
  });

  scenario(
    register,
    "SDDL that grants Authenticated Users read and write: another user gets in, the anonymous logon not",
    async (m) => {
      const name = uniqueName("sddl");
      await using server = createWinpipe(m.user).createServer(name, { security: "D:P(A;;GA;;;SY)(A;;GRGW;;;AU)" });
      const accepted = server.accept();
      await using fromOther = await createWinpipe(m.other).connect(name);
      await using conn = await accepted;
      assert.deepEqual(conn.clientUser(), MALLORY);
      assert.equal(conn.clientProcessId(), m.other.process.processId);
      assert.equal(conn.clientSessionId(), 2);
      assert.equal(fromOther.serverProcessId(), m.user.process.processId);
      assert.equal(fromOther.serverSessionId(), 1);
      await expectCode(opens(m.anonymous, name, GENERIC_READ), ERROR_ACCESS_DENIED);
    },
  );

  scenario(
    register,
    "a sandboxed (low integrity) client is refused by default and let in by a low label",
    async (m) => {
      const name = uniqueName("low");
      const { sid } = createWinpipe(m.user).currentUser();
      await using _strict = createWinpipe(m.user).createServer(name + "-strict");
      await expectCode(createWinpipe(m.sandboxed).connect(name + "-strict"), ERROR_ACCESS_DENIED);
      await using lenient = createWinpipe(m.user).createServer(name, {
        security: `O:${sid}D:P(A;;GA;;;${sid})(A;;GA;;;SY)S:(ML;;NW;;;LW)`,
      });
      const accepted = lenient.accept();
      await using fromSandbox = await createWinpipe(m.sandboxed).connect(name);
      await using conn = await accepted;
      assert.equal(conn.clientUser().sid, sid, "the same user, at low integrity");
      await fromSandbox.write(new Uint8Array([1]));
      assert.deepEqual(await conn.read(new Uint8Array(1)), { bytesRead: 1, messageComplete: true });
    },
  );

  scenario(
    register,
    "squatting: a name taken by another user first fails createServer, and serverOwner refuses it",
    async (m) => {
      const name = uniqueName("squat");
      // Mallory creates the name first, with a pipe anyone may use.
      await using squatter = createWinpipe(m.other).createServer(name, { security: "D:(A;;GA;;;WD)" });
      // The real server cannot take the name (FILE_FLAG_FIRST_PIPE_INSTANCE).
      assert.throws(() => createWinpipe(m.user).createServer(name), { name: "PipeError", code: ERROR_ACCESS_DENIED });
      // A client that checks the owner does not talk to the squatter; one that does not, would.
      const pipes = createWinpipe(m.user);
      const err = await expectCode(pipes.connect(name, { serverOwner: "current-user" }), ERROR_ACCESS_DENIED);
      assert.match(err.message, /owned by S-1-5-21-1000-2000-3000-1066 \(MODEL\\mallory\)/);
      assert.match(err.message, /not by S-1-5-21-1000-2000-3000-1001 \(MODEL\\user\), the current user/);
      // Nor can the squatter pass itself off as the user: it cannot make the user the owner.
      assert.throws(
        () =>
          createWinpipe(m.other).createServer(uniqueName("fake"), {
            security: "O:S-1-5-21-1000-2000-3000-1001D:(A;;GA;;;WD)",
          }),
        { name: "PipeError", code: ERROR_INVALID_OWNER },
      );
      const refused = await squatter.accept();
      refused.close();
    },
  );

  scenario(
    register,
    "another user cannot add an instance to a current-user pipe, but can to one it may write to",
    async (m) => {
      const name = uniqueName("instances");
      await using _mine = createWinpipe(m.user).createServer(name, { maxInstances: 4 });
      assert.throws(
        () => createWinpipe(m.other).createNamedPipe(name, { firstInstance: false, maxInstances: 4 }),
        { name: "PipeError", code: ERROR_ACCESS_DENIED },
      );
      // GENERIC_WRITE includes FILE_APPEND_DATA, which on a pipe is FILE_CREATE_PIPE_INSTANCE:
      // whoever may write may also add instances (docs/security.md).
      const open = uniqueName("instances-gw");
      await using _lax = createWinpipe(m.user).createServer(open, {
        security: "D:P(A;;GA;;;SY)(A;;GRGW;;;AU)",
        maxInstances: 4,
      });
      using _added = createWinpipe(m.other).createNamedPipe(open, { firstInstance: false, maxInstances: 4 });
    },
  );

  scenario(register, "a handle of one process is invalid in another", (m) => {
    const name = uniqueName("handles");
    const server = m.user.createNamedPipe({
      name,
      openMode: 3,
      pipeMode: 0,
      maxInstances: 1,
      outBufferSize: 64,
      inBufferSize: 64,
      defaultTimeout: 0,
      inheritable: false,
    });
    try {
      expectCodeSync(() => m.other.getInfo(server), ERROR_INVALID_HANDLE);
      expectCodeSync(() => m.other.security.getSecurityInfo(server), ERROR_INVALID_HANDLE);
    } finally {
      m.user.close(server);
    }
    return Promise.resolve();
  });

  scenario(register, "the model's accounts: users of its processes and well-known SIDs; others are not mapped", (m) => {
    const security = m.user.security;
    assert.equal(security.lookupAccount(MALLORY.sid), MALLORY.account);
    assert.equal(security.lookupAccount("S-1-5-18"), "NT AUTHORITY\\SYSTEM");
    assert.equal(security.lookupAccount("SY"), "NT AUTHORITY\\SYSTEM");
    expectCodeSync(() => security.lookupAccount("S-1-5-21-9-9-9-9"), ERROR_NONE_MAPPED);
    return Promise.resolve();
  });

  scenario(
    register,
    "the owner may be a group the creator owns with; a SACL with audit entries needs a privilege",
    (m) => {
      const admin = m.user.otherProcess({ groups: ["S-1-1-0", ADMINISTRATORS], ownerGroups: [ADMINISTRATORS] });
      const pipes = createWinpipe(admin);
      using owned = pipes.createNamedPipe(uniqueName("ba-owner"), { security: "O:BAD:P(A;;GA;;;BA)" });
      assert.match(owned.securityDescriptor(), /^O:BA/);
      assert.throws(
        () => createWinpipe(m.user).createNamedPipe(uniqueName("ba"), { security: "O:BAD:P(A;;GA;;;BA)" }),
        {
          code: ERROR_INVALID_OWNER,
        },
      );
      assert.throws(
        () => pipes.createNamedPipe(uniqueName("audit"), { security: "D:P(A;;GA;;;BA)S:(AU;FA;GA;;;WD)" }),
        {
          code: ERROR_PRIVILEGE_NOT_HELD,
        },
      );
      assert.equal(admin.liveHandles(), 1);
      owned.close();
      return Promise.resolve();
    },
  );

  scenario(
    register,
    "impersonation belongs to the process's thread: another process's thread is not impersonating",
    async (m) => {
      const name = uniqueName("threads");
      await using server = createWinpipe(m.user).createNamedPipe(name, { security: "D:P(A;;GA;;;WD)" });
      await using _client: PipeConnection = await createWinpipe(m.other).connect(name);
      m.user.security.impersonateClient(server.kernelHandle as ModelHandle);
      try {
        assert.equal(m.user.security.threadUser(), MALLORY.sid);
        assert.throws(() => m.other.security.threadUser(), { codeName: "ERROR_NO_TOKEN" });
      } finally {
        m.user.security.revertToSelf();
      }
    },
  );
}
