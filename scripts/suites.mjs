// The test suites of `npm test`, each a label and the commands it runs.
// Commands are run from the repository root (npm runs scripts there).
import { platform } from "node:process";

import { filesEndingWith } from "./files.mjs";

const bin = (name) => `node_modules/.bin/${name}`;

/** bun test would also pick up Deno's *_test.ts: its files are listed, as paths bun takes literally. */
const bunFiles = (dir) => filesEndingWith(dir, ".bun.test.ts").map((path) => "./" + path);

/** The @winpipe/streams suites over the Bun kernel32 backend: Windows only, so not part of model-bun. */
const STREAMS_KERNEL32_BUN = "./packages/streams/test/kernel32.bun.test.ts";

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
    {
      cmd: bin("deno"),
      args: [
        "test",
        "--quiet",
        "-A",
        "packages/core/test/",
        "packages/deno/test/native/",
        "packages/streams/test/streams_test.ts",
      ],
    },
    // Every JSDoc example of the runtime-agnostic packages runs against the model.
    {
      cmd: bin("deno"),
      args: [
        "test",
        "--quiet",
        "-A",
        "--doc",
        "packages/core/mod.ts",
        "packages/core/model.ts",
        "packages/core/testing.ts",
        "packages/core/src",
        "packages/streams/mod.ts",
        "packages/streams/src",
      ],
    },
  ],
};

/** The same suites under Bun. */
const modelBun = {
  label: "model-bun",
  steps: [
    {
      cmd: bin("bun"),
      args: [
        "test",
        ...bunFiles("packages/core/test"),
        // kernel32.bun.test.ts needs Windows: it runs in streams-kernel32-bun.
        ...bunFiles("packages/streams/test").filter((path) => path.replaceAll("\\", "/") !== STREAMS_KERNEL32_BUN),
        // @winpipe/bun off Windows: importing works, using it throws one clear Error.
        ...bunFiles("packages/bun/test/native"),
      ],
    },
  ],
};

/**
 * @winpipe/http on the model, natively: the server, client and load suites
 * under Deno and Bun, and the package's doc examples.
 */
const httpModel = {
  label: "http-model",
  steps: [
    { cmd: bin("deno"), args: ["test", "--quiet", "-A", "packages/http/test/model_test.ts"] },
    { cmd: bin("deno"), args: ["test", "--quiet", "-A", "--doc", "packages/http/mod.ts", "packages/http/src"] },
    { cmd: bin("bun"), args: ["test", "./packages/http/test/model.bun.test.ts"] },
  ],
};

/** The Windows test bed itself: runtimes start under Wine and reach kernel32. */
const testbed = {
  label: "testbed",
  steps: [{ cmd: "bash", args: ["scripts/wine/selftest/run.sh"], skippable: true }],
};

/**
 * A command of the Windows suites: under Wine through scripts/wine/run.sh
 * (exit 77 there means this machine cannot host Wine: the suite is skipped
 * with its reason), or natively on Windows.
 */
function onWindows(runtime, args, timeoutSeconds) {
  if (platform === "win32") return { cmd: bin(runtime), args, shell: true };
  return {
    cmd: "bash",
    args: ["scripts/wine/run.sh", "--timeout", String(timeoutSeconds), "--env", "NO_COLOR=1", "--", runtime, ...args],
    skippable: true,
  };
}

/** The Deno kernel32 backend: the conformance suite and the backend's own tests. */
const kernel32Deno = {
  label: "kernel32-deno",
  steps: [
    onWindows("deno", ["test", "--quiet", "-A", "--ignore=packages/deno/test/native", "packages/deno/test/"], 1200),
  ],
};

/**
 * The Bun kernel32 backend: the conformance suite, the backend's own tests,
 * the differential test, the Deno/Bun interop test (which also runs
 * deno.exe) and the process suite (bun.exe children). Listed one by one:
 * bun test would also pick up Deno's files.
 */
const kernel32Bun = {
  label: "kernel32-bun",
  steps: [
    onWindows("bun", [
      "test",
      "./packages/bun/test/conformance.bun.test.ts",
      "./packages/bun/test/abort.bun.test.ts",
      "./packages/bun/test/concurrency.bun.test.ts",
      "./packages/bun/test/event_loop.bun.test.ts",
      "./packages/bun/test/handle_release.bun.test.ts",
      "./packages/bun/test/gc.bun.test.ts",
      "./packages/bun/test/exit.bun.test.ts",
      "./packages/bun/test/interop.bun.test.ts",
      "./packages/bun/test/differential.bun.test.ts",
      "./packages/bun/test/process.bun.test.ts",
      "./packages/bun/test/robustness.bun.test.ts",
    ], 1200),
  ],
};

/** The @winpipe/streams suites over kernel32 (Deno): the same suites as model-deno's, on the real kernel. */
const streamsKernel32Deno = {
  label: "streams-kernel32-deno",
  steps: [onWindows("deno", ["test", "--quiet", "-A", "packages/streams/test/kernel32_test.ts"], 600)],
};

/** The same @winpipe/streams suites over kernel32 through the Bun backend. */
const streamsKernel32Bun = {
  label: "streams-kernel32-bun",
  steps: [onWindows("bun", ["test", STREAMS_KERNEL32_BUN], 600)],
};

/**
 * @winpipe/http on kernel32 through @winpipe/deno: the model's suites on real
 * pipes (the corpus sent raw), and interop with node.exe's http module.
 */
const httpKernel32Deno = {
  label: "http-kernel32-deno",
  steps: [onWindows("deno", ["test", "--quiet", "-A", "packages/http/test/kernel32_test.ts"], 600)],
};

/** The same through @winpipe/bun. */
const httpKernel32Bun = {
  label: "http-kernel32-bun",
  steps: [onWindows("bun", ["test", "./packages/http/test/kernel32.bun.test.ts"], 600)],
};

/** Every example, each run in its own process against kernel32: exit code 0 and the lines it must print. */
const examples = {
  label: "examples",
  steps: [onWindows("deno", ["test", "--quiet", "-A", "examples/smoke_test.ts"], 600)],
};

/** Every benchmark implementation and case once, at tiny sizes: each must produce a sane number. */
const benchSmoke = {
  label: "bench-smoke",
  steps: [{ cmd: "node", args: ["bench/run.mjs", "--smoke"] }],
};

const windows = platform === "win32"
  ? [
    kernel32Deno,
    kernel32Bun,
    streamsKernel32Deno,
    streamsKernel32Bun,
    httpKernel32Deno,
    httpKernel32Bun,
    examples,
    benchSmoke,
  ]
  : [
    testbed,
    kernel32Deno,
    kernel32Bun,
    streamsKernel32Deno,
    streamsKernel32Bun,
    httpKernel32Deno,
    httpKernel32Bun,
    examples,
    benchSmoke,
  ];

export function suitesFor(which) {
  switch (which) {
    case "all":
      return [check, modelDeno, modelBun, httpModel, ...windows];
    case "native":
      return [check, modelDeno, modelBun, httpModel];
    case "windows":
      return windows;
    case "check":
      return [check];
    default:
      return undefined;
  }
}
