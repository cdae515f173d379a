#!/usr/bin/env node
// `npm install` ends here: on Linux as root it builds (once, cached outside
// the repo) the Wine test bed that runs the Windows suites. Elsewhere it says
// why it does nothing. On Windows the suites run natively and need nothing.
import { spawnSync } from "node:child_process";
import { platform } from "node:process";

if (process.env.WINPIPE_SKIP_WINE_SETUP === "1") {
  console.log("winpipe: WINPIPE_SKIP_WINE_SETUP=1, not setting up the Wine test bed");
  process.exit(0);
}
if (platform === "win32") process.exit(0);
if (platform !== "linux") {
  console.log(`winpipe: the Wine test bed needs Linux (this is ${platform}); the Windows suites will be skipped`);
  process.exit(0);
}
const result = spawnSync("bash", ["scripts/wine/setup.sh"], { stdio: "inherit" });
if (result.status === 77) {
  console.log("winpipe: this machine cannot host the Wine test bed (see above); the Windows suites will be skipped");
  process.exit(0);
}
process.exit(result.status ?? 1);
