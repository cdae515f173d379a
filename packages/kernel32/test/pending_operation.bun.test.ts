// Reading a status the kernel is storing, in JavaScriptCore (pending_operation_test.ts: the same in
// V8); the scenario is in status_reads.ts.
import { expect, test } from "bun:test";
import { STATUS_PENDING } from "../src/structs.ts";
import { statusReadsWhileStored } from "./status_reads.ts";

test("a status stored by another thread while it is read never reads as a value it did not hold", async () => {
  const seen = await statusReadsWhileStored(500);
  // Both values were read, so stores did land between reads; nothing else was.
  expect(seen.get(STATUS_PENDING) ?? 0).toBeGreaterThan(0);
  expect(seen.get(0) ?? 0).toBeGreaterThan(0);
  expect([...seen.keys()].sort((a, b) => a - b)).toEqual([0, STATUS_PENDING]);
});
