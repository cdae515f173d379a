/**
 * K. Finding pipes: the pipe file system's directory (L80) and asking for
 * one name without listing (L81), through the port and the API.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, PIPE_UNLIMITED_INSTANCES } from "@winpipe/core";
import { type ConformanceCase, defineCase } from "./util.ts";

/** The part of a local pipe name after `\\.\pipe\`. */
function shortName(name: string): string {
  return name.slice("\\\\.\\pipe\\".length);
}

/** The title of the L80 case that lists the directory, which Wine 10 cannot do (docs/wine-findings.md, W-L80). */
const L80_LISTING = "the pipe directory lists each name once, as spelled, with its current and maximum instances";
/**
 * The full name of that case, for skip lists.
 *
 * @example
 * ```ts
 * import { conformanceCaseList, L80_LISTING_CASE_NAME } from "@winpipe/testing";
 * conformanceCaseList().some((c) => c.name === L80_LISTING_CASE_NAME); // true
 * ```
 */
export const L80_LISTING_CASE_NAME = `L80 ${L80_LISTING}`;

export const discoveryCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- L80
  defineCase(
    "L80",
    L80_LISTING,
    (s) => {
      const base = s.pipeName("k68");
      const limited = `${base}-Four`;
      const unlimited = `${base}-Any`;
      s.server({ name: limited, maxInstances: 4 });
      s.server({ name: limited, maxInstances: 4 });
      const only = s.server({ name: unlimited, maxInstances: PIPE_UNLIMITED_INSTANCES, pipeMode: PIPE_TYPE_MESSAGE });
      const ours = () => s.k.listPipes().filter((entry) => entry.name.startsWith(shortName(base)));
      const byName = (entries: ReturnType<typeof ours>) => entries.sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(byName(ours()), [
        { name: shortName(unlimited), currentInstances: 1, maxInstances: PIPE_UNLIMITED_INSTANCES },
        { name: shortName(limited), currentInstances: 2, maxInstances: 4 },
      ]);

      // The API: full names, "unlimited", filters; a name is gone with its last instance.
      const pipes = createWinpipe(s.k);
      assert.deepEqual(pipes.listPipes({ prefix: shortName(base).toUpperCase() }), [
        { name: unlimited, instances: 1, maxInstances: "unlimited" },
        { name: limited, instances: 2, maxInstances: 4 },
      ]);
      assert.deepEqual(pipes.listPipes({ pattern: `${shortName(base)}-f?u*` }).map((p) => p.name), [limited]);
      assert.deepEqual(pipes.listPipes({ pattern: "*" }).filter((p) => p.name === unlimited).length, 1);
      s.k.close(only);
      assert.deepEqual(ours().map((entry) => entry.name), [shortName(limited)]);

      // The filters compare names as the pipe file system does, each character upper-cased on its own
      // (RtlUpcaseUnicodeChar): "ß" is not "SS", and the Kelvin sign is not "k".
      const other = s.pipeName("k68b");
      const sharp = `${other}-straße`, doubled = `${other}-STRASSE`, kelvin = `${other}-kelvin`;
      const kelvinSign = `${other}-\u212Aelvin`;
      for (const name of [sharp, doubled, kelvin, kelvinSign]) s.server({ name });
      const listed = (options: { prefix?: string; pattern?: string }) => pipes.listPipes(options).map((p) => p.name);
      assert.deepEqual(listed({ prefix: `${shortName(other)}-STRAßE` }), [sharp]);
      assert.deepEqual(listed({ prefix: `${shortName(other)}-strasse` }), [doubled]);
      assert.deepEqual(listed({ pattern: `${shortName(other)}-straße` }), [sharp]);
      assert.deepEqual(listed({ pattern: `${shortName(other)}-K*` }), [kelvin]);
      assert.deepEqual(listed({ prefix: `${shortName(other)}-\u212A` }), [kelvinSign]);
    },
  ),
  defineCase("L80", "listPipes checks its filters before any call", (s) => {
    const pipes = createWinpipe(s.k);
    assert.throws(() => pipes.listPipes({ prefix: 3 as unknown as string }), TypeError);
    assert.throws(() => pipes.listPipes({ pattern: null as unknown as string }), TypeError);
    assert.throws(() => pipes.listPipes("x*" as never), TypeError);
  }),

  // ---------------------------------------------------------------- L81
  defineCase(
    "L81",
    "pipeExists: a listening or busy pipe exists, a missing or closed one does not, and no client connects",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const name = s.pipeName("k69");
      assert.equal(await pipes.pipeExists(name), false, "no pipe of that name yet");
      const server = s.server({ name, maxInstances: 1, openMode: PIPE_ACCESS_DUPLEX });
      const connecting = s.connect(server);
      assert.equal(await pipes.pipeExists(name), true, "an instance listens");
      // Asking opened nothing: the instance still waits for its first client, which can still connect.
      await s.assertPending(connecting, "ConnectNamedPipe after pipeExists");
      s.client(name);
      await s.done(connecting, "ConnectNamedPipe of the client after pipeExists");
      assert.equal(await pipes.pipeExists(name), true, "every instance busy: it exists all the same");
      s.k.close(server);
      assert.equal(await pipes.pipeExists(name), false, "its last instance closed: the name is gone");
      await assert.rejects(pipes.pipeExists("pipe"), TypeError);
    },
  ),
];
