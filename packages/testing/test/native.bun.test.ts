// Bun entry of the native suites (native_suites.ts).
import { register } from "../bun.ts";
import { nativeSuites } from "./native_suites.ts";

nativeSuites(register);
