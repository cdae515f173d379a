/**
 * The tool in-process over the model: {@linkcode modelHarness}, for the
 * native suites of both runtimes.
 *
 * @module
 */
import { createWinpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { runCli } from "../program.ts";
import type { CliHarness } from "./cli_suite.ts";

/** The tool and the test share one model kernel; standard output and error are collected. */
export function modelHarness(): CliHarness {
  const pipes = createWinpipe(createModelKernel());
  return {
    name: "model",
    pipes,
    async run(args, stdin = "") {
      let stdout = "", stderr = "";
      const decoder = new TextDecoder();
      const code = await runCli(args, {
        pipes,
        stdin: async function* () {
          if (stdin !== "") yield new TextEncoder().encode(stdin);
        },
        stdout: (data) => {
          stdout += typeof data === "string" ? data : decoder.decode(data, { stream: true });
          return Promise.resolve();
        },
        stderr: (line) => void (stderr += line + "\n"),
      });
      return { code, stdout, stderr };
    },
  };
}
