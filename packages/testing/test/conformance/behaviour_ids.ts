/**
 * The behaviour ids of SPEC.md (shared/SPEC.md beside the repository), transcribed by hand
 * so that the coverage check needs no parsing at run time. Update this list
 * when SPEC.md gains or loses an id.
 *
 * @module
 */
import assert from "node:assert/strict";
import { conformanceCaseList } from "../../src/conformance.ts";

/** Every id in SPEC.md, section by section. */
export const SPEC_IDS: readonly string[] = [
  // S. The seed documents
  "S1",
  "S2",
  "S3",
  "S4",
  "S5",
  "S6",
  "S7",
  "S8",
  "S9",
  "S10",
  "S11",
  "S12",
  "S13",
  "S14",
  "S15",
  "S16",
  "S17",
  "S18",
  "S19",
  "S20",
  "S21",
  // A. Creation and validation
  "A1",
  "A2",
  "A3",
  "A4",
  "A5",
  "A6",
  "A7",
  "A8",
  "A9",
  // B. Connect and disconnect
  "B10",
  "B11",
  "B12",
  "B13",
  "B14",
  "B15",
  "B17",
  "B18",
  "B19",
  "B20",
  // C. Byte mode
  "C21",
  "C22",
  "C24",
  // D. Message mode
  "D25",
  "D26",
  "D27",
  "D29",
  "D31",
  "D32",
  "D33",
  "D34",
  "D35",
  // E. Nonblocking mode
  "E36",
  "E38",
  "E39",
  "E40",
  "E41",
  "E42",
  // F. Peek, quotas and flush
  "F43",
  "F46",
  "F47",
  "F48",
  // G. Broken pipe and close
  "G49",
  "G50",
  "G51",
  "G52",
  "G53",
  "G55",
  // H. Overlapped I/O and cancellation
  "H56",
  "H57",
  "H58",
  // I. TransactNamedPipe and CallNamedPipe
  "I61",
  "I64",
  "I65",
  // J. Handle state
  "J66",
  "J67",
]; // deno-fmt-ignore

/** Asserts that every SPEC id has a case, every case has a SPEC id, and names are well formed and unique. */
export function checkCoverage(): void {
  const cases = conformanceCaseList();
  const ids = new Set(cases.map((c) => c.id));
  const missing = SPEC_IDS.filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], `SPEC ids without a conformance case: ${missing.join(", ")}`);
  const spec = new Set(SPEC_IDS);
  const unknown = cases.filter((c) => !spec.has(c.id)).map((c) => c.name);
  assert.deepEqual(unknown, [], "cases whose id is not in SPEC.md");
  const badNames = cases.filter((c) => !c.name.startsWith(`${c.id} `)).map((c) => c.name);
  assert.deepEqual(badNames, [], "case names must start with their SPEC id and a space");
  const seen = new Set<string>();
  const duplicates = cases.filter((c) => seen.size === seen.add(c.name).size).map((c) => c.name);
  assert.deepEqual(duplicates, [], "case names must be unique");
}
