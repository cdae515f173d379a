// Finding source files for the test and check scripts.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The files under `dir` whose name ends with `suffix`, sorted, skipping node_modules and dist. */
export function filesEndingWith(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist") continue; // dist: build output (scripts/build.mjs)
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesEndingWith(path, suffix));
    else if (path.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}
