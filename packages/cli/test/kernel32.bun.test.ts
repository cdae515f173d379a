/**
 * Bun entry of the `cli-kernel32-bun` suite: the tool run as a program
 * (`bun packages/cli/bun.ts ...`, what the npm package's `bin` runs)
 * against pipes this test serves over kernel32. Windows only; under the
 * Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- bun test ./packages/cli/test/kernel32.bun.test.ts
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { createWinpipe, Kernel32 } from "@winpipe/bun";
import { onWindows, register, windowsRegister } from "@winpipe/testing/bun";
import { cliSuite } from "./cli_suite.ts";

if (onWindows) {
  const program = fileURLToPath(new URL("../bun.ts", import.meta.url));
  cliSuite(register, {
    name: "kernel32-bun",
    pipes: createWinpipe(new Kernel32()),
    async run(args, stdin = "") {
      const child = Bun.spawn([process.execPath, program, ...args], {
        stdin: new TextEncoder().encode(stdin),
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, NO_COLOR: "1" },
      });
      const [stdout, stderr, code] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      return { code, stdout, stderr };
    },
  });
} else {
  windowsRegister("cli: kernel32-bun", () => {});
}
