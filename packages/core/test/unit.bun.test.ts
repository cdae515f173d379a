// Bun entry of the unit suites.
import { test } from "bun:test";
import { unitSuites } from "./unit_suites.ts";

unitSuites((name, fn, skip) => (skip === undefined ? test(name, fn) : test.skip(`${name} (${skip})`, fn)));
