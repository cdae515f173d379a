/**
 * The security suite: access control and identity through the public API
 * (docs/security.md), for any kernel with the security capability (the
 * model natively, kernel32 under Wine):
 *
 * - servers: the `"current-user"` default (owner and DACL read back from
 *   both ends), SDDL, `"os-default"`, many instances of a current-user pipe;
 * - clients: `serverOwner` accepts the right owner and refuses another
 *   before anything is written, naming both; `callNamedPipe` too;
 * - identity: the peer's process and session ids, `clientComputerName()`,
 *   `clientUser()`, which leaves the thread reverted even when reading the
 *   token fails in the middle, and the `impersonation` levels;
 * - input: bad SDDL, a bad SID, a bad impersonation level are refused with
 *   a TypeError or RangeError before any system call.
 *
 * {@linkcode peerIdentitySuite} adds what needs two processes: a spawned
 * client and its server agree on each other's process and session ids.
 *
 * @example
 * ```ts ignore
 * import { securitySuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * securitySuite(() => new Kernel32(), { register, processId: () => Deno.pid });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createWinpipe,
  ERROR_ACCESS_DENIED,
  ERROR_CANNOT_IMPERSONATE,
  ERROR_CANT_OPEN_ANONYMOUS,
  ERROR_NO_TOKEN,
  fileRights,
  isPipeError,
  parseSecurityDescriptor,
  type PipeKernel,
  type SecurityKernel,
  type StreamFactories,
  WELL_KNOWN_SIDS,
  type Winpipe,
} from "@winpipe/core";
import { expectCode, expectCodeSync, type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";
import { assertSameDescriptor } from "./conformance/security.ts";

const { SYSTEM, EVERYONE, ANONYMOUS } = WELL_KNOWN_SIDS;

/**
 * Options of {@linkcode securitySuite}.
 *
 * @example
 * ```ts
 * import { createModelKernel, type ModelKernel } from "@winpipe/core/model";
 * import { securitySuite, type SecuritySuiteOptions } from "@winpipe/testing";
 * const options: SecuritySuiteOptions = {
 *   register: () => {}, // e.g. Deno.test or bun:test's test
 *   processId: (kernel) => (kernel as ModelKernel).process.processId,
 * };
 * securitySuite(() => createModelKernel(), options);
 * ```
 */
export interface SecuritySuiteOptions extends SuiteOptions {
  /** The id of the process a kernel acts as (kernel32: this process, `Deno.pid`; the model: its process's). */
  processId(kernel: PipeKernel): number;
}

const FILE_ALL_ACCESS = 0x1f01ff;
const FILE_GENERIC_READ = 0x120089;

/**
 * The case names of the suite that kernel32 under Wine 10 cannot pass, each with its reason (docs/wine-findings.md).
 *
 * @example
 * ```ts
 * import { SECURITY_WINE_DEVIATIONS } from "@winpipe/testing";
 * Object.keys(SECURITY_WINE_DEVIATIONS).length > 0; // true: Wine 10 checks no pipe DACL, among others
 * ```
 */
export const SECURITY_WINE_DEVIATIONS: Readonly<Record<string, string>> = {
  "security: os-default gives the system's default descriptor: Everyone and ANONYMOUS LOGON may read":
    "Wine 10 gives a pipe made without a descriptor no descriptor at all (docs/wine-findings.md, W-K70)",
  "security: clientUser() of an instance with no client fails with ERROR_CANNOT_IMPERSONATE, the thread reverted":
    "Wine 10 lets a server impersonate with no client connected (docs/wine-findings.md, W-K78)",
  "security: a client connected with impersonation anonymous cannot be identified (ERROR_CANT_OPEN_ANONYMOUS)":
    "Wine 10 ignores the client's impersonation level (docs/wine-findings.md, W-K79)",
  "security: clientComputerName() is undefined for a client on this machine":
    "Wine 10's kernel32 does not export GetNamedPipeClientComputerNameW (docs/wine-findings.md, W-K76)",
};

/** A kernel that counts the calls made on it and on its security capability. */
function counting(kernel: PipeKernel): { kernel: PipeKernel; calls(): number } {
  let calls = 0;
  const count = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, property) {
        const value = Reflect.get(inner, property, inner);
        if (property === "security" && value !== undefined) return count(value as object);
        if (typeof value !== "function" || property === "liveHandles") return value;
        return (...args: unknown[]) => {
          calls++;
          return value.apply(inner, args);
        };
      },
    });
  return { kernel: count(kernel), calls: () => calls };
}

/** A kernel whose security capability fails `failing` (after the real call) with `error`, to show what a failure in the middle leaves behind. */
function failingAfter(kernel: PipeKernel, failing: keyof SecurityKernel, error: Error): PipeKernel {
  const security = kernel.security!;
  const wrapped = new Proxy(security, {
    get(inner, property) {
      const value = Reflect.get(inner, property, inner);
      if (typeof value !== "function") return value;
      if (property !== failing) return value.bind(inner);
      return (...args: unknown[]) => {
        value.apply(inner, args);
        throw error;
      };
    },
  });
  return new Proxy(kernel, {
    get(inner, property) {
      if (property === "security") return wrapped;
      const value = Reflect.get(inner, property, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
}

/** The rights the DACL of `sddl` allows `sid` by entries of its own (file rights). */
function allowedTo(sddl: string, sid: string): number {
  let mask = 0;
  for (const ace of parseSecurityDescriptor(sddl).dacl?.aces ?? []) {
    if (ace.type === "A" && ace.sid === sid) mask |= fileRights(ace.mask);
  }
  return mask >>> 0;
}

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts
 * import { createModelKernel, type ModelKernel } from "@winpipe/core/model";
 * import { securitySuite } from "@winpipe/testing";
 * const names: string[] = [];
 * securitySuite(() => createModelKernel(), {
 *   register: (name) => void names.push(name), // Deno.test, bun:test, node:test
 *   processId: (kernel) => (kernel as ModelKernel).process.processId,
 * });
 * names.every((name) => /^K\d+ /.test(name)); // true: each case names its behaviour id
 * ```
 */
export function securitySuite(factory: KernelFactory, options: SecuritySuiteOptions): void {
  const add = (name: string, fn: (api: Winpipe, kernel: PipeKernel) => Promise<void>) => {
    const full = `security: ${name}`;
    options.register(full, async () => {
      const kernel = await factory();
      const before = kernel.liveHandles();
      await fn(createWinpipe(kernel), kernel);
      assert.equal(kernel.liveHandles(), before, "every handle the case made is closed");
    }, options.skip?.[full]);
  };

  add("the default (current-user) server is owned by the current user; only it and SYSTEM may open it", async (api) => {
    const name = uniquePipeName("current-user");
    const { sid } = api.currentUser();
    await using server = api.createNamedPipe(name);
    await using client = await api.connect(name);
    for (const end of [server, client]) {
      const sddl = end.securityDescriptor();
      assertSameDescriptor(sddl, `O:${sid}D:P(A;;GA;;;${sid})(A;;GA;;;SY)`);
      assert.ok(parseSecurityDescriptor(sddl).group !== undefined, "the system gave it a group");
    }
  });

  add("an SDDL server reads back the descriptor given", async (api) => {
    const name = uniquePipeName("sddl");
    const { sid } = api.currentUser();
    const sddl = `O:${sid}D:P(A;;GA;;;SY)(A;;GRGW;;;AU)(A;;GA;;;${sid})`;
    await using server = api.createNamedPipe(name, { security: sddl });
    await using client = await api.connect(name);
    assertSameDescriptor(client.securityDescriptor(), sddl);
    assertSameDescriptor(server.securityDescriptor(), sddl);
  });

  add("os-default gives the system's default descriptor: Everyone and ANONYMOUS LOGON may read", async (api) => {
    const name = uniquePipeName("os-default");
    await using server = api.createNamedPipe(name, { security: "os-default" });
    const sddl = server.securityDescriptor();
    assert.equal(allowedTo(sddl, EVERYONE), FILE_GENERIC_READ, `Everyone may read: ${sddl}`);
    assert.equal(allowedTo(sddl, ANONYMOUS), FILE_GENERIC_READ, `ANONYMOUS LOGON may read: ${sddl}`);
    assert.equal(allowedTo(sddl, SYSTEM) & FILE_ALL_ACCESS, FILE_ALL_ACCESS);
  });

  add("a current-user server takes 4 clients at once: its new instances are granted to it", async (api) => {
    const name = uniquePipeName("instances");
    await using server = api.createServer(name, { maxInstances: 4 });
    const accepted = Array.from({ length: 4 }, () => server.accept());
    const clients = await Promise.all(accepted.map(() => api.connect(name, { serverOwner: "current-user" })));
    const conns = await Promise.all(accepted);
    try {
      for (const conn of conns) assert.equal(conn.clientUser().sid, api.currentUser().sid);
    } finally {
      for (const end of [...clients, ...conns]) end.close();
    }
  });

  add("bad security, serverOwner and impersonation are refused before any system call", async (_api, kernel) => {
    const spy = counting(kernel);
    const pipes = createWinpipe(spy.kernel);
    const name = uniquePipeName("inputs");
    const refusals: [string, () => unknown, ErrorConstructor, RegExp][] = [
      ["SDDL with an unknown alias", () => pipes.createServer(name, { security: "D:(A;;GA;;;XX)" }), TypeError, /"XX"/],
      ["SDDL cut short", () => pipes.createNamedPipe(name, { security: "D:P(A;;GA;;;SY" }), TypeError, /closing/],
      ["SDDL with an unknown right", () => pipes.createServer(name, { security: "D:(A;;ZZ;;;WD)" }), TypeError, /ZZ/],
      ["an ACE type for directories", () => pipes.createServer(name, { security: "D:(OA;;GA;;;WD)" }), TypeError, /OA/],
      ["a security that is not a string", () => pipes.createServer(name, { security: 7 as never }), TypeError, /7/],
      ["an empty security", () => pipes.createServer(name, { security: "" }), TypeError, /empty/],
      [
        "a sub-authority out of range",
        () => pipes.createServer(name, { security: "O:S-1-5-4294967296" }),
        RangeError,
        /4294967295/,
      ],
      ["a bad SID", () => pipes.connect(name, { serverOwner: "S-1-5-x" }), TypeError, /serverOwner/],
      [
        "a SID out of range",
        () => pipes.connect(name, { serverOwner: "S-1-5-99999999999" }),
        RangeError,
        /serverOwner/,
      ],
      ["a domain alias", () => pipes.connect(name, { serverOwner: "LA" }), TypeError, /S-1-/],
      ["a serverOwner that is not a string", () => pipes.connect(name, { serverOwner: 1 as never }), TypeError, /1/],
      ["a bad impersonation level", () => pipes.connect(name, { impersonation: "full" as never }), TypeError, /"full"/],
      [
        "callNamedPipe with a bad SID",
        () => pipes.callNamedPipe(name, new Uint8Array(1), { serverOwner: "me" }),
        TypeError,
        /serverOwner/,
      ],
    ];
    for (const [what, call, type, message] of refusals) {
      const before = spy.calls();
      let thrown: unknown;
      try {
        await call();
      } catch (err) {
        thrown = err;
      }
      assert.ok(thrown instanceof type, `${what}: expected a ${type.name}, got ${thrown}`);
      assert.match((thrown as Error).message, message, what);
      assert.equal(spy.calls(), before, `${what} made a system call`);
    }
  });

  add(
    "serverOwner accepts the pipe's owner and refuses another before anything is written, naming both",
    async (api) => {
      const name = uniquePipeName("owner");
      const { sid } = api.currentUser();
      await using server = api.createServer(name);
      const first = server.accept();
      await using good = await api.connect(name, { serverOwner: "current-user" });
      await using conn = await first;
      await good.write(new Uint8Array([1]));
      assert.deepEqual(await conn.read(new Uint8Array(4)), { bytesRead: 1, messageComplete: true });
      const second = server.accept();
      await using _bySid = await api.connect(name, { serverOwner: sid });
      await using _conn2 = await second;

      const before = api.liveHandles();
      const err = await expectCode(api.connect(name, { serverOwner: SYSTEM }), ERROR_ACCESS_DENIED);
      assert.equal(api.liveHandles(), before, "the refused client's handle is closed");
      assert.match(err.message, new RegExp(`owned by ${sid}`), "names the actual owner");
      assert.match(err.message, /not by S-1-5-18 \(NT AUTHORITY\\SYSTEM\)/, "names the expected owner");
      assert.ok(isPipeError(err) && err.call === "connect" && err.pipeName === name);
      // The refused client opened an instance and closed it without writing: its server reads the end at once.
      await using refused = await server.accept();
      assert.equal(await refused.read(new Uint8Array(4)), null, "nothing was written before the check");
    },
  );

  add("callNamedPipe checks serverOwner before the request is sent", async (api) => {
    const name = uniquePipeName("call-owner");
    await using server = api.createServer(name, { type: "message", readMode: "message" });
    /** Serves one call: echoes its request; resolves with the request (null when none came). */
    const serveOne = async () => {
      await using conn = await server.accept();
      const request = await conn.readMessage();
      if (request !== null) await conn.write(request);
      return request;
    };
    const first = serveOne();
    assert.deepEqual(
      await api.callNamedPipe(name, new Uint8Array([7]), { serverOwner: "current-user" }),
      new Uint8Array([7]),
    );
    assert.deepEqual(await first, new Uint8Array([7]));
    const second = serveOne();
    await expectCode(api.callNamedPipe(name, new Uint8Array([8]), { serverOwner: SYSTEM }), ERROR_ACCESS_DENIED);
    assert.equal(await second, null, "the request was not sent");
  });

  add("clientUser() reads the client's SID and account and leaves the thread reverted", async (api, kernel) => {
    const name = uniquePipeName("client-user");
    await using server = api.createNamedPipe(name);
    await using _client = await api.connect(name);
    await server.connect();
    assert.deepEqual(server.clientUser(), api.currentUser());
    expectCodeSync(() => kernel.security!.threadUser(), ERROR_NO_TOKEN);
  });

  add("clientUser() reverts the thread when reading the token fails in the middle", async (_api, kernel) => {
    const failure = new Error("token read failed");
    const pipes = createWinpipe(failingAfter(kernel, "threadUser", failure));
    const name = uniquePipeName("client-user-fails");
    await using server = pipes.createNamedPipe(name);
    await using _client = await pipes.connect(name);
    assert.throws(() => server.clientUser(), (err) => err === failure);
    // The real thread: impersonating nobody.
    expectCodeSync(() => kernel.security!.threadUser(), ERROR_NO_TOKEN);
    // And it works again afterwards.
    assert.equal(createWinpipe(kernel).currentUser().sid, kernel.security!.processUser());
  });

  add(
    "clientUser() of an instance with no client fails with ERROR_CANNOT_IMPERSONATE, the thread reverted",
    async (api, kernel) => {
      await using server = api.createNamedPipe(uniquePipeName("no-client"));
      expectCodeSync(() => server.clientUser(), ERROR_CANNOT_IMPERSONATE);
      expectCodeSync(() => kernel.security!.threadUser(), ERROR_NO_TOKEN);
    },
  );

  add(
    "a client connected with impersonation anonymous cannot be identified (ERROR_CANT_OPEN_ANONYMOUS)",
    async (api, kernel) => {
      const name = uniquePipeName("anonymous");
      await using server = api.createNamedPipe(name);
      await using _client = await api.connect(name, { impersonation: "anonymous" });
      expectCodeSync(() => server.clientUser(), ERROR_CANT_OPEN_ANONYMOUS);
      expectCodeSync(() => kernel.security!.threadUser(), ERROR_NO_TOKEN);
    },
  );

  add(
    "the impersonation levels identification, impersonation and delegation let the server identify the client",
    async (api) => {
      for (const impersonation of ["identification", "impersonation", "delegation"] as const) {
        const name = uniquePipeName(impersonation);
        await using server = api.createNamedPipe(name);
        await using _client = await api.connect(name, { impersonation });
        assert.equal(server.clientUser().sid, api.currentUser().sid, impersonation);
      }
    },
  );

  add("the peer's process and session ids are this process's for a client of this process", async (api, kernel) => {
    const name = uniquePipeName("ids");
    const pid = options.processId(kernel);
    await using server = api.createNamedPipe(name);
    await using client = await api.connect(name);
    assert.equal(server.clientProcessId(), pid);
    assert.equal(client.serverProcessId(), pid);
    assert.equal(client.clientProcessId(), pid, "either end can ask");
    assert.equal(server.clientSessionId(), client.serverSessionId());
  });

  add("clientComputerName() is undefined for a client on this machine", async (api) => {
    const name = uniquePipeName("computer");
    await using server = api.createNamedPipe(name);
    await using _client = await api.connect(name);
    assert.equal(server.clientComputerName(), undefined);
  });
}

/**
 * Options of {@linkcode peerIdentitySuite}.
 *
 * @example
 * ```ts ignore
 * import { peerIdentitySuite, type PeerIdentitySuiteOptions, SECURITY_WINE_DEVIATIONS } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * const options: PeerIdentitySuiteOptions = {
 *   register: windowsRegister, // skipped off Windows
 *   skip: SECURITY_WINE_DEVIATIONS,
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   peerScript: new URL("./fixtures/peer_child.ts", import.meta.url).href,
 *   processId: Deno.pid,
 * };
 * peerIdentitySuite(() => kernel32, options);
 * ```
 */
export interface PeerIdentitySuiteOptions extends SuiteOptions {
  /** The `streams` of `@winpipe/streams` (core does not depend on it). */
  streams: StreamFactories;
  /** The program the children run: the runtime's own executable. */
  runtime: string;
  /** The arguments that make `runtime` run the script at `path` with `args`. */
  script(path: string, args: string[]): string[];
  /**
   * The runtime's peer child: `connect NAME OWNER` connects to NAME with
   * `serverOwner: OWNER`, writes one JSON line `{ pid, clientProcessId,
   * clientSessionId, serverProcessId, serverSessionId }` as its connection
   * reports them, and exits 0; if the connect fails it prints the error's
   * message to stderr and exits 3.
   */
  peerScript: string;
  /** This process's id. */
  processId: number;
}

/** The report of the peer child. */
interface PeerReport {
  pid: number;
  clientProcessId: number;
  clientSessionId: number;
  serverProcessId: number;
  serverSessionId: number;
}

/** Everything `conn` reads until the end of the data, as text. */
async function readToEnd(conn: { read(buffer: Uint8Array): Promise<{ bytesRead: number } | null> }): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for (;;) {
    const buffer = new Uint8Array(4096);
    const got = await conn.read(buffer);
    if (got === null) return text + decoder.decode();
    text += decoder.decode(buffer.subarray(0, got.bytesRead), { stream: true });
  }
}

/**
 * Registers the two-process cases (kernel32 only: the model has no child processes).
 *
 * @example
 * ```ts ignore
 * import { peerIdentitySuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { kernel32 } from "@winpipe/deno";
 * import { streams } from "@winpipe/streams";
 * // Two processes: this one and a child running peerScript (packages/deno/test/fixtures/peer_child.ts is one).
 * peerIdentitySuite(() => kernel32, {
 *   register: windowsRegister,
 *   streams,
 *   runtime: Deno.execPath(),
 *   script: (path, args) => ["run", "-A", path, ...args],
 *   peerScript: new URL("./peer_child.ts", import.meta.url).href,
 *   processId: Deno.pid,
 * });
 * ```
 */
export function peerIdentitySuite(factory: KernelFactory, options: PeerIdentitySuiteOptions): void {
  const add = (name: string, fn: (api: Winpipe) => Promise<void>) => {
    const full = `security: ${name}`;
    options.register(full, async () => {
      const api = createWinpipe(await factory(), { streams: options.streams });
      const before = api.liveHandles();
      await fn(api);
      assert.equal(api.liveHandles(), before, "every handle the case made is closed");
    }, options.skip?.[full]);
  };

  add("a spawned client and its server agree on each other's process and session ids and user", async (api) => {
    const name = uniquePipeName("peer");
    await using server = api.createServer(name);
    const accepted = server.accept();
    await using child = api.spawn(
      options.runtime,
      options.script(options.peerScript, ["connect", name, "current-user"]),
      {
        stdout: "null",
        stderr: "pipe",
      },
    );
    const errors = new Response(child.stderr!.readable).text();
    accepted.catch(() => {}); // a child that never connects: reported below
    const exited = child.wait();
    const first = await Promise.race([accepted, exited]);
    if (typeof first === "number" && first !== 0) assert.fail(`the child exited with ${first}: ${await errors}`);
    await using conn = await accepted;
    const line = await readToEnd(conn);
    assert.equal(await exited, 0, `the child connected and reported: ${await errors}`);
    const report = JSON.parse(line) as PeerReport;
    assert.equal(report.pid, child.pid, "the child is who spawn says");
    assert.equal(conn.clientProcessId(), child.pid, "the server sees the child's process");
    assert.equal(report.clientProcessId, child.pid, "the child sees itself as the client");
    assert.equal(report.serverProcessId, options.processId, "the child sees this process as the server");
    assert.equal(conn.serverProcessId(), options.processId);
    assert.equal(report.serverSessionId, conn.serverSessionId(), "both see the same server session");
    assert.equal(report.clientSessionId, conn.clientSessionId(), "both see the same client session");
    assert.deepEqual(conn.clientUser(), api.currentUser(), "the child runs as this user");
  });

  add("a spawned client that requires another owner refuses the server, naming both owners", async (api) => {
    const name = uniquePipeName("peer-owner");
    const { sid } = api.currentUser();
    await using server = api.createServer(name);
    const accepted = server.accept();
    await using child = api.spawn(options.runtime, options.script(options.peerScript, ["connect", name, SYSTEM]), {
      stdout: "null",
      stderr: "pipe",
    });
    const errors = new Response(child.stderr!.readable).text();
    assert.equal(await child.wait(), 3, "the child's connect failed");
    const message = await errors;
    assert.match(message, /ERROR_ACCESS_DENIED/);
    assert.match(message, new RegExp(`owned by ${sid}`));
    assert.match(message, /not by S-1-5-18/);
    await using conn = await accepted;
    assert.equal(await conn.read(new Uint8Array(8)), null, "the child wrote nothing");
  });
}
