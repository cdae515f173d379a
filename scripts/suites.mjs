// The suites of `npm test`: each a label (what its line says), the turbo tasks
// that run it (defined by the packages' package.json scripts and turbo.json),
// and how many of those tasks may run at once. The commands and the list of
// test files of each suite live in one place: the package's own script.
import { platform } from "node:process";

/**
 * @typedef {object} Suite
 * @property {string} label  the line's label, and the directory .reports/LABEL its reports go to
 * @property {string[]} tasks  the turbo tasks (package tasks, and root tasks without their "//#")
 * @property {number} concurrency  how many of its tasks run at once
 * @property {boolean} [windows]  a Windows suite (kernel32; under Wine on Linux)
 */

/** @type {Suite[]} */
const NATIVE = [
  // Type-check, lint and format check of every package and of examples/, bench/ and scripts/.
  { label: "check", tasks: ["check", "check:repository"], concurrency: 2 },
  // The Deno suites run natively: the model and the API over it, the streams, doc examples.
  // Each doc example is a module of its own, run in a fresh isolate (150-190 ms
  // each on a 2-CPU machine, 276 in core alone), so the packages' scripts run
  // them with --parallel: the suite in 58 s instead of 68.
  { label: "model-deno", tasks: ["test:model-deno"], concurrency: 2 },
  // The same under Bun.
  { label: "model-bun", tasks: ["test:model-bun"], concurrency: 2 },
  // @winpipe/http on the model: its server, client and load suites under Deno and Bun, and its doc examples.
  { label: "http-model", tasks: ["test:http-model"], concurrency: 1 },
];

/** @type {Suite[]} */
const WINDOWS = [
  // The Windows test bed itself: the runtimes start under Wine and reach kernel32 (Linux only).
  ...(platform === "win32" ? [] : [{ label: "testbed", tasks: ["test:testbed"], concurrency: 1, windows: true }]),
  // The Deno and Bun kernel32 backends: conformance, differential, interop, processes, robustness.
  { label: "kernel32-deno", tasks: ["test:kernel32-deno"], concurrency: 1, windows: true },
  { label: "kernel32-bun", tasks: ["test:kernel32-bun"], concurrency: 1, windows: true },
  // @winpipe/streams over kernel32, from each runtime.
  { label: "streams-kernel32-deno", tasks: ["test:streams-kernel32-deno"], concurrency: 1, windows: true },
  { label: "streams-kernel32-bun", tasks: ["test:streams-kernel32-bun"], concurrency: 1, windows: true },
  // @winpipe/http over kernel32 from each runtime, with node.exe's http client and server as peers.
  { label: "http-kernel32-deno", tasks: ["test:http-kernel32-deno"], concurrency: 1, windows: true },
  { label: "http-kernel32-bun", tasks: ["test:http-kernel32-bun"], concurrency: 1, windows: true },
  // The winpipe command-line tool (@winpipe/cli) run as a program, from each runtime, against real pipes.
  { label: "cli-kernel32-deno", tasks: ["test:cli-kernel32-deno"], concurrency: 1, windows: true },
  { label: "cli-kernel32-bun", tasks: ["test:cli-kernel32-bun"], concurrency: 1, windows: true },
  // Every example, each in its own process against kernel32.
  { label: "examples", tasks: ["test:examples"], concurrency: 1, windows: true },
  // Every benchmark implementation and case once, at tiny sizes: each must produce a figure.
  { label: "bench-smoke", tasks: ["test:bench-smoke"], concurrency: 1, windows: true },
  // The packages as users get them: published to a local registry, installed into fresh
  // Bun and Deno projects, type-checked there, and run under Wine (source, bundle, executable).
  { label: "consumers", tasks: ["test:consumers"], concurrency: 1, windows: true },
];

/** The suites of a selection: all, native, windows or check; undefined for anything else. */
export function suitesFor(which) {
  switch (which) {
    case "all":
      return [...NATIVE, ...WINDOWS];
    case "native":
      return NATIVE;
    case "windows":
      return WINDOWS;
    case "check":
      return NATIVE.slice(0, 1);
    default:
      return undefined;
  }
}
