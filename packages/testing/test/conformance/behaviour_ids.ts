/**
 * The behaviour ids of docs/behaviours.md, read from the document itself
 * (each is a bold id at the start of a list item: `- **D26** ...`), and the
 * check that the conformance suite has a case for every one of them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { conformanceCaseList } from "../../src/conformance.ts";

/** Every id in docs/behaviours.md, in the document's order. */
export const BEHAVIOUR_IDS: readonly string[] = [
  ...readFileSync(fileURLToPath(new URL("../../../../docs/behaviours.md", import.meta.url)), "utf8")
    .matchAll(/^- \*\*([A-Z][0-9]+)\*\* /gm),
].map((match) => match[1]);

/** Asserts that every behaviour id has a case, every case has an id, and names are well formed and unique. */
export function checkCoverage(): void {
  assert.ok(BEHAVIOUR_IDS.length >= 60, `docs/behaviours.md lists only ${BEHAVIOUR_IDS.length} ids`);
  const cases = conformanceCaseList();
  const ids = new Set(cases.map((c) => c.id));
  const missing = BEHAVIOUR_IDS.filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], `behaviour ids without a conformance case: ${missing.join(", ")}`);
  const documented = new Set(BEHAVIOUR_IDS);
  const unknown = cases.filter((c) => !documented.has(c.id)).map((c) => c.name);
  assert.deepEqual(unknown, [], "cases whose id is not in docs/behaviours.md");
  const badNames = cases.filter((c) => !c.name.startsWith(`${c.id} `)).map((c) => c.name);
  assert.deepEqual(badNames, [], "case names must start with their behaviour id and a space");
  const seen = new Set<string>();
  const duplicates = cases.filter((c) => seen.size === seen.add(c.name).size).map((c) => c.name);
  assert.deepEqual(duplicates, [], "case names must be unique");
}
