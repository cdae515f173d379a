// The test suites of `npm test`, each a label and the commands it runs.
// Commands are run from the repository root (npm runs scripts there).
import { platform } from "node:process";

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const bin = (name) => `node_modules/.bin/${name}`;

/** The files under `dir` whose name ends with `suffix` (bun test would also pick up Deno's *_test.ts). */
function filesEndingWith(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesEndingWith(path, suffix));
    else if (path.endsWith(suffix)) out.push("./" + path);
  }
  return out.sort();
}

/** Type-check, lint and format check of every package. */
const check = {
  label: "check",
  steps: [
    { cmd: "node", args: ["scripts/check.mjs"] },
  ],
};

/** The Deno suites run natively: the model and the API over it. */
const modelDeno = {
  label: "model-deno",
  steps: [
    { cmd: bin("deno"), args: ["test", "--quiet", "-A", "--no-check=remote", "packages/core/test/"] },
  ],
};

/** The same suites under Bun. */
const modelBun = {
  label: "model-bun",
  steps: [
    { cmd: bin("bun"), args: ["test", ...filesEndingWith("packages/core/test", ".bun.test.ts")] },
  ],
};

/** The Windows test bed itself: runtimes start under Wine and reach kernel32. */
const testbed = {
  label: "testbed",
  steps: [{ cmd: "bash", args: ["scripts/wine/selftest/run.sh"], skippable: true }],
};

const windows = platform === "win32" ? [] : [testbed];

export function suitesFor(which) {
  switch (which) {
    case "all":
      return [check, modelDeno, modelBun, ...windows];
    case "native":
      return [check, modelDeno, modelBun];
    case "windows":
      return windows;
    case "check":
      return [check];
    default:
      return undefined;
  }
}
