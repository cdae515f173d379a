#!/usr/bin/env node
// The consumers suite (`consumers:` in npm test): winpipe as a user gets it.
// It publishes every package to a local registry and installs them, from
// there, into fresh projects outside the workspace:
//
// - publish readiness: `deno publish --dry-run` (type check, slow types,
//   licences) and `npm pack --dry-run` (only built files, no tests);
// - a Bun project made by `bun init`: `bun add @winpipe/bun`, its default
//   tsconfig type-checks clean, and under Wine a named-pipe echo, a
//   `spawn` with piped output and an HTTP exchange with a WebSocket
//   (@winpipe/http, a dependency of the runtime packages) run from source, from a `bun build` bundle
//   (alone in a directory, no node_modules) and as a `bun build --compile`
//   executable;
// - a Deno project: `deno add npm:@winpipe/deno`, `deno check` clean, the
//   same programs under Wine with `--allow-ffi` as the only permission;
// - a Deno project on the JSR-shaped packages: the file set the dry run
//   would publish, copied out and used through `links`;
// - in each project a planted type error is caught by the type check.
//
// Under Wine the projects are bound at /srv/consumers, not under /mnt: bun.exe
// cannot resolve packages with an exports map on a path through a tmpfs
// (docs/windows-test-bed.md).
//
// The packages must be built first (turbo.json makes the task depend on
// every package's `build`). The programs are scripts/consumers/programs/.
// Everything happens in a throwaway directory under the system's temporary
// directory (kept with WINPIPE_KEEP_CONSUMERS=1); with WINPIPE_JUNIT set each
// step is a case of a JUnit report.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FAILED, PASSED, secondsSince, SKIPPED, writeReport } from "../junit.mjs";
import { npmrc, startRegistry } from "./registry.mjs";
import { bump, packageDirs } from "../bump.mjs";
import { builtExport, manifestProblems, sourceExports, sourceVersion, VERSION_SOURCE } from "../packages.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const programs = join(root, "scripts", "consumers", "programs");
const bin = (name) => join(root, "node_modules", ".bin", name);
/** Every package of the workspace (the directory names under packages/). */
const PACKAGES = readdirSync(join(root, "packages")).filter((dir) =>
  existsSync(join(root, "packages", dir, "package.json"))
);
const PROGRAMS = ["echo.ts", "spawn.ts", "http.ts"];
const PLANTED = "planted_type_error.ts";
const WINE_SKIPPED = 77;

const work = mkdtempSync(join(tmpdir(), "winpipe-consumers-"));
const cases = [];
const baseEnv = { ...process.env, NO_COLOR: "1", NPM_CONFIG_UPDATE_NOTIFIER: "false", DENO_NO_UPDATE_CHECK: "1" };

/** Runs a command; returns { ok, output }. */
function run(command, args, { cwd = root, env = {}, timeout = 300_000 } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...baseEnv, ...env },
    encoding: "utf8",
    timeout,
    maxBuffer: 64 << 20,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
  return { ok: result.status === 0, status: result.status, output };
}

/** Thrown by a case that cannot run on this machine (it is skipped, with the reason). */
class Skip extends Error {}

/**
 * One case: `fn` returns nothing (passed), throws a Skip (skipped) or
 * throws anything else (failed, with its message). A case whose
 * prerequisites failed is failed too, naming them; one whose prerequisites
 * were skipped is skipped. Its time is how long `fn` took, or `seconds`
 * when the work was done elsewhere (the Wine cases run together).
 */
function step(name, fn, { needs = [], seconds } = {}) {
  const missing = needs.filter((need) => need.outcome === FAILED).map((need) => need.name);
  const skipped = needs.filter((need) => need.outcome === SKIPPED).map((need) => need.name);
  const record = { name, outcome: PASSED };
  if (missing.length > 0) {
    record.outcome = FAILED;
    record.message = `not run: ${missing.join(", ")} did not pass`;
  } else if (skipped.length > 0) {
    record.outcome = SKIPPED;
    record.message = `not run: ${skipped.join(", ")} was skipped`;
  } else {
    const start = performance.now();
    try {
      fn();
    } catch (err) {
      record.outcome = err instanceof Skip ? SKIPPED : FAILED;
      record.message = err instanceof Error ? err.message : String(err);
    }
    record.seconds = seconds ?? secondsSince(start);
  }
  cases.push(record);
  console.log(`consumers: ${{ [PASSED]: "ok", [FAILED]: "FAILED", [SKIPPED]: "skipped" }[record.outcome]} ${name}`);
  if (record.message) console.log(indent(record.message));
  return record;
}

const indent = (text) => text.trimEnd().split("\n").slice(-40).map((line) => `    ${line}`).join("\n");
function must({ ok, output }, what) {
  if (!ok) throw new Error(`${what} failed:\n${output}`);
  return output;
}

/** Files of a publish file set that are tests, benches or fixtures (none may be). */
const notForUsers = (files) =>
  files.filter((file) => /(^|\/)(test|tests|bench|fixtures)\//.test(file) || /[._]test\.ts$/.test(file));

let wineEnv;
/** The test bed's settings (`run.sh --print-env`: WINPIPE_BUN_EXE, ...), or {} where it cannot run. */
function wineEnvironment() {
  if (wineEnv === undefined) {
    const { ok, output } = run("bash", [join(root, "scripts", "wine", "run.sh"), "--print-env"]);
    wineEnv = ok
      ? Object.fromEntries([...output.matchAll(/^(\w+)=(.*)$/gm)].map(([, name, value]) => [name, unquote(value)]))
      : {};
  }
  return wineEnv;
}

/** A value as `run.sh --print-env` writes it (maybe single-quoted for the shell). */
const unquote = (value) => value.startsWith("'") ? value.slice(1, -1).replaceAll(`'\\''`, "'") : value;

// --- Publish readiness -------------------------------------------------------

/** Per package, the files `deno publish` would upload (relative to the package). */
const jsrFiles = {};
const dryRun = step("deno publish --dry-run: type check, slow types, licences, no tests in any file set", () => {
  const output = must(run(bin("deno"), ["publish", "--dry-run", "--allow-dirty"]), "deno publish --dry-run");
  if (/warning/i.test(output)) throw new Error(`the dry run warned:\n${output}`);
  let current;
  for (const line of output.split("\n")) {
    const heading = line.match(/Simulating publish of (@winpipe\/[\w-]+)@/);
    if (heading) current = jsrFiles[heading[1]] = [];
    const file = line.match(/^\s+file:\/\/(\S+)/);
    if (file && current) current.push(file[1]);
  }
  for (const name of PACKAGES.map((p) => `@winpipe/${p}`)) {
    const files = jsrFiles[name];
    if (!files || files.length === 0) throw new Error(`the dry run listed no files for ${name}`);
    const dir = join(root, "packages", name.slice("@winpipe/".length));
    jsrFiles[name] = files.map((file) => relative(dir, file).replaceAll("\\", "/"));
    const wrong = notForUsers(jsrFiles[name]);
    if (wrong.length > 0) throw new Error(`${name} would publish ${wrong.join(", ")}`);
  }
});

const built = step("every package is built (dist/ with JavaScript and .d.ts)", () => {
  const missing = PACKAGES.filter((p) => {
    const dir = join(root, "packages", p);
    return Object.values(sourceExports(dir)).some((source) => {
      const { types, default: js } = builtExport(source);
      return !existsSync(join(dir, js)) || !existsSync(join(dir, types));
    });
  });
  if (missing.length > 0) throw new Error(`not built: ${missing.join(", ")} (run \`npm run build\`)`);
});

const packed = step("npm pack --dry-run: only built files, README, LICENSE and package.json", () => {
  // One npm for every workspace: npm's start-up costs more than a package's pack.
  const output = must(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--workspaces"]), "npm pack");
  const packs = new Map(JSON.parse(output.slice(output.indexOf("["))).map((pack) => [pack.name, pack]));
  for (const p of PACKAGES) {
    const pack = packs.get(`@winpipe/${p}`);
    if (pack === undefined) throw new Error(`npm pack --workspaces did not pack @winpipe/${p}`);
    const files = pack.files.map((f) => f.path);
    const stray = files.filter((file) =>
      !/^dist\/.*\.(js|d\.ts)$/.test(file) && !["README.md", "LICENSE", "package.json"].includes(file)
    );
    if (stray.length > 0) throw new Error(`@winpipe/${p} would pack ${stray.join(", ")}`);
    const entries = Object.values(sourceExports(join(root, "packages", p))).map(builtExport);
    const builtFiles = entries.flatMap(({ types, default: js }) => [types, js].map((f) => f.replace(/^\.\//, "")));
    for (const wanted of [...builtFiles, "LICENSE", "README.md"]) {
      if (!files.includes(wanted)) throw new Error(`@winpipe/${p} would not pack ${wanted}`);
    }
  }
}, { needs: [built] });

step("npm run bump: one command moves every package, its dependencies and the changelog to a version", () => {
  // On a copy of the manifests, so that the repository stays as it is.
  const copy = join(work, "bump");
  for (const dir of packageDirs(root)) {
    for (const file of ["package.json", "deno.json", VERSION_SOURCE]) {
      if (existsSync(join(dir, file))) cpSync(join(dir, file), join(copy, relative(root, dir), file));
    }
  }
  for (const file of ["tsconfig.json", "CHANGELOG.md"]) cpSync(join(root, file), join(copy, file));
  const names = bump(copy, "0.99.0", "2099-01-02");
  if (names.length !== PACKAGES.length) throw new Error(`bumped ${names.join(", ")}`);
  for (const dir of packageDirs(copy)) {
    const npm = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (npm.version !== "0.99.0") throw new Error(`${npm.name} is at ${npm.version}`);
    const problems = manifestProblems(dir, copy);
    if (problems.length > 0) throw new Error(`${npm.name}: ${problems.join("; ")}`);
  }
  // The CLI's --version comes from its source, which bump moves with the manifests.
  const cliVersion = sourceVersion(join(copy, "packages", "cli"));
  if (cliVersion !== "0.99.0") throw new Error(`@winpipe/cli's ${VERSION_SOURCE} is at ${cliVersion}`);
  const changelog = readFileSync(join(copy, "CHANGELOG.md"), "utf8");
  if (!/^## \[Unreleased\]\n\n## \[0\.99\.0\] - 2099-01-02\n/m.test(changelog)) {
    throw new Error("CHANGELOG.md did not get the release heading under an empty Unreleased section");
  }
});

// --- The registry ------------------------------------------------------------

let registry;
try {
  registry = await startRegistry(root, work);
} catch (err) {
  console.log(`consumers: the registry did not start: ${err.message}`);
}
const userconfig = join(work, "publisher.npmrc");
const published = step("publish every package to a local registry (verdaccio)", () => {
  if (!registry) throw new Error("the registry did not start (see verdaccio.log)");
  writeFileSync(userconfig, npmrc(registry.url, registry.token));
  const output = must(
    run("npm", ["publish", "--ignore-scripts", "--workspaces", "--userconfig", userconfig]),
    "npm publish",
  );
  const missing = PACKAGES.filter((p) => !output.includes(`+ @winpipe/${p}@`));
  if (missing.length > 0) throw new Error(`npm publish --workspaces did not publish ${missing.join(", ")}:\n${output}`);
}, { needs: [packed] });

try {
  // --- A Bun project ---------------------------------------------------------

  const bunApp = join(work, "bun-app");
  const bunEnv = { BUN_INSTALL_CACHE_DIR: join(work, "bun-cache") };
  const bunInstalled = step("bun: `bun init`, then `bun add @winpipe/bun` from the registry", () => {
    mkdirSync(bunApp);
    must(run(bin("bun"), ["init", "-y"], { cwd: bunApp, env: bunEnv }), "bun init");
    writeFileSync(join(bunApp, "bunfig.toml"), `[install.scopes]\n"@winpipe" = "${registry.url}"\n`);
    must(run(bin("bun"), ["add", "@winpipe/bun"], { cwd: bunApp, env: bunEnv }), "bun add @winpipe/bun");
    const installed = JSON.parse(
      readFileSync(join(bunApp, "node_modules", "@winpipe", "core", "package.json"), "utf8"),
    );
    if (!existsSync(join(bunApp, "node_modules", "@winpipe", "bun", "dist", "mod.js"))) {
      throw new Error("@winpipe/bun was installed without dist/mod.js");
    }
    console.log(`    installed @winpipe/core ${installed.version} as a dependency of @winpipe/bun`);
    copyPrograms(bunApp, "@winpipe/bun");
  }, { needs: [published] });

  step(
    "bun: `bunx @winpipe/cli --help` runs the winpipe tool from the registry, without installing it; --version is the published one",
    () => {
      // bunx installs into a cache of its own, outside the project: the project's bunfig.toml scope does
      // not reach it, so the registry comes from the environment (every @winpipe dependency is there).
      const env = { ...bunEnv, BUN_CONFIG_REGISTRY: registry.url };
      const result = must(run(bin("bun"), ["x", "@winpipe/cli", "--help"], { cwd: bunApp, env }), "bunx @winpipe/cli");
      for (const command of ["ls", "info", "send", "call", "listen", "cat"]) {
        if (!new RegExp(`^\\s+${command}\\b`, "m").test(result)) {
          throw new Error(`the help lists no ${command}:\n${result}`);
        }
      }
      const version = must(run(bin("bun"), ["x", "@winpipe/cli", "--version"], { cwd: bunApp, env }), "bunx --version");
      const wanted = JSON.parse(readFileSync(join(root, "packages", "cli", "package.json"), "utf8")).version;
      if (!version.split("\n").includes(`winpipe ${wanted}`)) {
        throw new Error(`--version printed no "winpipe ${wanted}":\n${version}`);
      }
    },
    { needs: [bunInstalled] },
  );

  const tsc = () =>
    existsSync(join(bunApp, "node_modules", ".bin", "tsc")) ? join(bunApp, "node_modules", ".bin", "tsc") : bin("tsc");
  step("bun: the default tsconfig of `bun init` type-checks the programs clean (tsc)", () => {
    must(run(tsc(), ["--noEmit", "-p", "."], { cwd: bunApp }), "tsc");
  }, { needs: [bunInstalled] });
  step("bun: a planted type error is caught (tsc)", () => {
    expectPlantedError(bunApp, () => run(tsc(), ["--noEmit", "-p", "."], { cwd: bunApp }));
  }, { needs: [bunInstalled] });

  const bunBundle = join(work, "bun-bundle");
  const bundled = step("bun: `bun build` bundles each program into one file", () => {
    must(
      run(bin("bun"), ["build", ...PROGRAMS, "--target", "bun", "--outdir", bunBundle], { cwd: bunApp }),
      "bun build",
    );
    for (const program of PROGRAMS) {
      const file = join(bunBundle, program.replace(/\.ts$/, ".js"));
      if (!readFileSync(file, "utf8").includes("runOffThreadCalls")) {
        throw new Error(`${file} does not carry the worker's program`);
      }
    }
  }, { needs: [bunInstalled] });

  // bun.exe cannot build under Wine ("ENOENT opening root directory",
  // docs/windows-test-bed.md), so the executables are cross-compiled here, as
  // on any Linux machine, from the test bed's bun.exe (the same version as
  // this bun) instead of one Bun would download.
  const windowsBun = wineEnvironment().WINPIPE_BUN_EXE;
  const compiled = step("bun: `bun build --compile --target=bun-windows-x64` of each program", () => {
    if (windowsBun === undefined || !existsSync(windowsBun)) {
      throw new Skip("no test bed here, so no bun.exe to build with");
    }
    for (const program of PROGRAMS) {
      const exe = join(work, "compiled", program.replace(/\.ts$/, ".exe"));
      must(
        run(bin("bun"), [
          "build",
          "--compile",
          "--target=bun-windows-x64",
          `--compile-executable-path=${windowsBun}`,
          program,
          "--outfile",
          exe,
        ], { cwd: bunApp }),
        `bun build --compile ${program}`,
      );
    }
  }, { needs: [bunInstalled] });

  // --- A Deno project on the npm packages --------------------------------------

  const denoApp = join(work, "deno-app");
  const denoEnv = { DENO_DIR: join(work, "deno-dir") };
  const denoInstalled = step("deno: `deno add npm:@winpipe/deno` from the registry", () => {
    mkdirSync(denoApp);
    // Deno refuses npm versions published less than a day ago unless told
    // otherwise (its minimum dependency age); these were published seconds ago.
    writeFileSync(join(denoApp, "deno.json"), `${JSON.stringify({ minimumDependencyAge: "0" })}\n`);
    writeFileSync(join(denoApp, ".npmrc"), npmrc(registry.url, registry.token));
    must(run(bin("deno"), ["add", "npm:@winpipe/deno"], { cwd: denoApp, env: denoEnv }), "deno add");
    const imports = JSON.parse(readFileSync(join(denoApp, "deno.json"), "utf8")).imports ?? {};
    if (!String(imports["@winpipe/deno"]).startsWith("npm:@winpipe/deno@")) {
      throw new Error(`deno add wrote imports ${JSON.stringify(imports)}`);
    }
    copyPrograms(denoApp, "@winpipe/deno");
  }, { needs: [published] });
  step("deno: `deno check` of the programs is clean", () => {
    must(run(bin("deno"), ["check", ...PROGRAMS], { cwd: denoApp, env: denoEnv }), "deno check");
  }, { needs: [denoInstalled] });
  step("deno: a planted type error is caught (deno check)", () => {
    expectPlantedError(denoApp, () => run(bin("deno"), ["check", PLANTED], { cwd: denoApp, env: denoEnv }));
  }, { needs: [denoInstalled] });

  // --- A Deno project on the JSR-shaped packages -------------------------------

  const jsrApp = join(work, "deno-jsr-app");
  const jsrInstalled = step("deno (JSR): the dry run's file sets, used through `links`", () => {
    const links = [];
    for (const [name, files] of Object.entries(jsrFiles)) {
      const from = join(root, "packages", name.slice("@winpipe/".length));
      const to = join(work, "jsr", name.slice("@winpipe/".length));
      for (const file of files) cpSync(join(from, file), join(to, file));
      links.push(`../jsr/${name.slice("@winpipe/".length)}`);
    }
    mkdirSync(jsrApp);
    writeFileSync(
      join(jsrApp, "deno.json"),
      JSON.stringify({ links, imports: { "@winpipe/deno": "jsr:@winpipe/deno@^0.1.0" } }, null, 2) + "\n",
    );
    copyPrograms(jsrApp, "@winpipe/deno");
  }, { needs: [dryRun] });
  step("deno (JSR): `deno check` of the programs is clean", () => {
    must(run(bin("deno"), ["check", ...PROGRAMS], { cwd: jsrApp, env: denoEnv }), "deno check");
  }, { needs: [jsrInstalled] });
  step("deno (JSR): a planted type error is caught (deno check)", () => {
    expectPlantedError(jsrApp, () => run(bin("deno"), ["check", PLANTED], { cwd: jsrApp, env: denoEnv }));
  }, { needs: [jsrInstalled] });

  // --- The programs on Windows (one Wine run) ----------------------------------

  const windowsRuns = [];
  const windows = (name, needs, dir, command) => windowsRuns.push({ name, needs, dir, command });
  for (const program of PROGRAMS) {
    const stem = program.replace(/\.ts$/, "");
    windows(`bun: ${stem} runs from source`, [bunInstalled], "bun-app", `wine /win/bun.exe ${program}`);
    windows(`bun: ${stem} runs from its bundle`, [bundled], "bun-bundle", `wine /win/bun.exe ${stem}.js`);
    windows(`bun: ${stem} runs as a \`bun build --compile\` executable`, [compiled], "compiled", `wine ./${stem}.exe`);
    windows(
      `deno: ${stem} runs with --allow-ffi only`,
      [denoInstalled],
      "deno-app",
      `wine /win/deno.exe run --allow-ffi ${program}`,
    );
    windows(
      `deno (JSR): ${stem} runs with --allow-ffi only`,
      [jsrInstalled],
      "deno-jsr-app",
      `wine /win/deno.exe run --allow-ffi ${program}`,
    );
  }
  // The winpipe tool from its JSR-shaped package, with --allow-ffi only: a pipe that does not exist
  // is exit code 3 (it reached kernel32 and got ERROR_FILE_NOT_FOUND).
  windows(
    "deno (JSR): `deno run --allow-ffi jsr:@winpipe/cli info` of a missing pipe exits 3",
    [jsrInstalled],
    "deno-jsr-app",
    "out=$(wine /win/deno.exe run --allow-ffi jsr:@winpipe/cli info winpipe-consumers-no-such-pipe 2>&1); " +
      'code=$?; echo "$out"; [ $code -eq 3 ] && echo "$out" | grep -q ERROR_FILE_NOT_FOUND && ' +
      'echo "winpipe-consumer: cli ok"',
  );
  runOnWindows(windowsRuns);
} finally {
  await registry?.stop();
}

/** Copies the programs into a project, importing `runtimePackage`. */
function copyPrograms(dir, runtimePackage) {
  for (const program of [...PROGRAMS, PLANTED]) {
    const text = readFileSync(join(programs, program), "utf8").replaceAll('"@winpipe/deno"', `"${runtimePackage}"`);
    writeFileSync(join(dir, program), text);
  }
}

/**
 * Takes the `@ts-expect-error` line out of the planted program, runs the
 * project's type check, and puts the program back: the check must fail,
 * naming that program.
 */
function expectPlantedError(dir, check) {
  const file = join(dir, PLANTED);
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.split("\n").filter((line) => !line.includes("@ts-expect-error")).join("\n"));
  try {
    const { ok, output } = check();
    if (ok) throw new Error("the type check passed with the planted error");
    if (!output.includes(PLANTED)) throw new Error(`the type check failed elsewhere:\n${output}`);
  } finally {
    writeFileSync(file, original);
  }
}

/**
 * Runs the Windows cases in one Wine run (scripts/wine/run.sh), the work
 * directory shown at /srv/consumers, each command with a time limit; a
 * case's outcome is its command's exit status. When this machine cannot
 * host Wine, the cases are skipped and say so.
 */
function runOnWindows(runs) {
  const ready = runs.filter((r) => r.needs.every((need) => need.outcome === PASSED));
  // The others are failed or skipped, as their prerequisites were.
  for (const r of runs.filter((r) => !ready.includes(r))) {
    step(r.name, () => {}, { needs: r.needs });
  }
  if (ready.length === 0) return;
  const script = ready.map((r, i) =>
    [
      `cd /srv/consumers/${r.dir}`,
      `started=$(date +%s%N)`,
      `timeout -k 5 180 bash -c ${shellQuote(r.command)} > /srv/consumers/windows-${i}.log 2>&1`,
      `echo "winpipe-consumers-case ${i} $? $(( ($(date +%s%N) - started) / 1000000 ))"`,
    ].join("\n")
  ).join("\n");
  writeFileSync(join(work, "windows.sh"), script + "\n");
  const result = run(
    "bash",
    [
      join(root, "scripts", "wine", "run.sh"),
      "--timeout",
      String(240 * ready.length),
      "--bind",
      `${work}:/srv/consumers`,
      "--env",
      String.raw`DENO_DIR=Z:\srv\consumers\deno-dir-windows`,
      "--",
      "bash /srv/consumers/windows.sh",
    ],
    { timeout: 250_000 * ready.length },
  );
  if (result.status === WINE_SKIPPED) {
    for (const r of ready) {
      cases.push({ name: r.name, outcome: SKIPPED, message: "this machine cannot host the Wine test bed" });
      console.log(`consumers: skipped ${r.name} (no Wine test bed here)`);
    }
    return;
  }
  const statuses = new Map(), milliseconds = new Map();
  for (const match of result.output.matchAll(/^winpipe-consumers-case (\d+) (\d+) (\d+)$/gm)) {
    statuses.set(Number(match[1]), Number(match[2]));
    milliseconds.set(Number(match[1]), Number(match[3]));
  }
  ready.forEach((r, i) => {
    step(r.name, () => {
      const log = existsSync(join(work, `windows-${i}.log`))
        ? readFileSync(join(work, `windows-${i}.log`), "utf8")
        : "";
      if (!statuses.has(i)) throw new Error(`the Wine run ended before this case:\n${result.output}`);
      if (statuses.get(i) !== 0) throw new Error(`exit status ${statuses.get(i)}:\n${log}`);
      if (!/winpipe-consumer: \w+ ok/.test(log)) throw new Error(`the program did not report success:\n${log}`);
    }, { seconds: milliseconds.has(i) ? milliseconds.get(i) / 1000 : undefined });
  });
}

function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

if (process.env.WINPIPE_JUNIT) writeReport(process.env.WINPIPE_JUNIT, "consumers", cases);
if (process.env.WINPIPE_KEEP_CONSUMERS === "1") console.log(`consumers: the projects are kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
const failed = cases.filter((c) => c.outcome === FAILED).length;
const passed = cases.filter((c) => c.outcome === PASSED).length;
console.log(`consumers: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
