// Reading a status the kernel is storing, in V8 (pending_operation.bun.test.ts: the same in
// JavaScriptCore); the scenario is in status_reads.ts.
import assert from "node:assert/strict";
import { STATUS_PENDING } from "../src/structs.ts";
import { statusReadsWhileStored } from "./status_reads.ts";

Deno.test("a status stored by another thread while it is read never reads as a value it did not hold", async () => {
  const seen = await statusReadsWhileStored(500);
  // Both values were read, so stores did land between reads; nothing else was.
  assert.ok((seen.get(STATUS_PENDING) ?? 0) > 0 && (seen.get(0) ?? 0) > 0, `values read: ${[...seen.keys()]}`);
  assert.deepEqual([...seen.keys()].sort((a, b) => a - b), [0, STATUS_PENDING]);
});
