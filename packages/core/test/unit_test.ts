// Deno entry of the unit suites.
import { unitSuites } from "./unit_suites.ts";

unitSuites((name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }));
