/**
 * Deno entry of the `cli-kernel32-deno` suite: the tool run as a program
 * (`deno run --allow-ffi packages/cli/deno.ts ...`, the JSR form's
 * permissions) against pipes this test serves over kernel32. Windows only;
 * under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/cli/test/kernel32_test.ts
 *
 * @module
 */
import { createWinpipe, Kernel32 } from "@winpipe/deno";
import { onWindows, register, windowsRegister } from "@winpipe/testing/deno";
import { cliSuite } from "./cli_suite.ts";

if (onWindows) {
  const program = new URL("../deno.ts", import.meta.url).href;
  cliSuite(register, {
    name: "kernel32-deno",
    pipes: createWinpipe(new Kernel32()),
    async run(args, stdin = "") {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-ffi", program, ...args],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
      const { code, stdout, stderr } = await child.output();
      const decoder = new TextDecoder();
      return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
    },
  });
} else {
  windowsRegister("cli: kernel32-deno", () => {});
}
