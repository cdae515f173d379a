// Deno entry of the native suites (native_suites.ts).
import { register } from "../deno.ts";
import { nativeSuites } from "./native_suites.ts";

nativeSuites(register);
