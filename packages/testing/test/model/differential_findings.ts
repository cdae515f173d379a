/**
 * Model behaviours pinned after the differential test (model against
 * kernel32) showed the model wrong. Each case names its entry in
 * docs/model-findings.md.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_OPERATION_ABORTED } from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import { assertPending, avail, bytes, pair, rejectsWith, scenario, started, stateOf } from "./helpers.ts";

/** Registers the suite. */
export function differentialFindingTests(register: RegisterTest): void {
  scenario(
    register,
    "M1 CancelIoEx(NULL) aborts every pending write, also one that cancelling an older write would let complete",
    async (k) => {
      // 16-byte buffer: the first write fills it and waits with 8 bytes
      // uncharged; the second waits behind it.
      const p = pair(k, { outBufferSize: 16 });
      const first = started(k.write(p.server, bytes(24)));
      const second = started(k.write(p.server, bytes(16, 100)));
      await assertPending(first, "the first write");
      await assertPending(second, "the second write");
      k.cancelIo(p.server);
      // Cancelled oldest first, the first write's 16 bytes of quota would
      // go to the second write, which would then complete.
      await rejectsWith(first, ERROR_OPERATION_ABORTED, "WriteFile");
      await rejectsWith(second, ERROR_OPERATION_ABORTED, "WriteFile");
      // Both took their bytes with them (H58).
      assert.deepEqual(avail(k, p.client), [0, 0]);
      p.close();
    },
  );

  scenario(
    register,
    "M1 CancelIoEx(NULL) aborts a pending flush behind a pending write instead of completing it",
    async (k) => {
      const p = pair(k, { outBufferSize: 4 });
      const write = started(k.write(p.server, bytes(8)));
      const flush = started(k.flush(p.server));
      assert.equal(await stateOf(flush), "pending");
      k.cancelIo(p.server);
      await rejectsWith(write, ERROR_OPERATION_ABORTED, "WriteFile");
      await rejectsWith(flush, ERROR_OPERATION_ABORTED, "FlushFileBuffers");
      p.close();
    },
  );
}
