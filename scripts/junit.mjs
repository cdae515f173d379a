// JUnit XML, the machine-readable report every suite of `npm test` writes
// (deno test --junit-path, bun test --reporter=junit, and our own scripts
// through writeReport), and how scripts/test.mjs counts it. Counting the
// runners' reports instead of their console text means a runner upgrade
// that rewords its summary cannot silently change the counts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The outcome of one test case. */
export const PASSED = "passed", FAILED = "failed", SKIPPED = "skipped";

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };
const unescapeXml = (text) => text.replace(/&(lt|gt|quot|apos|amp);/g, (m) => ENTITIES[m]);
const escapeXml = (text) =>
  String(text).replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c],
  );

/**
 * The test cases of one JUnit document: `{ name, outcome, message }` for each
 * <testcase>. A case with <failure> or <error> failed, one with <skipped>
 * was skipped, any other passed.
 */
export function parseReport(xml) {
  const cases = [];
  const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(testcase)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(match[1])?.[1] ?? "");
    const classname = unescapeXml(/\bclassname="([^"]*)"/.exec(match[1])?.[1] ?? "");
    const body = match[3] ?? "";
    const failure = /<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    const outcome = failure ? FAILED : /<skipped\b/.test(body) ? SKIPPED : PASSED;
    const message = failure ? unescapeXml(/\bmessage="([^"]*)"/.exec(failure[2])?.[1] ?? failure[4] ?? "") : "";
    cases.push({ name, classname, outcome, message });
  }
  return cases;
}

/** The .xml reports in `dir`, parsed; an empty list when the directory does not exist. */
export function readReports(dir) {
  let files;
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".xml")).sort();
  } catch {
    return [];
  }
  return files.map((file) => ({ file: join(dir, file), cases: parseReport(readFileSync(join(dir, file), "utf8")) }));
}

/** The seconds since `start` (a `performance.now()`): a case's `seconds` for {@link writeReport}. */
export const secondsSince = (start) => (performance.now() - start) / 1000;

/**
 * Writes a JUnit report of `cases` (`{ name, outcome, message, seconds }`) to
 * `path`, as suite `suiteName`. `seconds`, when given, becomes the case's
 * `time`, as the runners write it: where a suite's minutes go.
 */
export function writeReport(path, suiteName, cases) {
  const count = (outcome) => cases.filter((c) => c.outcome === outcome).length;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${count(FAILED)}" skipped="${
      count(SKIPPED)
    }">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${count(FAILED)}" skipped="${
      count(SKIPPED)
    }">`,
  ];
  for (const c of cases) {
    const time = c.seconds === undefined ? "" : ` time="${c.seconds.toFixed(3)}"`;
    const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(suiteName)}"${time}`;
    if (c.outcome === PASSED) lines.push(`${open}/>`);
    else if (c.outcome === SKIPPED) lines.push(`${open}><skipped message="${escapeXml(c.message ?? "")}"/></testcase>`);
    else lines.push(`${open}><failure message="${escapeXml(c.message ?? "failed")}"/></testcase>`);
  }
  lines.push(`  </testsuite>`, `</testsuites>`, ``);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join("\n"));
}

// As a command, for scripts in other languages (scripts/wine/selftest/run.sh):
//   node scripts/junit.mjs write SUITE < lines
// where each line is `passed|failed|skipped<TAB>name[<TAB>message]`; the
// report goes to $WINPIPE_JUNIT.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replaceAll("\\", "/").split("/").pop())) {
  const [command, suite] = process.argv.slice(2);
  if (command !== "write" || !suite || !process.env.WINPIPE_JUNIT) {
    console.error("usage: WINPIPE_JUNIT=PATH node scripts/junit.mjs write SUITE < lines");
    process.exit(2);
  }
  const input = readFileSync(0, "utf8");
  const cases = input.split("\n").filter((line) => line.trim() !== "").map((line) => {
    const [outcome, name, message] = line.split("\t");
    return { outcome, name, message };
  });
  writeReport(process.env.WINPIPE_JUNIT, suite, cases);
}
