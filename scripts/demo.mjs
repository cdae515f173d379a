#!/usr/bin/env node
// `npm run demo`: runs the demo examples against the real kernel32 and exits
// with the first failing exit code (0 when every demo ran). On Windows they
// run natively; elsewhere under the Wine test bed (scripts/wine/run.sh, which
// exits 77 on a machine that cannot host it: docs/windows-test-bed.md), all
// in one run so that they share Wine's start-up.
//
// The demos are a subset of examples/ (see examples/README.md); add an
// example here when it makes a good first impression and ends by itself.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { platform } from "node:process";

const DEMOS = ["examples/process_output.ts", "examples/message_service.ts"];

const root = fileURLToPath(new URL("..", import.meta.url));

function exitWith(result) {
  if (result.error) {
    console.error(`demo: ${result.error.message}`);
    process.exit(127);
  }
  return result.status ?? 1;
}

if (platform === "win32") {
  for (const demo of DEMOS) {
    console.log(`\n=== ${demo} ===`);
    const status = exitWith(
      spawnSync("node_modules/.bin/deno", ["run", "-A", demo], { cwd: root, stdio: "inherit", shell: true }),
    );
    if (status !== 0) process.exit(status);
  }
} else {
  // One shell command line inside the test bed: each demo in turn, stopping at the first failure.
  const line = DEMOS.map((demo) => `echo && echo '=== ${demo} ===' && deno run -A ${demo}`).join(" && ");
  const status = exitWith(
    spawnSync("bash", ["scripts/wine/run.sh", "--timeout", "300", "--env", "NO_COLOR=1", "--", line], {
      cwd: root,
      stdio: "inherit",
    }),
  );
  if (status !== 0) process.exit(status);
}
