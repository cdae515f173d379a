/**
 * A. Creation and validation of named pipe instances.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_NAME,
  ERROR_INVALID_PARAMETER,
  ERROR_PIPE_BUSY,
  FILE_FLAG_FIRST_PIPE_INSTANCE,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_DUPLEX,
  PIPE_ACCESS_INBOUND,
  PIPE_ACCESS_OUTBOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, OBUF, OBUF2 } from "./util.ts";

/** `\\.\pipe\rest` spelled with another prefix case. */
function respell(name: string, prefix: string): string {
  const plain = "\\\\.\\pipe\\";
  assert.ok(name.startsWith(plain), `unexpected pipe name ${name}`);
  return prefix + name.slice(plain.length);
}

export const creationCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- A1
  defineCase(
    "A1",
    "WaitNamedPipe and CreateFile on a pipe that does not exist fail with ERROR_FILE_NOT_FOUND",
    async (s) => {
      const name = s.pipeName("missing");
      await s.fails(s.waitNamedPipe(name, 2000), ERROR_FILE_NOT_FOUND);
      await s.fails(s.waitNamedPipe(name, 0), ERROR_FILE_NOT_FOUND);
      s.failsSync(() => s.client(name), ERROR_FILE_NOT_FOUND);
    },
  ),

  // ---------------------------------------------------------------- A2
  defineCase("A2", "CreateNamedPipe with a name that is not a pipe name fails with ERROR_INVALID_NAME", (s) => {
    s.failsSync(() => s.server({ name: "not a named pipe" }), ERROR_INVALID_NAME);
  }),

  // ---------------------------------------------------------------- A3
  defineCase("A3", "PIPE_TYPE_BYTE with PIPE_READMODE_MESSAGE fails with ERROR_INVALID_PARAMETER", (s) => {
    const name = s.pipeName();
    s.failsSync(
      () => s.server({ name, pipeMode: PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE | PIPE_WAIT }),
      ERROR_INVALID_PARAMETER,
    );
    // Nothing was created: the name does not exist.
    s.failsSync(() => s.client(name), ERROR_FILE_NOT_FOUND);
    // The valid combinations are accepted.
    s.server({ name, pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT });
  }),

  // ---------------------------------------------------------------- A4
  defineCase("A4", "the \\\\.\\pipe\\ prefix is case-insensitive", async (s) => {
    const name = s.pipeName();
    const server = s.server({ name: respell(name, "\\\\.\\PiPe\\") });
    await s.done(s.waitNamedPipe(respell(name, "\\\\.\\PIPE\\"), 1000), "WaitNamedPipe with an upper-case prefix");
    const client = s.client(name);
    await s.expectWrite(client, OBUF);
    await s.expectRead(server, 32, OBUF);
  }),

  // ---------------------------------------------------------------- A5
  defineCase("A5", "max instances is obeyed: 2 allows a second instance, 1 gives ERROR_PIPE_BUSY", (s) => {
    const name = s.pipeName();
    s.server({ name, maxInstances: 2 });
    s.server({ name, maxInstances: 2 });
    s.failsSync(() => s.server({ name, maxInstances: 2 }), ERROR_PIPE_BUSY);

    const name1 = s.pipeName();
    s.server({ name: name1, maxInstances: 1 });
    s.failsSync(() => s.server({ name: name1, maxInstances: 1 }), ERROR_PIPE_BUSY);
  }),
  defineCase("A5", "a second instance with a different access direction fails with ERROR_ACCESS_DENIED", (s) => {
    const name = s.pipeName();
    s.server({ name, openMode: PIPE_ACCESS_DUPLEX, maxInstances: 2 });
    s.failsSync(() => s.server({ name, openMode: PIPE_ACCESS_INBOUND, maxInstances: 2 }), ERROR_ACCESS_DENIED);
    s.failsSync(() => s.server({ name, openMode: PIPE_ACCESS_OUTBOUND, maxInstances: 2 }), ERROR_ACCESS_DENIED);
    // The same direction is still accepted.
    s.server({ name, openMode: PIPE_ACCESS_DUPLEX, maxInstances: 2 });
  }),

  // ---------------------------------------------------------------- A6
  defineCase(
    "A6",
    "GetNamedPipeInfo reports sizes and max instances as requested, PIPE_SERVER_END and the type",
    (s) => {
      const byte = s.server({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT, maxInstances: 1 });
      assert.deepEqual(s.info(byte), {
        flags: PIPE_SERVER_END | PIPE_TYPE_BYTE,
        outBufferSize: 1024,
        inBufferSize: 1024,
        maxInstances: 1,
      });
      // PIPE_NOWAIT (0x1) is not reported, although PIPE_SERVER_END is the same bit value.
      const message = s.server({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_NOWAIT, maxInstances: 3 });
      assert.deepEqual(s.info(message), {
        flags: PIPE_SERVER_END | PIPE_TYPE_MESSAGE,
        outBufferSize: 1024,
        inBufferSize: 1024,
        maxInstances: 3,
      });
      const zero = s.server({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_WAIT, outBufferSize: 0, inBufferSize: 0 });
      assert.deepEqual(s.info(zero), {
        flags: PIPE_SERVER_END | PIPE_TYPE_MESSAGE,
        outBufferSize: 0,
        inBufferSize: 0,
        maxInstances: 1,
      });
      const big = s.server({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_WAIT, outBufferSize: 0xf000, inBufferSize: 0xf000 });
      assert.deepEqual(s.info(big), {
        flags: PIPE_SERVER_END | PIPE_TYPE_MESSAGE,
        outBufferSize: 0xf000,
        inBufferSize: 0xf000,
        maxInstances: 1,
      });
    },
  ),

  // ---------------------------------------------------------------- A7
  // Wine 10 ignores the flag (docs/behaviours.md, known Wine deviations); written to Windows.
  defineCase("A7", "FILE_FLAG_FIRST_PIPE_INSTANCE on an existing name fails with ERROR_ACCESS_DENIED", (s) => {
    const name = s.pipeName();
    s.server({ name, openMode: PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, maxInstances: 2 });
    s.failsSync(
      () => s.server({ name, openMode: PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, maxInstances: 2 }),
      ERROR_ACCESS_DENIED,
    );
    // Without the flag the second instance is created.
    s.server({ name, openMode: PIPE_ACCESS_DUPLEX, maxInstances: 2 });
  }),

  // ---------------------------------------------------------------- A8
  defineCase(
    "A8",
    "a client is refused write access to an outbound pipe and read access to an inbound one",
    async (s) => {
      const out = s.pipeName();
      const outServer = s.server({ name: out, openMode: PIPE_ACCESS_OUTBOUND });
      s.failsSync(() => s.client(out, GENERIC_WRITE), ERROR_ACCESS_DENIED);
      s.failsSync(() => s.client(out, GENERIC_READ | GENERIC_WRITE), ERROR_ACCESS_DENIED);
      // The refused opens did not take the instance: the right direction connects.
      const reader = s.client(out, GENERIC_READ);
      await s.expectWrite(outServer, OBUF);
      await s.expectRead(reader, 32, OBUF);

      const inb = s.pipeName();
      const inServer = s.server({ name: inb, openMode: PIPE_ACCESS_INBOUND });
      s.failsSync(() => s.client(inb, GENERIC_READ), ERROR_ACCESS_DENIED);
      s.failsSync(() => s.client(inb, GENERIC_READ | GENERIC_WRITE), ERROR_ACCESS_DENIED);
      const writer = s.client(inb, GENERIC_WRITE);
      await s.expectWrite(writer, OBUF2);
      await s.expectRead(inServer, 32, OBUF2);
    },
  ),

  // ---------------------------------------------------------------- A9
  defineCase("A9", "after the only instance of a max-1 pipe is closed, a new instance can be created", async (s) => {
    const name = s.pipeName();
    const first = s.server({ name, maxInstances: 1 });
    s.failsSync(() => s.server({ name, maxInstances: 1 }), ERROR_PIPE_BUSY);
    s.k.close(first);
    const second = s.server({ name, maxInstances: 1 });
    const client = s.client(name);
    await s.expectWrite(client, OBUF);
    await s.expectRead(second, 32, OBUF);
  }),

  // ---------------------------------------------------------------- A85
  defineCase(
    "A85",
    "a pipe name reads as Windows' path handling makes it: / is \\, . and .. resolved, trailing dots dropped",
    async (s) => {
      const base = s.pipeName().slice("\\\\.\\pipe\\".length);
      // Each server spelling, and the spelling a client reaches it with.
      const pairs: [string, string][] = [
        [`\\\\.\\pipe\\${base}-a`, `//./pipe/${base}-a`],
        [`\\\\.\\pipe\\${base}-b.`, `\\\\.\\pipe\\${base}-b`],
        [`\\\\.\\pipe\\${base}-c . `, `\\\\.\\pipe\\${base}-c`],
        [`\\\\.\\pipe\\${base}-d/e`, `\\\\.\\pipe\\${base}-d\\e`],
        [`\\\\.\\pipe\\${base}-x\\..\\${base}-f`, `\\\\.\\pipe\\${base}-f`],
        [`\\\\.\\pipe\\${base}-g\\.\\\\h`, `\\\\.\\pipe\\${base}-g\\h`],
        [`\\\\.\\pipe\\..\\pipe\\${base}-i`, `\\\\.\\pipe\\${base}-i`],
        // One trailing dot of a component goes: "j.." is "j.", which only the verbatim prefix can spell.
        [`\\\\.\\pipe\\${base}-j..\\k`, `\\\\?\\pipe\\${base}-j.\\k`],
        // The verbatim prefix: the same pipe as \\.\pipe\ with that spelling.
        [`\\\\?\\pipe\\${base}-l`, `\\\\.\\pipe\\${base}-l`],
      ];
      for (const [serverName, clientName] of pairs) {
        const server = s.server({ name: serverName });
        const client = s.client(clientName);
        await s.expectWrite(client, OBUF);
        await s.expectRead(server, 32, OBUF);
      }
      // Verbatim keeps what the other spelling drops: a trailing dot is part of the name.
      s.server({ name: `\\\\?\\pipe\\${base}-m.` });
      s.failsSync(() => s.client(`\\\\.\\pipe\\${base}-m`), ERROR_FILE_NOT_FOUND);
    },
  ),
];
