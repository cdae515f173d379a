/**
 * WaitNamedPipe: immediate success, timeouts, wake-ups.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_FILE_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  ERROR_SEM_TIMEOUT,
  NMPWAIT_USE_DEFAULT_WAIT,
  NMPWAIT_WAIT_FOREVER,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import { assertPending, client, pair, rejectsWith, scenario, server, started, stateOf, uniqueName } from "./helpers.ts";

/** Registers the WaitNamedPipe suite. */
export function waitingTests(register: RegisterTest): void {
  scenario(
    register,
    "B12 WaitNamedPipe returns at once when an instance listens, times out when none does",
    async (k) => {
      const p = pair(k);
      const name2 = uniqueName();
      const other = server(k, { name: name2 });
      assert.equal(await stateOf(k.waitNamedPipe(name2, 5)), "fulfilled");
      const t0 = Date.now();
      await rejectsWith(k.waitNamedPipe(p.name, 20), ERROR_SEM_TIMEOUT, "WaitNamedPipeW");
      assert.ok(Date.now() - t0 >= 15, "the timeout was respected");
      k.close(other);
      p.close();
    },
  );

  scenario(register, "B12 NMPWAIT_USE_DEFAULT_WAIT waits the name's default timeout (0 means 50 ms)", async (k) => {
    const p = pair(k, { defaultTimeout: 0 });
    let t0 = Date.now();
    await rejectsWith(k.waitNamedPipe(p.name, NMPWAIT_USE_DEFAULT_WAIT), ERROR_SEM_TIMEOUT);
    assert.ok(Date.now() - t0 >= 40, `waited ${Date.now() - t0} ms`);
    const q = pair(k, { defaultTimeout: 10 });
    t0 = Date.now();
    await rejectsWith(k.waitNamedPipe(q.name, NMPWAIT_USE_DEFAULT_WAIT), ERROR_SEM_TIMEOUT);
    assert.ok(Date.now() - t0 < 45, `waited ${Date.now() - t0} ms`);
    p.close();
    q.close();
  });

  scenario(register, "B17 a waiting WaitNamedPipe wakes when an instance is created", async (k) => {
    const p = pair(k, { maxInstances: 2 });
    const waiting = started(k.waitNamedPipe(p.name, NMPWAIT_WAIT_FOREVER));
    await assertPending(waiting, "WaitNamedPipe");
    const s2 = server(k, { name: p.name, maxInstances: 2 });
    assert.equal(await stateOf(waiting), "fulfilled");
    k.close(s2);
    p.close();
  });

  scenario(register, "B17 a waiting WaitNamedPipe wakes when a disconnected instance listens again", async (k) => {
    const p = pair(k);
    const waiting = started(k.waitNamedPipe(p.name, 10_000));
    k.close(p.client);
    k.disconnect(p.server);
    await assertPending(waiting, "WaitNamedPipe (disconnected is not listening)");
    const connecting = started(k.connect(p.server));
    assert.equal(await stateOf(waiting), "fulfilled");
    const c = client(k, p.name);
    await connecting;
    k.close(c);
    k.close(p.server);
  });

  scenario(register, "WaitNamedPipe fails with ERROR_FILE_NOT_FOUND when the name ceases to exist", async (k) => {
    const p = pair(k);
    const waiting = started(k.waitNamedPipe(p.name, NMPWAIT_WAIT_FOREVER));
    k.close(p.server);
    await rejectsWith(waiting, ERROR_FILE_NOT_FOUND, "WaitNamedPipeW");
    k.close(p.client);
  });

  scenario(register, "WaitNamedPipe is cancelled by its AbortSignal", async (k) => {
    const p = pair(k);
    const ac = new AbortController();
    const waiting = started(k.waitNamedPipe(p.name, NMPWAIT_WAIT_FOREVER, ac.signal));
    await assertPending(waiting, "WaitNamedPipe");
    ac.abort();
    await rejectsWith(waiting, ERROR_OPERATION_ABORTED, "WaitNamedPipeW");
    await rejectsWith(k.waitNamedPipe(p.name, 1, ac.signal), ERROR_OPERATION_ABORTED);
    p.close();
  });
}
