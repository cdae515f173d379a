// statusLines and waitForStatus: how the interop tests read a node.exe peer's status file.
import assert from "node:assert/strict";
import { type RegisterTest, statusLines, waitForStatus } from "../../mod.ts";

export function statusLinesTests(register: RegisterTest): void {
  register("status lines: a last line without its newline is left for the next read", () => {
    assert.deepEqual(statusLines('{"phase":"a"}\n{"phase":"b"}\n{"pha'), [{ phase: "a" }, { phase: "b" }]);
    assert.deepEqual(statusLines(""), []);
  });

  register(
    "status lines: a peer that reports and exits while its file is being read is found, not taken for gone",
    async () => {
      // The read starts before the peer writes "done" and gives the old text; the peer exits meanwhile.
      let text = '{"phase":"listening"}\n';
      let exited = false;
      const peer = {
        read: () => {
          const before = text;
          text += '{"phase":"done"}\n';
          exited = true;
          return Promise.resolve(before);
        },
        exited: () => exited,
      };
      assert.deepEqual(await waitForStatus("done", peer, Date.now() + 5000, 1), { phase: "done" });
    },
  );

  register("status lines: an error line, an exit without the phase, and the deadline reject", async () => {
    const gone = { read: () => Promise.resolve('{"phase":"listening"}\n'), exited: () => true };
    await assert.rejects(waitForStatus("done", gone, Date.now() + 5000), /exited before reporting "done"/);
    const failed = { read: () => Promise.resolve('{"phase":"error","message":"boom"}\n'), exited: () => false };
    await assert.rejects(waitForStatus("done", failed, Date.now() + 5000), /node.exe failed: boom/);
    const quiet = { read: () => Promise.resolve(""), exited: () => false };
    await assert.rejects(waitForStatus("done", quiet, Date.now() + 30, 5), /did not report "done" in time/);
  });
}
