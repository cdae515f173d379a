/**
 * The corpus cut in two: every request of test/corpus.ts, sent as two
 * writes that the server reads apart, must get the answer it gets when sent
 * whole, wherever the cut falls. Limits that count a line or a head must not
 * depend on how its bytes were split into reads (a CR in one read and its LF
 * in the next, a whole line in one read). On the model only: it takes a few
 * hundred exchanges, and the reads it splits are the server's own code, the
 * same over every kernel.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { createHttp } from "@winpipe/http";
import { INVALID, VALID } from "./corpus.ts";
import { bytes, rawExchange, type RegisterTest, statuses, uniqueName } from "./helpers.ts";

/** How long the client waits between the two parts, so that the server reads the first alone. */
const GAP_MS = 1;

/** Where to cut `request`: everywhere in a short one; around each CR and LF in a long one. */
function cutsOf(request: string): number[] {
  if (request.length <= 300) return Array.from({ length: request.length - 1 }, (_, i) => i + 1);
  const cuts = new Set<number>();
  for (let i = 0; i < request.length; i++) {
    if (request[i] !== "\r" && request[i] !== "\n") continue;
    for (let cut = i - 1; cut <= i + 2; cut++) if (cut > 0 && cut < request.length) cuts.add(cut);
  }
  return [...cuts].sort((a, b) => a - b);
}

export function splitSuite(register: RegisterTest): void {
  register("http server internals: every corpus request gets the same answer wherever it is cut in two", async () => {
    const pipes = createWinpipe(createModelKernel());
    const name = uniqueName("split");
    await using _server = createHttp(pipes).serveHttp(
      name,
      async (request) => new Response(request.body === null ? "" : await request.text()),
      { onError: () => {} },
    );
    const wrong: string[] = [];
    let exchanges = 0;
    for (const c of [...INVALID, ...VALID]) {
      for (const cut of cutsOf(c.request)) {
        const parts = [bytes(c.request.slice(0, cut)), bytes(c.request.slice(cut))];
        const until = c.body === undefined ? undefined : (text: string) => text.endsWith(`\r\n\r\n${c.body}`);
        let text: string;
        try {
          ({ text } = await rawExchange(pipes, name, parts, until, 2000, GAP_MS));
        } catch (err) {
          wrong.push(`${c.name}, cut at ${cut} of ${c.request.length}: ${(err as Error).message.slice(0, 120)}`);
          continue;
        }
        exchanges++;
        const got = statuses(text);
        if (got.length !== 1 || got[0] !== c.status || (c.body !== undefined && !until!(text))) {
          wrong.push(`${c.name}, cut at ${cut} of ${c.request.length}: got ${JSON.stringify(got)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(exchanges > 1000, `${exchanges} exchanges`);
  });
}
