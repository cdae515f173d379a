/**
 * The Wine deviations this backend found (docs/wine-findings.md), shown
 * with kernel32 alone, without winpipe's API in between (the security
 * findings, W-K..., through the kernel port's security calls, each of
 * which is one Win32 call or a documented sequence of them). Each test
 * asserts what Wine does; when a Wine update makes it behave like Windows,
 * the test fails and the matching skip (WINE_KNOWN_DEVIATIONS,
 * SECURITY_WINE_DEVIATIONS) can go.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type CreateNamedPipeParams, parseSecurityDescriptor, SECURITY_ANONYMOUS } from "@winpipe/core";
import { assertSameDescriptor } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { wideString } from "../src/ffi.ts";
import { connect, createServer, listPipes, liveHandles, PipeError, pipeExists, spawn } from "../mod.ts";
import { underWine, uniqueName } from "./util.ts";

const GENERIC_READ = 0x80000000;
const OPEN_EXISTING = 3;
const PIPE_ACCESS_INBOUND = 0x1;
const PIPE_ACCESS_OUTBOUND = 0x2;
const PIPE_TYPE_MESSAGE = 0x4;
const PIPE_READMODE_MESSAGE = 0x2;
const ERROR_ACCESS_DENIED = 5;

function kernel32() {
  return Deno.dlopen("kernel32.dll", {
    CreateNamedPipeW: { parameters: ["buffer", "u32", "u32", "u32", "u32", "u32", "u32", "buffer"], result: "pointer" },
    CreateFileW: { parameters: ["buffer", "u32", "u32", "buffer", "u32", "u32", "pointer"], result: "pointer" },
    SetNamedPipeHandleState: { parameters: ["pointer", "buffer", "buffer", "buffer"], result: "i32" },
    GetNamedPipeHandleStateW: {
      parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "u32"],
      result: "i32",
    },
    GetLastError: { parameters: [], result: "u32" },
    CloseHandle: { parameters: ["pointer"], result: "i32" },
  });
}

Deno.test({
  name: "W-S15 Wine: SetNamedPipeHandleState succeeds on a client handle without FILE_WRITE_ATTRIBUTES",
  ignore: !underWine,
  fn() {
    const lib = kernel32();
    const k = lib.symbols;
    try {
      const name = wideString(uniqueName("w-s15"));
      // A plain synchronous client opened with GENERIC_READ only (FILE_GENERIC_READ: no FILE_WRITE_ATTRIBUTES).
      const server = k.CreateNamedPipeW(name, PIPE_ACCESS_OUTBOUND, PIPE_TYPE_MESSAGE, 1, 512, 512, 0, null);
      const client = k.CreateFileW(name, GENERIC_READ, 0, null, OPEN_EXISTING, 0, null);
      const mode = new Uint32Array([PIPE_READMODE_MESSAGE]);
      const ok = k.SetNamedPipeHandleState(client, mode, null, null);
      const state = new Uint32Array(1);
      k.GetNamedPipeHandleStateW(client, state, null, null, null, null, 0);
      k.CloseHandle(client);
      k.CloseHandle(server);
      // Windows: FALSE with ERROR_ACCESS_DENIED, and the handle stays in byte read mode (docs/behaviours.md S15).
      assert.equal(ok, 1, "Wine lets the call through");
      assert.equal(state[0] & PIPE_READMODE_MESSAGE, PIPE_READMODE_MESSAGE, "and the read mode changed");
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name: "W-S15 Wine: a server handle without FILE_WRITE_ATTRIBUTES is refused (the check exists for servers)",
  ignore: !underWine,
  fn() {
    const lib = kernel32();
    const k = lib.symbols;
    try {
      const name = wideString(uniqueName("w-s15-server"));
      // CreateNamedPipeW gives an inbound-only server GENERIC_READ | SYNCHRONIZE.
      const server = k.CreateNamedPipeW(name, PIPE_ACCESS_INBOUND, 0, 1, 512, 512, 0, null);
      const mode = new Uint32Array([1 /* PIPE_NOWAIT */]);
      const ok = k.SetNamedPipeHandleState(server, mode, null, null);
      const code = k.GetLastError();
      k.CloseHandle(server);
      assert.equal(ok, 0);
      assert.equal(code, ERROR_ACCESS_DENIED);
    } finally {
      lib.close();
    }
  },
});

// W-L80: the directory of \\.\pipe\ cannot be listed under Wine 10 (docs/wine-findings.md).
const ERROR_BAD_DEV_TYPE = 66;
const STATUS_BAD_DEVICE_TYPE = 0xc00000cb;

Deno.test({
  name: "W-L80 Wine: FindFirstFileW on \\\\.\\pipe\\* fails with error 66 (ERROR_BAD_DEV_TYPE)",
  ignore: !underWine,
  fn() {
    const lib = Deno.dlopen("kernel32.dll", {
      FindFirstFileW: { parameters: ["buffer", "buffer"], result: "pointer" },
      FindClose: { parameters: ["pointer"], result: "i32" },
      GetLastError: { parameters: [], result: "u32" },
    });
    try {
      const found = new Uint8Array(592); // WIN32_FIND_DATAW
      const handle = lib.symbols.FindFirstFileW(wideString("\\\\.\\pipe\\*"), found);
      const code = lib.symbols.GetLastError();
      const invalid = Deno.UnsafePointer.value(handle) === 0xffff_ffff_ffff_ffffn;
      if (!invalid) lib.symbols.FindClose(handle);
      // Windows: a search handle, and the first pipe's name in cFileName.
      assert.equal(invalid, true, "Wine gives INVALID_HANDLE_VALUE");
      assert.equal(code, ERROR_BAD_DEV_TYPE);
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name: "W-L80 Wine: NtQueryDirectoryFile on \\??\\PIPE\\ fails with STATUS_BAD_DEVICE_TYPE",
  ignore: !underWine,
  fn() {
    const lib = Deno.dlopen("ntdll.dll", {
      NtOpenFile: { parameters: ["buffer", "u32", "buffer", "buffer", "u32", "u32"], result: "i32" },
      NtQueryDirectoryFile: {
        parameters: [
          "pointer",
          "pointer",
          "pointer",
          "pointer",
          "buffer",
          "buffer",
          "u32",
          "u32",
          "u8",
          "pointer",
          "u8",
        ],
        result: "i32",
      },
      NtClose: { parameters: ["pointer"], result: "i32" },
    });
    try {
      const name = "\\??\\PIPE\\";
      const chars = wideString(name);
      const unicode = new Uint8Array(16);
      const u = new DataView(unicode.buffer);
      u.setUint16(0, name.length * 2, true);
      u.setUint16(2, name.length * 2 + 2, true);
      u.setBigUint64(8, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(chars))), true);
      const attributes = new Uint8Array(48);
      const a = new DataView(attributes.buffer);
      a.setUint32(0, 48, true);
      a.setBigUint64(16, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(unicode))), true);
      a.setUint32(24, 0x40, true); // OBJ_CASE_INSENSITIVE
      const out = new BigUint64Array(1);
      const iosb = new Uint8Array(16);
      // FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_SYNCHRONOUS_IO_NONALERT
      const opened = lib.symbols.NtOpenFile(new Uint8Array(out.buffer), 0x100001, attributes, iosb, 3, 0x20);
      assert.equal(opened, 0, "the root opens");
      const directory = Deno.UnsafePointer.create(out[0]);
      const entries = new Uint8Array(4096);
      const status = lib.symbols.NtQueryDirectoryFile(directory, null, null, null, iosb, entries, 4096, 1, 0, null, 1);
      lib.symbols.NtClose(directory);
      // Windows: STATUS_SUCCESS and FILE_DIRECTORY_INFORMATION entries, one per pipe name.
      assert.equal(status >>> 0, STATUS_BAD_DEVICE_TYPE);
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name: "W-L80 Wine: listPipes fails with a PipeError that says why and points to pipeExists, which works",
  ignore: !underWine,
  async fn() {
    const name = uniqueName("w-k68");
    const err = (() => {
      try {
        listPipes();
      } catch (err) {
        return err as PipeError;
      }
    })();
    assert.ok(err instanceof PipeError, "listPipes throws a PipeError");
    assert.equal(err.codeName, "ERROR_BAD_DEV_TYPE");
    assert.match(err.message, /^listPipes "\\\\\.\\pipe\\": .*cannot list its names .*W-L80.*pipeExists\(name\)/);
    assert.equal(await pipeExists(name), false);
    using server = createServer(name);
    const open = liveHandles();
    assert.equal(await pipeExists(name), true);
    assert.equal(liveHandles(), open, "pipeExists opened nothing");
    server.close();
  },
});
// --- access control and identity (W-K) -----------------------------------------

const GENERIC_READ_WRITE = 0xc0000000;
const ERROR_PROC_NOT_FOUND = 127;

/** CreateNamedPipeW parameters: duplex byte pipe, `maxInstances` instances, with the descriptor given. */
function pipe(name: string, securityDescriptor?: string, maxInstances = 1): CreateNamedPipeParams {
  return {
    name,
    openMode: 0x3,
    pipeMode: 0,
    maxInstances,
    outBufferSize: 512,
    inBufferSize: 512,
    defaultTimeout: 0,
    inheritable: false,
    ...(securityDescriptor === undefined ? {} : { securityDescriptor }),
  };
}

/** Runs `body` with a kernel, then closes every handle it made. */
function withKernel(body: (kernel: Kernel32, me: string) => void): void {
  const kernel = new Kernel32();
  const before = kernel.liveHandles();
  const opened: Parameters<Kernel32["close"]>[0][] = [];
  const tracked = new Proxy(kernel, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "createNamedPipe" && property !== "openPipe") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (params: never) => {
        const handle = value.call(target, params);
        opened.push(handle);
        return handle;
      };
    },
  });
  try {
    body(tracked, kernel.security.processUser());
  } finally {
    for (const handle of opened) kernel.close(handle);
  }
  assert.equal(kernel.liveHandles(), before);
}

Deno.test({
  name: "W-K69 Wine: a mandatory label given to CreateNamedPipe does not read back",
  ignore: !underWine,
  fn: () =>
    withKernel((k, me) => {
      const server = k.createNamedPipe(pipe(uniqueName("w-k69"), `O:${me}D:P(A;;GA;;;${me})S:(ML;;NW;;;LW)`));
      const { descriptor } = k.security.getSecurityInfo(server);
      // Windows: S:(ML;;NW;;;LW) as well (LABEL_SECURITY_INFORMATION was asked for).
      assert.equal(parseSecurityDescriptor(descriptor).sacl, undefined, `no label: ${descriptor}`);
      assertSameDescriptor(descriptor, `O:${me}D:P(A;;GA;;;${me})`);
    }),
});

Deno.test({
  name: "W-K70 Wine: a pipe made without a descriptor has none: no owner, no DACL",
  ignore: !underWine,
  fn: () =>
    withKernel((k) => {
      const name = uniqueName("w-k70");
      const server = k.createNamedPipe(pipe(name));
      const client = k.openPipe({ name, access: GENERIC_READ_WRITE, inheritable: false });
      // Windows: RtlDefaultNpAcl's DACL (SYSTEM, Administrators, the owner; Everyone and ANONYMOUS LOGON read) and an owner.
      for (const handle of [server, client]) {
        assert.deepEqual(k.security.getSecurityInfo(handle), { descriptor: "", owner: undefined });
      }
    }),
});

Deno.test({
  name: "W-K71 Wine: no DACL is checked, neither by CreateFile nor for a new instance (FILE_CREATE_PIPE_INSTANCE)",
  ignore: !underWine,
  fn: () =>
    withKernel((k, me) => {
      // Only SYSTEM may open it: Windows refuses this (non-SYSTEM) process with ERROR_ACCESS_DENIED.
      const systemOnly = uniqueName("w-k71-system-only");
      k.createNamedPipe(pipe(systemOnly, `O:${me}D:P(A;;GA;;;SY)`));
      k.openPipe({ name: systemOnly, access: GENERIC_READ_WRITE, inheritable: false });
      // A deny entry for this user and an empty DACL: the same.
      const denied = uniqueName("w-k71-denied");
      k.createNamedPipe(pipe(denied, `O:${me}D:P(D;;GA;;;${me})(A;;GA;;;WD)`));
      k.openPipe({ name: denied, access: GENERIC_READ_WRITE, inheritable: false });
      const empty = uniqueName("w-k71-empty");
      k.createNamedPipe(pipe(empty, `O:${me}D:P`));
      k.openPipe({ name: empty, access: GENERIC_READ_WRITE, inheritable: false });
      // Read access only (no FILE_CREATE_PIPE_INSTANCE): Windows refuses a second instance (K72).
      const readOnly = uniqueName("w-k72");
      k.createNamedPipe(pipe(readOnly, `O:${me}D:P(A;;FR;;;${me})`, 2));
      k.createNamedPipe(pipe(readOnly, undefined, 2));
    }),
});

Deno.test({
  name: "W-K73 Wine: a pipe's creator may make anyone its owner, SYSTEM included",
  ignore: !underWine,
  fn: () =>
    withKernel((k) => {
      // Windows: ERROR_INVALID_OWNER for an owner that is neither the creator's user nor a group it may own with.
      for (const owner of ["S-1-5-21-1-2-3-4242", "S-1-5-18"]) {
        const server = k.createNamedPipe(pipe(uniqueName("w-k73"), `O:${owner}D:P(A;;GA;;;WD)`));
        assert.equal(k.security.getSecurityInfo(server).owner, owner);
      }
    }),
});

Deno.test({
  name: "W-K75 Wine: after DisconnectNamedPipe the client's process id is still reported, on both ends",
  ignore: !underWine,
  fn: () =>
    withKernel((k) => {
      const name = uniqueName("w-k75");
      const server = k.createNamedPipe(pipe(name));
      const client = k.openPipe({ name, access: GENERIC_READ_WRITE, inheritable: false });
      k.disconnect(server);
      // Windows: ERROR_NOT_FOUND on the server, ERROR_PIPE_NOT_CONNECTED on the client (todo_wine in Wine's own test).
      assert.equal(k.security.clientProcessId(server), Deno.pid);
      assert.equal(k.security.clientProcessId(client), Deno.pid);
    }),
});

Deno.test({
  name: "W-K76 Wine: kernel32 does not export GetNamedPipeClientComputerNameW, and kernelbase's aborts the process",
  ignore: !underWine,
  async fn() {
    assert.throws(
      () => Deno.dlopen("kernel32.dll", { GetNamedPipeClientComputerNameW: { parameters: [], result: "void" } }),
      /GetNamedPipeClientComputerNameW/,
    );
    withKernel((k) => {
      const name = uniqueName("w-k76");
      const server = k.createNamedPipe(pipe(name));
      k.openPipe({ name, access: GENERIC_READ_WRITE, inheritable: false });
      assert.throws(() => k.security.clientComputerName(server), { code: ERROR_PROC_NOT_FOUND });
    });
    // kernelbase.dll exports it as a stub that aborts the process (Wine prints "Call from ... to
    // unimplemented function kernelbase.dll.GetNamedPipeClientComputerNameW, aborting" on its own stderr).
    const script = `const lib = Deno.dlopen("kernelbase.dll", { GetNamedPipeClientComputerNameW: ` +
      `{ parameters: ["pointer", "buffer", "u32"], result: "i32" } });` +
      `lib.symbols.GetNamedPipeClientComputerNameW(null, new Uint16Array(8), 16); console.log("returned");`;
    const { code, stdout } = await new Deno.Command(Deno.execPath(), { args: ["eval", script], stderr: "null" })
      .output();
    assert.notEqual(code, 0, "the process was aborted");
    assert.doesNotMatch(new TextDecoder().decode(stdout), /returned/);
  },
});

Deno.test({
  name: "W-K78 Wine: a server may impersonate with no client connected",
  ignore: !underWine,
  fn: () =>
    withKernel((k) => {
      const server = k.createNamedPipe(pipe(uniqueName("w-k78")));
      try {
        // Windows: ERROR_CANNOT_IMPERSONATE.
        k.security.impersonateClient(server);
      } finally {
        k.security.revertToSelf();
      }
    }),
});

Deno.test({
  name: "W-K79 Wine: an anonymous client's user can be read (the SQOS level is not applied)",
  ignore: !underWine,
  fn: () =>
    withKernel((k, me) => {
      const name = uniqueName("w-k79");
      const server = k.createNamedPipe(pipe(name));
      k.openPipe({ name, access: GENERIC_READ_WRITE, inheritable: false, securityQos: SECURITY_ANONYMOUS });
      k.security.impersonateClient(server);
      try {
        // Windows: OpenThreadToken fails with ERROR_CANT_OPEN_ANONYMOUS.
        assert.equal(k.security.threadUser(), me);
      } finally {
        k.security.revertToSelf();
      }
    }),
});

Deno.test({
  name: "W-SYNC Wine: a synchronous handle's I/O is not serialized: a write completes while a read on it waits",
  ignore: !underWine,
  async fn() {
    const name = uniqueName("w-sync");
    await using server = createServer(name);
    const accepted = server.accept();
    await using client = await connect(name, { synchronous: true });
    await using conn = await accepted;
    const reading = client.read(new Uint8Array(16)); // waits in another thread: nothing to read yet
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Windows serializes a synchronous handle's I/O (CreateFileW, FILE_FLAG_OVERLAPPED): this write
    // would wait for the read to complete.
    const writing = client.write(new TextEncoder().encode("up"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((resolve) => timer = setTimeout(() => resolve("still waiting"), 2000));
    const outcome = await Promise.race([writing.then(() => "written"), timeout]);
    clearTimeout(timer);
    await conn.write(new TextEncoder().encode("down")); // completes the read either way
    assert.equal((await reading)?.bytesRead, 4);
    await writing;
    assert.equal(outcome, "written", "Wine lets the write through while the read waits");
    const got = new Uint8Array(16);
    assert.equal((await conn.read(got))?.bytesRead, 2);
  },
});

Deno.test({
  name: "W-KILL Wine: TerminateProcess succeeds on a process that has exited",
  ignore: !underWine,
  async fn() {
    // A child that has exited; winpipe holds its process handle, so the process object is still there.
    await using child = spawn("cmd.exe", ["/c", "exit", "259"], { stdout: "null", stderr: "null" });
    assert.equal(await child.wait(), 259);
    const lib = Deno.dlopen("kernel32.dll", {
      OpenProcess: { parameters: ["u32", "i32", "u32"], result: "pointer" },
      TerminateProcess: { parameters: ["pointer", "u32"], result: "i32" },
      CloseHandle: { parameters: ["pointer"], result: "i32" },
    });
    try {
      const PROCESS_TERMINATE = 0x1;
      const handle = lib.symbols.OpenProcess(PROCESS_TERMINATE, 0, child.pid);
      assert.ok(handle !== null, "the exited process can still be opened");
      const ok = lib.symbols.TerminateProcess(handle, 1);
      lib.symbols.CloseHandle(handle);
      // Windows: FALSE with ERROR_ACCESS_DENIED once the process has exited (TerminateProcess, remarks).
      assert.equal(ok, 1, "Wine terminates what has already exited");
    } finally {
      lib.close();
    }
  },
});
