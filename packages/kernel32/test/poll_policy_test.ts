// PollPolicy's decisions (pure: no kernel32); CompletionPort follows them under Wine
// (the kernel32 suites) and the bench measures what they buy (docs/benchmarks.md).
import assert from "node:assert/strict";
import { PollPolicy } from "../src/poll_policy.ts";

Deno.test("a phase that found nothing skips the next 1, 3, 7, ... operations, up to 63", () => {
  const policy = new PollPolicy({ windowMicros: 1000 });
  const skippedAfter = (misses: number) => {
    for (let i = 0; i < misses; i++) policy.phaseEnded(0);
    let skipped = 0;
    while (!policy.shouldPoll()) skipped++;
    return skipped;
  };
  assert.equal(skippedAfter(1), 1);
  assert.equal(skippedAfter(1), 3);
  assert.equal(skippedAfter(1), 7);
  assert.equal(skippedAfter(10), 63);
  policy.phaseEnded(1);
  assert.equal(policy.shouldPoll(), true);
});

Deno.test("the window is what was configured, in milliseconds; 0 turns polling off", () => {
  const policy = new PollPolicy({ windowMicros: 1000 });
  assert.equal(policy.windowMs, 1);
  assert.equal(policy.expired(10, 10.9), false);
  assert.equal(policy.expired(10, 11), true);
  policy.configure({ windowMicros: 0 });
  assert.equal(policy.shouldPoll(), false);
});

Deno.test("configure keeps the history of misses", () => {
  const policy = new PollPolicy({ windowMicros: 1000 });
  policy.phaseEnded(0);
  policy.configure({ windowMicros: 500 });
  assert.equal(policy.windowMs, 0.5);
  assert.equal(policy.shouldPoll(), false);
  assert.equal(policy.shouldPoll(), true);
});
